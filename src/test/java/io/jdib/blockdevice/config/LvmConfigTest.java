package io.jdib.blockdevice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** DIB's LVM YAML as DIB's own elements write it, and bad LVM configs. */
class LvmConfigTest {

    @Test
    void dibsEfiLvmLayoutParses() {
        BlockDeviceGraph g = Fixtures.parse("lvm-dib-efi.yaml");
        Lvm lvm = (Lvm) g.node("lvm").orElseThrow();
        assertThat(lvm.base()).containsExactly("root");
        assertThat(lvm.pvs()).singleElement().satisfies(pv -> {
            assertThat(pv.base()).isEqualTo("root");
            assertThat(pv.options()).containsExactly("--force");
        });
        VolumeGroup vg = (VolumeGroup) g.node("vg").orElseThrow();
        assertThat(vg.bases()).containsExactly("pv");
        assertThat(vg.options()).containsExactly("--force");
        assertThat(g.nodes(LogicalVolume.class))
                .extracting(lv -> lv.extents().orElseThrow())
                .containsExactly("23%VG", "57%VG", "20%VG");
        assertThat(g.rootMkfs().map(Mkfs::name)).contains("fs_root");
        assertThat(((Mkfs) g.node("fs_var").orElseThrow()).base()).isEqualTo("lv_var");
        // The stack is made after its partition and before the filesystems on it.
        assertThat(g.topologicalOrder())
                .extracting(NodeConfig::name)
                .containsSubsequence("root", "lvm", "pv", "vg", "lv_root", "fs_root");
    }

    @Test
    void theElementsOwnConfigParses() throws Exception {
        String text = java.nio.file.Files.readString(
                java.nio.file.Path.of("elements/block-device-efi-lvm/block-device-default.yaml"));
        BlockDeviceGraph g = BlockDeviceConfig.parse(text, "block-device-efi-lvm");
        assertThat(g.nodes(LogicalVolume.class))
                .extracting(LogicalVolume::name)
                .containsExactly("lv_root", "lv_var", "lv_home");
        assertThat(g.mounts())
                .extracting(Mount::mountPoint)
                .containsExactlyInAnyOrder("/", "/boot/efi", "/var", "/home");
    }

    @Test
    void aVgOverTwoPvsNamesBothPartitions() {
        BlockDeviceGraph g = Fixtures.parse("lvm-two-pvs.yaml");
        assertThat(((Lvm) g.node("lvm").orElseThrow()).bases()).containsExactly("p1", "p2");
        assertThat(((VolumeGroup) g.node("vg").orElseThrow()).bases()).containsExactly("pv1", "pv2");
        assertThat(((VolumeGroup) g.node("vg").orElseThrow()).options()).containsExactly("-s", "8M");
    }

    @Test
    void aPvOnANodeThatDoesNotExistIsNamedAtItsBase() {
        assertThatThrownBy(() -> Fixtures.parse("errors/lvm-pv-on-nothing.yaml"))
                .isInstanceOf(BlockDeviceConfigException.class)
                .hasMessageStartingWith("errors/lvm-pv-on-nothing.yaml:13:15: pv 'pv' has base 'rooot',"
                        + " which no node is named; use one of: root,");
    }

    @Test
    void twoLvsOfOneNameAreRefusedAtTheSecond() {
        assertThatThrownBy(() -> Fixtures.parse("errors/lvm-duplicate-lv.yaml"))
                .isInstanceOf(BlockDeviceConfigException.class)
                .hasMessageStartingWith("errors/lvm-duplicate-lv.yaml:11:16: lv 'lv_root' has the name of"
                        + " lv 'lv_root' at errors/lvm-duplicate-lv.yaml:10:9");
    }

    @Test
    void aVgMustStandOnPvs() {
        assertThatThrownBy(() -> Fixtures.parse("errors/lvm-vg-on-partition.yaml"))
                .isInstanceOf(BlockDeviceConfigException.class)
                .hasMessageStartingWith("errors/lvm-vg-on-partition.yaml:")
                .hasMessageContaining("vg 'vg' is built on local_loop 'image0'; its base must be a pv");
    }
}
