package io.jdib.blockdevice;

import static io.jdib.blockdevice.ImageSize.GIB;
import static io.jdib.blockdevice.ImageSize.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.blockdevice.config.BlockDeviceConfig;
import io.jdib.blockdevice.config.FsType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSizeTest {

    @Test
    void imageSizeIsGibLikeDib() {
        assertThat(ImageSize.parseImageSize("2")).isEqualTo(2 * GIB);
        assertThat(ImageSize.parseImageSize("1.5")).isEqualTo(1536 * MIB);
        assertThat(ImageSize.parseImageSize(" 3 ")).isEqualTo(3 * GIB);
    }

    @Test
    void imageSizeTakesAUnitAndRoundsUpToMib() {
        assertThat(ImageSize.parseImageSize("800MiB")).isEqualTo(800 * MIB);
        assertThat(ImageSize.parseImageSize("1G")).isEqualTo(954 * MIB); // 10^9 bytes, rounded up
        assertThat(ImageSize.parseImageSize("1000")).isEqualTo(1000 * GIB);
    }

    @Test
    void extraSizeIsGibAndMayBeZero() {
        assertThat(ImageSize.parseExtraSize("1")).isEqualTo(GIB);
        assertThat(ImageSize.parseExtraSize("0")).isZero();
        assertThat(ImageSize.parseExtraSize("0.25")).isEqualTo(256 * MIB);
    }

    @Test
    void badSizesSayWhatToGive() {
        assertThatThrownBy(() -> ImageSize.parseImageSize("big"))
                .isInstanceOf(BlockDeviceException.class)
                .hasMessage("--image-size 'big' is not a size; give GiB as a number (e.g. 2 or 1.5)"
                        + " or a size with a unit (e.g. 800MiB, 2GiB)");
        assertThatThrownBy(() -> ImageSize.parseImageSize("-1")).isInstanceOf(BlockDeviceException.class);
        assertThatThrownBy(() -> ImageSize.parseImageSize("0")).hasMessageContaining("not more than zero");
        assertThatThrownBy(() -> ImageSize.parseExtraSize("2 parsecs"))
                .hasMessageStartingWith("--image-extra-size '2 parsecs' is not a size");
        assertThatThrownBy(() -> ImageSize.parseImageSize(null)).isInstanceOf(BlockDeviceException.class);
    }

    @Test
    void treeSizeIsDividedByPointSixPlusJournalAndExtra() {
        // 600 MiB of tree -> 1000 MiB; ext4 adds its 64 MiB journal.
        assertThat(ImageSize.forTree(600 * MIB, FsType.XFS, 0)).isEqualTo(1000 * MIB);
        assertThat(ImageSize.forTree(600 * MIB, FsType.EXT4, 0)).isEqualTo(1064 * MIB);
        assertThat(ImageSize.forTree(600 * MIB, FsType.EXT4, GIB)).isEqualTo(2088 * MIB);
        // Always a whole MiB, rounded up.
        assertThat(ImageSize.forTree(1, FsType.XFS, 0)).isEqualTo(MIB);
        assertThat(ImageSize.forTree(0, FsType.XFS, 0)).isZero();
    }

    @Test
    void treeBytesIsDiskUsage(@TempDir Path tmp) throws Exception {
        Files.write(tmp.resolve("a"), new byte[3 * (int) MIB]);
        Files.createDirectories(tmp.resolve("d"));
        Files.write(tmp.resolve("d/b"), new byte[(int) MIB]);
        long bytes = ImageSize.treeBytes(tmp);
        assertThat(bytes).isBetween(4 * MIB, 4 * MIB + 64 * 1024);
    }

    @Test
    void fixedPartitionsBesideTheRootAreAddedWithRoomForTheTable() throws Exception {
        String efi = Files.readString(Path.of("elements/block-device-efi/block-device-default.yaml"));
        // ESP 550 MiB and BIOS boot 8 MiB beside a root of 100%, plus 2 MiB of table and alignment.
        assertThat(ImageSize.besideRoot(BlockDeviceConfig.parse(efi, "efi"))).isEqualTo(560 * MIB);
        String lvm = Files.readString(Path.of("elements/block-device-efi-lvm/block-device-default.yaml"));
        assertThat(ImageSize.besideRoot(BlockDeviceConfig.parse(lvm, "efi-lvm")))
                .isEqualTo(560 * MIB);
        // DIB's default layout: one MBR partition that holds the root, nothing beside it.
        assertThat(ImageSize.besideRoot(BlockDeviceConfig.parse(BlockDeviceConfig.defaultYaml(), "default")))
                .isZero();
    }

    @Test
    void aFixedSizeRootPartitionIsNotCountedTwice() {
        String yaml = """
                - local_loop:
                    name: image0
                - partitioning:
                    base: image0
                    label: gpt
                    partitions:
                      - name: root
                        size: 1GiB
                        mkfs:
                          type: ext4
                          mount:
                            mount_point: /
                      - name: data
                        size: 100MiB
                """;
        assertThat(ImageSize.besideRoot(BlockDeviceConfig.parse(yaml, "two"))).isEqualTo(102 * MIB);
    }
}
