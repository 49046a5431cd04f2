package io.jdib.blockdevice.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.sys.SourcePosition;
import org.junit.jupiter.api.Test;

/** Tree, graph and mixed notation of one layout give one graph. */
class NotationTest {

    @Test
    void treeGraphAndMixedGiveEqualGraphs() {
        BlockDeviceGraph tree = Fixtures.parse("multi-tree.yaml");
        BlockDeviceGraph graph = Fixtures.parse("multi-graph.yaml");
        BlockDeviceGraph mixed = Fixtures.parse("multi-mixed.yaml");

        assertThat(graph).isEqualTo(tree);
        assertThat(mixed).isEqualTo(tree);
        assertThat(graph.hashCode()).isEqualTo(tree.hashCode());
        assertThat(graph.topologicalOrder().stream().map(NodeConfig::name))
                .containsExactlyElementsOf(
                        tree.topologicalOrder().stream().map(NodeConfig::name).toList());
    }

    @Test
    void dibDocsTreeAndDigraphExamplesAreTheSame() {
        assertThat(Fixtures.parse("dib-docs/graph-notation.yaml"))
                .isEqualTo(Fixtures.parse("dib-docs/tree-notation.yaml"));
    }

    @Test
    void differentLayoutsAreNotEqual() {
        String withOtherLabel = Fixtures.text("multi-tree.yaml").replace("label: varlog", "label: logs");
        assertThat(BlockDeviceConfig.parse(withOtherLabel, "edited")).isNotEqualTo(Fixtures.parse("multi-tree.yaml"));
    }

    @Test
    void nestedNodesAreNamedTypeUnderscoreBase() {
        BlockDeviceGraph g = Fixtures.parse("multi-tree.yaml");

        Mkfs mkfs = (Mkfs) g.node("mkfs_root").orElseThrow();
        Mount mount = (Mount) g.node("mount_mkfs_root").orElseThrow();
        Fstab fstab = (Fstab) g.node("fstab_mount_mkfs_root").orElseThrow();
        assertThat(mkfs.base()).isEqualTo("root");
        assertThat(mount.base()).isEqualTo("mkfs_root");
        assertThat(mount.mountPoint()).isEqualTo("/");
        assertThat(fstab.base()).isEqualTo("mount_mkfs_root");
        assertThat(fstab.fsckPassno()).isEqualTo(1);
    }

    @Test
    void partitionsAreNodesBuiltOnTheirTable() {
        BlockDeviceGraph g = Fixtures.parse("multi-tree.yaml");

        Partitioning table = (Partitioning) g.node("mbr").orElseThrow();
        assertThat(table.base()).isEqualTo("image0");
        assertThat(table.partitions()).extracting(Partition::name).containsExactly("boot", "root", "var", "var_log");
        assertThat(g.nodes(Partition.class))
                .allSatisfy(p -> assertThat(p.base()).isEqualTo("mbr"));
        assertThat(g.edges()).contains(new Edge("image0", "mbr"), new Edge("mbr", "boot"), new Edge("boot", "root"));
    }

    @Test
    void positionsPointAtTheNodeKeyword() {
        BlockDeviceGraph g = Fixtures.parse("multi-tree.yaml");

        assertThat(g.node("image0").orElseThrow().position()).isEqualTo(new SourcePosition("multi-tree.yaml", 2, 3));
        assertThat(g.node("root").orElseThrow().position()).isEqualTo(new SourcePosition("multi-tree.yaml", 20, 9));
        assertThat(g.node("mount_mkfs_root").orElseThrow().position())
                .isEqualTo(new SourcePosition("multi-tree.yaml", 25, 11));
    }
}
