package io.jdib.build;

import io.jdib.sys.Ledger;
import io.jdib.sys.Mounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Finds the build directories of builds whose process died (SIGKILL, power loss) and undoes what
 * their ledgers still hold: process groups, mounts, loop devices. Run by {@code jdib cleanup} and at
 * the start of every build.
 */
public final class StaleBuilds {
    private StaleBuilds() {
    }

    /** Cleans every dead build under {@code workRoot}; returns the directories removed. */
    public static List<Path> clean(Path workRoot, Consumer<String> events) {
        List<Path> cleaned = new ArrayList<>();
        if (!Files.isDirectory(workRoot)) {
            return cleaned;
        }
        List<Path> dirs;
        try (Stream<Path> list = Files.list(workRoot)) {
            dirs = list.filter(d -> d.getFileName().toString().startsWith(BuildDir.PREFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path dir : dirs) {
            Path ledger = dir.resolve(Ledger.FILE_NAME);
            if (Files.exists(ledger) && Ledger.ownerAlive(ledger)) {
                continue; // a build that is still running
            }
            events.accept("cleaning up after a build that did not finish: " + dir);
            if (Files.exists(ledger)) {
                Ledger.undoAll(ledger, events);
            }
            // Anything a hook mounted on its own is not in the ledger; it is still under the build dir.
            Mounts.unmountTree(dir, events);
            BuildDir.removeTree(dir, events);
            cleaned.add(dir);
        }
        return cleaned;
    }
}
