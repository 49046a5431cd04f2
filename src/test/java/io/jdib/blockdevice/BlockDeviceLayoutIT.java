package io.jdib.blockdevice;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.blockdevice.config.BlockDeviceConfig;
import io.jdib.blockdevice.config.ConfigDefaults;
import io.jdib.blockdevice.config.FsType;
import io.jdib.event.BuildEvent;
import io.jdib.sys.Ledger;
import io.jdib.sys.Mounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each layout built on a real loop device, checked with the host's own tools, then undone. */
@Tag("integration")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class BlockDeviceLayoutIT extends LoopTestSupport {

    @Test
    void defaultLayoutIsOneExt4OnTheWholeLoop() throws Exception {
        Path raw;
        String device;
        try (BlockDevice disk = BlockDevice.create(
                BlockDeviceConfig.defaultGraph(ConfigDefaults.dib()), options(64 * MIB), ledger, events)) {
            raw = disk.imageFile();
            assertThat(raw).isEqualTo(imageDir.resolve("image0.raw"));
            assertThat(Files.size(raw)).isEqualTo(64 * MIB);
            device = disk.device("image0").orElseThrow();
            assertThat(losetupJ(raw)).hasSize(1).first().asString().startsWith(device + ":");

            Filesystem root = disk.root().orElseThrow();
            assertThat(root.device()).isEqualTo(device);
            assertThat(root.mountedAt()).contains(mountRoot);
            assertThat(Mounts.isMounted(mountRoot)).isTrue();
            assertThat(blkid(device, "LABEL")).isEqualTo("cloudimg-rootfs");
            assertThat(blkid(device, "TYPE")).isEqualTo("ext4");
            assertThat(blkid(device, "UUID")).isEqualTo(root.uuid());
            assertThat(disk.fstab()).isEqualTo("LABEL=cloudimg-rootfs / ext4 defaults 0 1\n");

            BlockDeviceState state = BlockDeviceState.read(imageDir);
            assertThat(state.phase()).isEqualTo("created");
            assertThat(state.loops())
                    .singleElement()
                    .satisfies(l -> assertThat(l.device()).isEqualTo(device))
                    .satisfies(l -> assertThat(l.file()).isEqualTo(raw.toString()));
            assertThat(state.filesystems())
                    .singleElement()
                    .satisfies(f -> assertThat(f.label()).isEqualTo("cloudimg-rootfs"))
                    .satisfies(f -> assertThat(f.uuid()).isEqualTo(root.uuid()))
                    .satisfies(f -> assertThat(f.mountedAt()).isEqualTo(mountRoot.toString()));

            Files.writeString(mountRoot.resolve("hello"), "world");
            disk.umount();
            assertThat(Mounts.isMounted(mountRoot)).isFalse();
            disk.cleanup();
        }
        assertThat(losetupJ(raw)).isEmpty();
        assertThat(Ledger.pending(ledger.file())).isEmpty();
        BlockDeviceState state = BlockDeviceState.read(imageDir);
        assertThat(state.phase()).isEqualTo("cleaned");
        assertThat(state.loops().get(0).device()).isNull();
        // The file itself is the filesystem, with the file written through the mount.
        assertThat(ok("debugfs", "-R", "cat /hello", raw.toString())).isEqualTo("world");
    }

    @Test
    void mbrWithBootAndRoot() throws Exception {
        try (BlockDevice disk = BlockDevice.create(layout("mbr-boot-root.yaml"), options(256 * MIB), ledger, events)) {
            String loop = disk.device("image0").orElseThrow();
            assertThat(disk.device("boot")).contains(loop + "p1");
            assertThat(disk.device("root")).contains(loop + "p2");
            assertThat(Files.exists(Path.of(loop + "p2"))).isTrue();
            assertThat(blkid(loop + "p1", "LABEL")).isEqualTo("boot");
            assertThat(blkid(loop + "p2", "LABEL")).isEqualTo("cloudimg-rootfs");
            assertThat(Mounts.mountedUnder(mountRoot)).containsExactly(mountRoot, mountRoot.resolve("boot"));
            assertThat(disk.fstab())
                    .isEqualTo("LABEL=cloudimg-rootfs / ext4 defaults 0 1\n" + "LABEL=boot /boot ext4 defaults 0 2\n");
            assertThat(ok("sfdisk", "--dump", disk.imageFile().toString()))
                    .contains("type=83, bootable")
                    .contains("size=      131072");
            assertThat(BlockDeviceState.read(imageDir).partitions())
                    .extracting(BlockDeviceState.PartitionState::device)
                    .containsExactly(loop + "p1", loop + "p2");
            disk.umount();
            disk.cleanup();
            assertThat(Files.exists(Path.of(loop + "p1")))
                    .as("partx mapping removed")
                    .isFalse();
        }
    }

    @Test
    void gptWithBiosBootEspAndRoot() throws Exception {
        try (BlockDevice disk =
                BlockDevice.create(layout("gpt-bios-esp-root.yaml"), options(256 * MIB), ledger, events)) {
            String loop = disk.device("image0").orElseThrow();
            String esp = loop + "p2";
            assertThat(disk.vfatFilesystems()).singleElement().satisfies(fs -> {
                assertThat(fs.device()).isEqualTo(esp);
                assertThat(fs.type()).isEqualTo(FsType.VFAT);
                assertThat(fs.mountPoint()).contains("/boot/efi");
                assertThat(fs.mountedAt()).isEmpty();
            });
            assertThat(Mounts.mountedUnder(mountRoot)).containsExactly(mountRoot);
            assertThat(mountRoot.resolve("boot/efi"))
                    .as("mount point made for fstab")
                    .isDirectory();

            // Filled with mtools, never mounted.
            Path payload = tmp.resolve("grubx64.efi");
            Files.writeString(payload, "not really grub");
            ok("mmd", "-i", esp, "::EFI");
            ok("mcopy", "-i", esp, payload.toString(), "::EFI/grubx64.efi");
            assertThat(ok("mdir", "-i", esp, "::EFI")).contains("grubx64");
            assertThat(ok("minfo", "-i", esp, "::")).contains("EFI");
            String volumeId = disk.vfatFilesystems().get(0).uuid();
            assertThat(blkid(esp, "UUID")).isEqualTo(volumeId);
            assertThat(blkid(esp, "LABEL")).isEqualTo("EFI");

            assertThat(ok("sgdisk", "-p", disk.imageFile().toString()))
                    .containsPattern("1\\s+2048\\s+\\d+\\s+8\\.0 MiB\\s+EF02")
                    .containsPattern("2\\s+\\d+\\s+\\d+\\s+64\\.0 MiB\\s+EF00");
            assertThat(disk.fstab())
                    .isEqualTo("LABEL=cloudimg-rootfs / ext4 defaults 0 1\n"
                            + "LABEL=EFI /boot/efi vfat umask=0077 0 2\n");
            assertThat(BlockDeviceState.read(imageDir).filesystems())
                    .filteredOn(f -> f.type().equals("vfat"))
                    .singleElement()
                    .satisfies(f -> assertThat(f.mountedAt()).isNull());
        }
    }

    @Test
    void multiplePartitionsMountInMountPointOrder() throws Exception {
        try (BlockDevice disk = BlockDevice.create(layout("multi.yaml"), options(400 * MIB), ledger, events)) {
            // mountinfo lists mounts in the order they were made.
            assertThat(Mounts.mountedUnder(mountRoot))
                    .containsExactly(
                            mountRoot,
                            mountRoot.resolve("boot"),
                            mountRoot.resolve("var"),
                            mountRoot.resolve("var/log"));
            String loop = disk.device("image0").orElseThrow();
            // var_log is the first logical (5), var the second (6).
            assertThat(disk.device("var_log")).contains(loop + "p5");
            assertThat(disk.device("var")).contains(loop + "p6");
            assertThat(blkid(loop + "p5", "LABEL")).isEqualTo("varlog");
            assertThat(blkid(loop + "p1", "TYPE")).isEqualTo("ext2");
            assertThat(disk.filesystem("mkfs_var_log").orElseThrow().mountedAt())
                    .contains(mountRoot.resolve("var/log"));
            assertThat(disk.fstab())
                    .isEqualTo("LABEL=cloudimg-rootfs / ext4 defaults 0 1\n"
                            + "LABEL=boot /boot ext2 defaults 0 2\n"
                            + "LABEL=var /var ext4 nodev 0 2\n"
                            + "LABEL=varlog /var/log ext4 nodev,nosuid 2 2\n");
            Files.writeString(mountRoot.resolve("var/log/syslog"), "x");
            List<TrimResult> trimmed = disk.umount();
            assertThat(trimmed)
                    .extracting(TrimResult::node)
                    .containsExactly("mkfs_root", "mkfs_boot", "mkfs_var", "mkfs_var_log");
            assertThat(Mounts.mountedUnder(mountRoot)).isEmpty();
            assertThat(events.ofType(BuildEvent.Info.class))
                    .extracting(BuildEvent.Info::message)
                    .filteredOn(m -> m.startsWith("block device: unmounted"))
                    .containsExactly(
                            "block device: unmounted " + mountRoot.resolve("var/log"),
                            "block device: unmounted " + mountRoot.resolve("var"),
                            "block device: unmounted " + mountRoot.resolve("boot"),
                            "block device: unmounted " + mountRoot);
        }
    }

    @Test
    void xfsRootIsLabelledImgRootfs() throws Exception {
        ConfigDefaults xfs = ConfigDefaults.dib().withRootFsType("xfs");
        try (BlockDevice disk =
                BlockDevice.create(BlockDeviceConfig.defaultGraph(xfs), options(320 * MIB), ledger, events)) {
            Filesystem root = disk.root().orElseThrow();
            assertThat(root.type()).isEqualTo(FsType.XFS);
            assertThat(blkid(root.device(), "LABEL")).isEqualTo("img-rootfs");
            assertThat(blkid(root.device(), "TYPE")).isEqualTo("xfs");
            assertThat(blkid(root.device(), "UUID")).isEqualTo(root.uuid());
            assertThat(Mounts.isMounted(mountRoot)).isTrue();
            assertThat(disk.fstab()).isEqualTo("LABEL=img-rootfs / xfs defaults 0 1\n");
        }
    }

    @Test
    void btrfsRootAndSwap() throws Exception {
        try (BlockDevice disk = BlockDevice.create(layout("btrfs-swap.yaml"), options(256 * MIB), ledger, events)) {
            String loop = disk.device("image0").orElseThrow();
            assertThat(blkid(loop + "p1", "TYPE")).isEqualTo("swap");
            assertThat(blkid(loop + "p1", "LABEL")).isEqualTo("swap1");
            assertThat(blkid(loop + "p2", "TYPE")).isEqualTo("btrfs");
            assertThat(disk.filesystem("mkfs_swap").flatMap(Filesystem::mountedAt))
                    .isEqualTo(Optional.empty());
            assertThat(Mounts.mountedUnder(mountRoot)).containsExactly(mountRoot);
            assertThat(disk.fstab()).isEqualTo("LABEL=broot / btrfs defaults 0 1\n" + "LABEL=swap1 none swap sw 0 0\n");
        }
    }

    @Test
    void givenUuidsAreUsed() throws Exception {
        String yaml = """
        - local_loop:
            name: image0
            mkfs:
              name: mkfs_root
              type: ext4
              uuid: 2f1a7a34-52a4-4e2b-9d2c-0c7b1e4a1f00
              opts: "-b 1024"
        """;
        try (BlockDevice disk =
                BlockDevice.create(BlockDeviceConfig.parse(yaml, "inline"), options(32 * MIB), ledger, events)) {
            String dev = disk.device("image0").orElseThrow();
            assertThat(blkid(dev, "UUID")).isEqualTo("2f1a7a34-52a4-4e2b-9d2c-0c7b1e4a1f00");
            assertThat(blkid(dev, "BLOCK_SIZE")).isEqualTo("1024");
            assertThat(Mounts.mountedUnder(mountRoot))
                    .as("no mount node, no mount")
                    .isEmpty();
        }
    }
}
