package io.jdib.blockdevice.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Creation order: bases first, partitions in table order, mounts by mount point. */
class OrderTest {

    private static List<String> names(List<? extends NodeConfig> nodes) {
        return nodes.stream().map(NodeConfig::name).toList();
    }

    @Test
    void multiPartitionLayout() {
        BlockDeviceGraph g = Fixtures.parse("multi-tree.yaml");

        assertThat(names(g.topologicalOrder()))
                .containsExactly(
                        "image0",
                        "mbr",
                        "boot",
                        "root",
                        "var",
                        "var_log",
                        "mkfs_boot",
                        "mkfs_root",
                        "mkfs_var",
                        "mkfs_var_log",
                        "mount_mkfs_root",
                        "mount_mkfs_boot",
                        "mount_mkfs_var",
                        "mount_mkfs_var_log",
                        "fstab_mount_mkfs_boot",
                        "fstab_mount_mkfs_root",
                        "fstab_mount_mkfs_var",
                        "fstab_mount_mkfs_var_log");
        assertThat(g.mounts()).extracting(Mount::mountPoint).containsExactly("/", "/boot", "/var", "/var/log");
        assertThat(g.fstabEntries())
                .extracting(Fstab::base)
                .containsExactly("mount_mkfs_root", "mount_mkfs_boot", "mount_mkfs_var", "mount_mkfs_var_log");
        assertThat(g.edges())
                .contains(
                        new Edge("mount_mkfs_root", "mount_mkfs_boot"),
                        new Edge("mount_mkfs_boot", "mount_mkfs_var"),
                        new Edge("mount_mkfs_var", "mount_mkfs_var_log"));
    }

    @Test
    void lvmLayout() {
        BlockDeviceGraph g = Fixtures.parse("lvm-tree.yaml");

        assertThat(names(g.topologicalOrder()))
                .containsExactly(
                        "image0",
                        "mbr",
                        "root",
                        "lvm_mbr",
                        "pv",
                        "vg",
                        "lv_log",
                        "lv_root",
                        "lv_tmp",
                        "lv_var",
                        "fs_log",
                        "fs_root",
                        "fs_tmp",
                        "fs_var",
                        "mount_fs_root",
                        "mount_fs_tmp",
                        "mount_fs_var",
                        "mount_fs_log",
                        "fstab_mount_fs_root",
                        "fstab_mount_fs_var");
        Lvm lvm = (Lvm) g.node("lvm_mbr").orElseThrow();
        assertThat(lvm.base()).contains("mbr");
        assertThat(((Mkfs) g.node("fs_log").orElseThrow()).base()).isEqualTo("lv_log");
        assertThat(((LogicalVolume) g.node("lv_tmp").orElseThrow()).extents()).contains("10%FREE");
        assertThat(g.rootMkfs().map(Mkfs::name)).contains("fs_root");
    }

    @Test
    void reverseOrderUndoesMountsBeforeDisks() {
        BlockDeviceGraph g = Fixtures.parse("multi-tree.yaml");

        // Written out, not derived from topologicalOrder(): undo runs fstab, then mounts deepest
        // first, then filesystems, partitions and last the loop file.
        assertThat(names(g.reverseOrder()))
                .containsExactly(
                        "fstab_mount_mkfs_var_log",
                        "fstab_mount_mkfs_var",
                        "fstab_mount_mkfs_root",
                        "fstab_mount_mkfs_boot",
                        "mount_mkfs_var_log",
                        "mount_mkfs_var",
                        "mount_mkfs_boot",
                        "mount_mkfs_root",
                        "mkfs_var_log",
                        "mkfs_var",
                        "mkfs_root",
                        "mkfs_boot",
                        "var_log",
                        "var",
                        "root",
                        "boot",
                        "mbr",
                        "image0");
    }

    @Test
    void everyEdgeGoesForwardInTheOrder() {
        for (String fixture : List.of("multi-tree.yaml", "lvm-tree.yaml", "lvm-thin.yaml")) {
            BlockDeviceGraph g = Fixtures.parse(fixture);
            List<String> order = names(g.topologicalOrder());
            assertThat(order).hasSameSizeAs(g.nodes());
            for (Edge e : g.edges()) {
                assertThat(order.indexOf(e.from())).as(fixture + " " + e).isLessThan(order.indexOf(e.to()));
            }
        }
    }

    @Test
    void mountOrderIgnoresTheOrderMountsAreWritten() {
        String yaml = """
        - local_loop: {name: a}
        - local_loop: {name: b}
        - local_loop: {name: c}
        - mkfs: {name: fs_c, base: c, type: ext4, mount: {mount_point: /var/log}}
        - mkfs: {name: fs_b, base: b, type: ext4, mount: {mount_point: /var}}
        - mkfs: {name: mkfs_root, base: a, mount: {mount_point: /}}
        """;
        BlockDeviceGraph g = BlockDeviceConfig.parse(yaml, "inline");

        assertThat(names(g.topologicalOrder())).containsSubsequence("mount_mkfs_root", "mount_fs_b", "mount_fs_c");
        assertThat(g.mountOf((Mkfs) g.node("fs_b").orElseThrow()).map(Mount::mountPoint))
                .contains("/var");
    }
}
