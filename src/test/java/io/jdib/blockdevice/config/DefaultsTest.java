package io.jdib.blockdevice.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** DIB's built-in layout and the defaults filled into mkfs_root. */
class DefaultsTest {

    @Test
    void defaultLayoutIsRootFilesystemStraightOnImage0() {
        BlockDeviceGraph g = BlockDeviceConfig.defaultGraph(ConfigDefaults.dib());

        assertThat(g.topologicalOrder())
                .extracting(NodeConfig::name)
                .containsExactly("image0", "mkfs_root", "mount_mkfs_root", "fstab_mount_mkfs_root");
        Mkfs root = g.rootMkfs().orElseThrow();
        assertThat(root.name()).isEqualTo("mkfs_root");
        assertThat(root.base()).isEqualTo("image0");
        assertThat(root.type()).isEqualTo(FsType.EXT4);
        assertThat(root.label()).isEqualTo("cloudimg-rootfs");
        assertThat(g.mounts()).extracting(Mount::mountPoint).containsExactly("/");
        Fstab fstab = g.fstabEntries().get(0);
        assertThat(fstab.options()).isEqualTo("defaults");
        assertThat(fstab.dumpFreq()).isZero();
        assertThat(fstab.fsckPassno()).isEqualTo(1);
        assertThat(g.node("image0").orElseThrow().position().source()).isEqualTo(BlockDeviceConfig.DEFAULT_SOURCE);
    }

    @Test
    void xfsRootGetsTheShortLabel() {
        Mkfs root = BlockDeviceConfig.defaultGraph(ConfigDefaults.dib().withRootFsType("xfs"))
                .rootMkfs()
                .orElseThrow();

        assertThat(root.type()).isEqualTo(FsType.XFS);
        assertThat(root.label()).isEqualTo("img-rootfs");
    }

    @Test
    void rootLabelParameterOverridesTheDefault() {
        Mkfs root = BlockDeviceConfig.defaultGraph(ConfigDefaults.dib().withRootLabel("my-root"))
                .rootMkfs()
                .orElseThrow();

        assertThat(root.label()).isEqualTo("my-root");
    }

    @Test
    void labelWrittenInTheConfigWinsOverTheParameter() {
        String yaml = """
        - local_loop:
            name: image0
            mkfs:
              name: mkfs_root
              type: btrfs
              label: written
        """;
        Mkfs root = BlockDeviceConfig.parse(yaml, "inline", ConfigDefaults.dib().withRootLabel("param"))
                .rootMkfs()
                .orElseThrow();

        assertThat(root.label()).isEqualTo("written");
        assertThat(root.type()).isEqualTo(FsType.BTRFS);
    }

    @Test
    void otherFilesystemsAreLabelledWithTheirName() {
        BlockDeviceGraph g = Fixtures.parse("multi-tree.yaml");

        assertThat(((Mkfs) g.node("mkfs_boot").orElseThrow()).label()).isEqualTo("mkfs_boot");
        assertThat(((Mkfs) g.node("mkfs_var").orElseThrow()).label()).isEqualTo("mkfs_var");
        assertThat(((Mkfs) g.node("mkfs_var_log").orElseThrow()).label()).isEqualTo("varlog");
        // Named mkfs_root, so the root label applies though the type was written.
        assertThat(((Mkfs) g.node("mkfs_root").orElseThrow()).label()).isEqualTo("cloudimg-rootfs");
    }

    @Test
    void fstabDefaults() {
        BlockDeviceGraph g = Fixtures.parse("multi-tree.yaml");
        Fstab var = (Fstab) g.node("fstab_mount_mkfs_var").orElseThrow();

        assertThat(var.options()).isEqualTo("nodev");
        assertThat(var.dumpFreq()).isZero();
        assertThat(var.fsckPassno()).isEqualTo(2);
    }

    @Test
    void rootFsTypeFromParameterIsCheckedLikeAWrittenOne() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        BlockDeviceConfig.defaultGraph(ConfigDefaults.dib().withRootFsType("zfs")))
                .isInstanceOf(BlockDeviceConfigException.class)
                .hasMessage(BlockDeviceConfig.DEFAULT_SOURCE
                        + ":7:7: unknown filesystem type 'zfs' for mkfs 'mkfs_root' (the root filesystem"
                        + " type, DIB's FS_TYPE); use one of: ext2, ext3, ext4, xfs, btrfs, vfat, swap");
    }
}
