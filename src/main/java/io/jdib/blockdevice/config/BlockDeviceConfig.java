package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads DIB's block-device configuration into a checked {@link BlockDeviceGraph}.
 *
 * <pre>{@code
 * BlockDeviceGraph g = BlockDeviceConfig.fromEnvironment(System.getenv("DIB_BLOCK_DEVICE_CONFIG"),
 *     ConfigDefaults.dib());
 * for (NodeConfig n : g.topologicalOrder()) { ... }
 * }</pre>
 */
public final class BlockDeviceConfig {

    /** The variable DIB reads a config from: inline YAML or a file:// URL. */
    public static final String ENVIRONMENT_VARIABLE = "DIB_BLOCK_DEVICE_CONFIG";

    private static final String FILE_PREFIX = "file://";
    private static final String DEFAULT_RESOURCE = "default-block-device.yaml";
    /** The source name errors in the built-in default would carry. */
    public static final String DEFAULT_SOURCE = "jdib:" + DEFAULT_RESOURCE;

    private BlockDeviceConfig() {}

    /** Parses {@code yaml} with DIB's defaults; {@code source} names it in error messages. */
    public static BlockDeviceGraph parse(String yaml, String source) {
        return parse(yaml, source, ConfigDefaults.dib());
    }

    public static BlockDeviceGraph parse(String yaml, String source, ConfigDefaults defaults) {
        return GraphBuilder.build(ConfigReader.read(yaml, source, defaults));
    }

    /** Parses a config file; errors name it by the path given. */
    public static BlockDeviceGraph parse(Path file, ConfigDefaults defaults) {
        String source = file.toString();
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), source, defaults);
        } catch (IOException e) {
            throw new BlockDeviceConfigException(
                    new SourcePosition(source, 1, 1),
                    "cannot read the block-device config (" + e.getClass().getSimpleName() + ")",
                    "check that the file exists and is readable");
        }
    }

    /**
     * Parses a value of {@value #ENVIRONMENT_VARIABLE} as DIB does: {@code file://PATH} reads
     * PATH, anything else is the YAML itself.
     */
    public static BlockDeviceGraph fromEnvironment(String value, ConfigDefaults defaults) {
        if (value.startsWith(FILE_PREFIX)) {
            Path file = Path.of(value.substring(FILE_PREFIX.length()));
            if (!Files.isReadable(file)) {
                throw new BlockDeviceConfigException(
                        new SourcePosition(ENVIRONMENT_VARIABLE, 1, 1),
                        ENVIRONMENT_VARIABLE + " names " + value + ", which is not a readable file",
                        "give an existing file as file:///absolute/path, or the YAML itself");
            }
            return parse(file, defaults);
        }
        return parse(value, ENVIRONMENT_VARIABLE, defaults);
    }

    /**
     * DIB's layout when no element provides one: disk image0 with the root filesystem straight on
     * it (no partition table), mounted at / with an fstab entry.
     */
    public static String defaultYaml() {
        try (InputStream in = BlockDeviceConfig.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BlockDeviceGraph defaultGraph(ConfigDefaults defaults) {
        return parse(defaultYaml(), DEFAULT_SOURCE, defaults);
    }
}
