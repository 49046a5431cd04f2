package io.jdib.build;

import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Mounts;
import io.jdib.sys.EnvironmentError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * The private directory of one build: the ledger, and a work area (on tmpfs when memory allows)
 * holding the root tree, the merged hooks and scratch files.
 */
public final class BuildDir {
    public static final String PREFIX = "build-";

    private final Path dir;
    private final Ledger ledger;
    private final Path work;
    private final boolean tmpfs;

    private BuildDir(Path dir, Ledger ledger, Path work, boolean tmpfs) {
        this.dir = dir;
        this.ledger = ledger;
        this.work = work;
        this.tmpfs = tmpfs;
    }

    public static BuildDir create(Path workRoot, boolean wantTmpfs, int minTmpfsGiB, Consumer<String> events) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = workRoot.resolve(PREFIX + stamp + "-" + ProcessHandle.current().pid());
        Ledger ledger = Ledger.create(dir, events);
        Path work = dir.resolve("work");
        boolean tmpfs = false;
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (wantTmpfs) {
            long availableGiB = memAvailableKiB() / (1024 * 1024);
            if (availableGiB >= minTmpfsGiB) {
                ledger.recordMount(work);
                Exec.check("mount", "-t", "tmpfs", "-o", "mode=0755", "jdib-build", work.toString());
                tmpfs = true;
            } else {
                events.accept("not building on tmpfs: " + availableGiB + " GiB of memory available, --min-tmpfs is "
                        + minTmpfsGiB);
            }
        }
        return new BuildDir(dir, ledger, work, tmpfs);
    }

    public Path dir() {
        return dir;
    }

    public Ledger ledger() {
        return ledger;
    }

    public Path work() {
        return work;
    }

    public boolean onTmpfs() {
        return tmpfs;
    }

    /** Undoes everything the ledger holds and removes the directory. */
    public void destroy(Consumer<String> events) {
        ledger.undoAll();
        Mounts.unmountTree(dir, events);
        removeTree(dir, events);
    }

    /** Removes a build directory, refusing if anything is still mounted in it (it could be the host's /dev). */
    static void removeTree(Path dir, Consumer<String> events) {
        if (!Mounts.mountedUnder(dir).isEmpty()) {
            events.accept("not removing " + dir + ": still mounted there: " + Mounts.mountedUnder(dir));
            return;
        }
        Exec.Result result = Exec.capture(Exec.Command.of("rm", "-rf", "--one-file-system", dir.toString()));
        if (!result.ok()) {
            events.accept("could not remove " + dir + ": " + String.join(" ", result.tail()));
        }
    }

    private static long memAvailableKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new EnvironmentError("cannot read /proc/meminfo to size tmpfs; use --no-tmpfs", e);
        }
        return 0;
    }
}
