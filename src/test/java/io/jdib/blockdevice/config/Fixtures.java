package io.jdib.blockdevice.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads YAML fixtures from this package's test resources. */
final class Fixtures {

    private Fixtures() {}

    static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a fixture with DIB's defaults; errors name it by its fixture path. */
    static BlockDeviceGraph parse(String name) {
        return BlockDeviceConfig.parse(text(name), name);
    }

    static BlockDeviceGraph parse(String name, ConfigDefaults defaults) {
        return BlockDeviceConfig.parse(text(name), name, defaults);
    }
}
