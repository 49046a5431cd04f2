package io.jdib.blockdevice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DIB_BLOCK_DEVICE_CONFIG holds the YAML itself or a file:// URL. */
class EnvironmentTest {

    @Test
    void inlineYamlIsNamedByTheVariable() {
        String yaml = Fixtures.text("errors/unknown-fs-type.yaml");

        assertThatThrownBy(() -> BlockDeviceConfig.fromEnvironment(yaml, ConfigDefaults.dib()))
                .isInstanceOf(BlockDeviceConfigException.class)
                .hasMessageStartingWith("DIB_BLOCK_DEVICE_CONFIG:5:13: unknown filesystem type 'zfs'");
    }

    @Test
    void fileUrlIsReadAndErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("layout.yaml");
        Files.writeString(file, Fixtures.text("multi-tree.yaml"));

        BlockDeviceGraph g = BlockDeviceConfig.fromEnvironment("file://" + file, ConfigDefaults.dib());
        assertThat(g).isEqualTo(Fixtures.parse("multi-tree.yaml"));
        assertThat(g.node("image0").orElseThrow().position().source()).isEqualTo(file.toString());

        Files.writeString(file, Fixtures.text("errors/duplicate-mount.yaml"));
        assertThatThrownBy(() -> BlockDeviceConfig.fromEnvironment("file://" + file, ConfigDefaults.dib()))
                .hasMessageStartingWith(file + ":15:20: ");
    }

    @Test
    void missingFileSaysWhatToDo(@TempDir Path dir) {
        String value = "file://" + dir.resolve("absent.yaml");

        assertThatThrownBy(() -> BlockDeviceConfig.fromEnvironment(value, ConfigDefaults.dib()))
                .isInstanceOf(BlockDeviceConfigException.class)
                .hasMessage("DIB_BLOCK_DEVICE_CONFIG:1:1: DIB_BLOCK_DEVICE_CONFIG names "
                        + value
                        + ", which is not a readable file; give an existing file as"
                        + " file:///absolute/path, or the YAML itself");
    }
}
