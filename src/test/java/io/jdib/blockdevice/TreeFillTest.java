package io.jdib.blockdevice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.blockdevice.TreeFill.Method;
import io.jdib.blockdevice.TreeFill.Mode;
import io.jdib.blockdevice.config.BlockDeviceConfig;
import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.blockdevice.config.ConfigDefaults;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the root filesystem is made straight from the tree (mke2fs -d) and when the tree is copied. */
class TreeFillTest {
    private static final Optional<String> BOOKWORM = Optional.of("mke2fs 1.47.0 (5-Feb-2023)");

    @TempDir
    Path tree;

    private static BlockDeviceGraph layout(String name) throws IOException {
        try (InputStream in = TreeFillTest.class.getResourceAsStream("layouts/" + name)) {
            assertThat(in).as(name).isNotNull();
            return BlockDeviceConfig.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), name, ConfigDefaults.dib());
        }
    }

    private TreeFill decide(BlockDeviceGraph graph) {
        return TreeFill.decide(graph, tree, Mode.AUTO, BOOKWORM);
    }

    @Test
    void anExtRootAloneIsMadeFromTheTree() {
        TreeFill fill = decide(BlockDeviceConfig.defaultGraph(ConfigDefaults.dib()));
        assertThat(fill.method()).isEqualTo(Method.MKE2FS);
        assertThat(fill.reason()).contains("ext4");
        for (String type : new String[] {"ext2", "ext3"}) {
            assertThat(decide(BlockDeviceConfig.defaultGraph(
                                    ConfigDefaults.dib().withRootFsType(type)))
                            .method())
                    .as(type)
                    .isEqualTo(Method.MKE2FS);
        }
    }

    @Test
    void otherRootTypesAreCopied() throws IOException {
        TreeFill xfs =
                decide(BlockDeviceConfig.defaultGraph(ConfigDefaults.dib().withRootFsType("xfs")));
        assertThat(xfs.method()).isEqualTo(Method.COPY);
        assertThat(xfs.reason()).isEqualTo("the root filesystem is xfs; mke2fs -d makes only ext2/3/4");
        assertThat(decide(layout("btrfs-swap.yaml")).method()).isEqualTo(Method.COPY);
    }

    @Test
    void aVfatEspIsNoObstacle() throws IOException {
        // Its content is staged on the root under /boot/efi and moved onto the vfat by mcopy later.
        Files.createDirectories(tree.resolve("boot/efi/EFI/debian"));
        assertThat(decide(layout("gpt-bios-esp-root.yaml")).method()).isEqualTo(Method.MKE2FS);
    }

    @Test
    void anotherFilesystemIsFineWhileItsMountPointIsEmpty() throws IOException {
        Files.createDirectories(tree.resolve("boot"));
        assertThat(decide(layout("mbr-boot-root.yaml")).method()).isEqualTo(Method.MKE2FS);
        assertThat(decide(layout("lvm-root-var.yaml")).method()).isEqualTo(Method.MKE2FS);
    }

    @Test
    void anotherFilesystemWithFilesInTheTreeIsCopied() throws IOException {
        Files.createDirectories(tree.resolve("boot"));
        Files.writeString(tree.resolve("boot/vmlinuz"), "kernel");
        TreeFill boot = decide(layout("mbr-boot-root.yaml"));
        assertThat(boot.method()).isEqualTo(Method.COPY);
        assertThat(boot.reason()).isEqualTo("/boot has its own filesystem and the tree has files under it");

        Files.createDirectories(tree.resolve("var/lib"));
        assertThat(decide(layout("lvm-root-var.yaml")).reason()).startsWith("/var has its own filesystem");
    }

    @Test
    void theUserCanAskForTheCopy() {
        TreeFill fill = TreeFill.decide(
                BlockDeviceConfig.defaultGraph(ConfigDefaults.dib()), tree, Mode.parse("copy"), BOOKWORM);
        assertThat(fill).isEqualTo(new TreeFill(Method.COPY, "JDIB_TREE_FILL=copy"));
        assertThat(Mode.parse(null)).isEqualTo(Mode.AUTO);
        assertThat(Mode.parse(" AUTO ")).isEqualTo(Mode.AUTO);
        assertThatThrownBy(() -> Mode.parse("direct"))
                .isInstanceOf(BlockDeviceException.class)
                .hasMessageContaining("JDIB_TREE_FILL='direct' is not a fill mode; use auto");
    }

    @Test
    void anOldOrSilentMke2fsMeansTheCopy() {
        BlockDeviceGraph graph = BlockDeviceConfig.defaultGraph(ConfigDefaults.dib());
        TreeFill old = TreeFill.decide(graph, tree, Mode.AUTO, Optional.of("mke2fs 1.46.2 (28-Feb-2021)"));
        assertThat(old.method()).isEqualTo(Method.COPY);
        assertThat(old.reason()).startsWith("mke2fs 1.46 is older than 1.47");
        assertThat(TreeFill.decide(graph, tree, Mode.AUTO, Optional.empty()).method())
                .isEqualTo(Method.COPY);
        assertThat(TreeFill.decide(graph, tree, Mode.AUTO, Optional.of("mke2fs 2.0.1"))
                        .method())
                .isEqualTo(Method.MKE2FS);
        assertThat(TreeFill.parseVersion("garbage")).isEmpty();
    }
}
