package io.jdib.blockdevice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.sys.Ledger;
import io.jdib.sys.UserError;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What cannot work stops before anything is made; what fails midway undoes itself. */
@Tag("integration")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class BlockDeviceFailureIT extends LoopTestSupport {

    @Test
    void thinLvmStopsBeforeAnything() throws Exception {
        assertThatThrownBy(() -> BlockDevice.create(
                        layout("/io/jdib/blockdevice/config/lvm-thin.yaml"), options(4L << 30), ledger, events))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("/io/jdib/blockdevice/config/lvm-thin.yaml:")
                .hasMessageContaining("thin-pool volume, which jdib cannot write without device-mapper");
        assertThat(imageDir).doesNotExist();
        assertThat(losetupJ(imageDir.resolve("image0.raw"))).isEmpty();
        assertThat(Files.readAllLines(ledger.file())).as("nothing recorded").hasSize(1);
    }

    @Test
    void imageTooSmallForThePartitionsStopsBeforeAnyLoop() throws Exception {
        assertThatThrownBy(() -> BlockDevice.create(layout("mbr-boot-root.yaml"), options(32 * MIB), ledger, events))
                .isInstanceOf(BlockDeviceException.class)
                .hasMessageStartingWith("partitioning 'partitioning")
                .hasMessageContaining("32.0 MiB image")
                .hasMessageContaining("boot");
        assertThat(imageDir.resolve("image0.raw")).doesNotExist();
        assertThat(Files.readAllLines(ledger.file())).as("no loop recorded").hasSize(1);
    }

    @Test
    void noImageSizeAndNoLoopSizeIsAnError() throws Exception {
        assertThatThrownBy(() -> BlockDevice.create(layout("mbr-boot-root.yaml"), options(0), ledger, events))
                .isInstanceOf(BlockDeviceException.class)
                .hasMessageContaining("--image-size");
    }

    @Test
    void badMkfsOptionMidwayLeavesNothingMountedOrAttached() throws Exception {
        BlockDevice.Options opts = options(256 * MIB).withRootMkfsOptions("--no-such-option");
        assertThatThrownBy(() -> BlockDevice.create(layout("mbr-boot-root.yaml"), opts, ledger, events))
                .isInstanceOf(BlockDeviceException.class)
                .hasMessageContaining("mkfs.ext4 for mkfs 'mkfs_root'")
                .hasMessageContaining("--no-such-option");
        // The loop, the partx mapping and the boot filesystem had been made; all undone.
        assertThat(Files.readString(ledger.file())).contains("\tloop\t").contains("\tpartx\t");
        assertThat(Ledger.pending(ledger.file())).isEmpty();
        assertThat(losetupJ(imageDir.resolve("image0.raw"))).isEmpty();
        assertThat(BlockDeviceState.read(imageDir).phase()).isEqualTo("cleaned");
    }

    @Test
    void failureAfterMountsIsUndoneByClose() throws Exception {
        BlockDevice disk = BlockDevice.create(layout("multi.yaml"), options(400 * MIB), ledger, events);
        try (disk) {
            assertThat(io.jdib.sys.Mounts.mountedUnder(mountRoot)).hasSize(4);
            // A hook mounts something under the tree and then the build fails.
            Files.createDirectories(mountRoot.resolve("proc"));
            ok("mount", "-t", "tmpfs", "tmpfs", mountRoot.resolve("proc").toString());
        }
        assertThat(io.jdib.sys.Mounts.mountedUnder(tmp)).isEmpty();
        assertThat(Ledger.pending(ledger.file())).isEmpty();
    }
}
