package io.jdib.cli;

import io.jdib.sys.UserError;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where jdib's built-in elements and lib/ live: JDIB_HOME, set by the launcher. */
final class Home {
    private Home() {}

    static Path locate() {
        String home = System.getenv("JDIB_HOME");
        if (home == null) {
            home = System.getProperty("jdib.home");
        }
        if (home == null || !Files.isDirectory(Path.of(home, "elements"))) {
            throw new UserError(
                    "cannot find jdib's elements: run jdib through bin/jdib, or set JDIB_HOME to the checkout");
        }
        return Path.of(home).toAbsolutePath().normalize();
    }
}
