package io.jdib.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The one owner of everything a command does to the host: its private directory under the work
 * root, the {@link Ledger} of its mounts, loop devices and process groups, the handler that undoes
 * them on Ctrl-C and SIGTERM, and the teardown that undoes them when the command ends. Builds,
 * {@code jdib check}, {@code check --boot} and {@code disk-image-get-kernel} each open one and close
 * it in a {@code try}-with-resources; after a SIGKILL, {@link #cleanStale} (run by the next command
 * and by {@code jdib cleanup}) undoes what the dead one's ledger still holds.
 *
 * <p>Layout: {@code WORK_ROOT/build-PURPOSE-STAMP-PID/ledger} and {@code .../work/} for scratch files
 * (on tmpfs when {@link #mountTmpfs} is called and memory allows).
 */
public final class Workspace implements AutoCloseable {
    /** Every workspace directory starts with this, whatever made it, so cleanup finds them all. */
    public static final String PREFIX = "build-";

    private final Path dir;
    private final Ledger ledger;
    private final Path work;
    private final Consumer<String> warn;
    private final List<Runnable> onAbort = new ArrayList<>();
    private final Thread signalHandler;
    private boolean tmpfs;
    private boolean closed;

    private Workspace(Path dir, Ledger ledger, Path work, Consumer<String> warn) {
        this.dir = dir;
        this.ledger = ledger;
        this.work = work;
        this.warn = warn;
        this.signalHandler = new Thread(this::abort, "jdib-abort");
    }

    /**
     * Cleans up after dead commands under {@code workRoot}, then makes a new workspace there for
     * {@code purpose} (a word: {@code check}, {@code kernel}; empty for a build) and starts handling
     * SIGTERM and Ctrl-C.
     */
    public static Workspace open(Path workRoot, String purpose, Consumer<String> warn) {
        cleanStale(workRoot, warn);
        String stamp = LocalDateTime.now(java.time.ZoneId.systemDefault())
                .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String name = PREFIX + (purpose.isEmpty() ? "" : purpose + "-") + stamp + "-"
                + ProcessHandle.current().pid();
        Path dir = workRoot.toAbsolutePath().resolve(name);
        for (int n = 2; Files.exists(dir); n++) {
            dir = workRoot.toAbsolutePath().resolve(name + "-" + n);
        }
        try {
            Files.createDirectories(workRoot);
        } catch (IOException e) {
            throw new EnvironmentError(
                    "cannot make the work directory " + workRoot + ": " + e.getMessage()
                            + "; set JDIB_WORK_DIR to a writable directory",
                    e);
        }
        Ledger ledger = Ledger.create(dir, warn);
        Path work = dir.resolve("work");
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Workspace workspace = new Workspace(dir, ledger, work, warn);
        Runtime.getRuntime().addShutdownHook(workspace.signalHandler);
        return workspace;
    }

    public Path dir() {
        return dir;
    }

    public Ledger ledger() {
        return ledger;
    }

    /** The scratch area: trees, hooks, temporary images. */
    public Path work() {
        return work;
    }

    public boolean onTmpfs() {
        return tmpfs;
    }

    /** Puts {@link #work()} on tmpfs when at least {@code minGiB} of memory is available; says so when not. */
    public void mountTmpfs(int minGiB) {
        long availableGiB = memAvailableKiB() / (1024 * 1024);
        if (availableGiB < minGiB) {
            warn.accept(
                    "not building on tmpfs: " + availableGiB + " GiB of memory available, --min-tmpfs is " + minGiB);
            return;
        }
        new Mounts(ledger).mount("tmpfs", "jdib-build", work, "mode=0755");
        tmpfs = true;
    }

    /** Work to do when a signal stops the command, before the host is put back (e.g. remove partial outputs). */
    public synchronized void onAbort(Runnable action) {
        onAbort.add(action);
    }

    /** SIGTERM or Ctrl-C: stop starting things, run the abort actions, undo everything. */
    private void abort() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        warn.accept("interrupted: stopping hooks and undoing mounts");
        ledger.seal();
        List<Runnable> actions;
        synchronized (this) {
            actions = List.copyOf(onAbort);
        }
        actions.forEach(Runnable::run);
        teardown();
    }

    /** Undoes everything the ledger holds and removes the directory; safe to call twice, and from a signal. */
    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(signalHandler);
        } catch (IllegalStateException e) {
            // already shutting down: the handler is running or ran, and teardown is idempotent
        }
    }

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        ledger.seal();
        if (Files.exists(ledger.file())) { // gone only if a cleanup took it for a dead command's
            ledger.undoAll();
        }
        Mounts.unmountTree(dir, warn);
        if (Files.exists(dir)) {
            removeTree(dir, warn);
        }
    }

    /** Undoes and removes every workspace under {@code workRoot} whose owner died; returns them. */
    public static List<Path> cleanStale(Path workRoot, Consumer<String> events) {
        List<Path> cleaned = new ArrayList<>();
        if (!Files.isDirectory(workRoot)) {
            return cleaned;
        }
        List<Path> dirs;
        try (Stream<Path> list = Files.list(workRoot)) {
            dirs = list.filter(d -> d.getFileName().toString().startsWith(PREFIX))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path dir : dirs) {
            Path ledger = dir.resolve(Ledger.FILE_NAME);
            if (Files.exists(ledger) ? Ledger.ownerAlive(ledger) : namedOwnerAlive(dir)) {
                continue; // still running, or just made and about to write its ledger
            }
            events.accept("cleaning up after a build that did not finish: " + dir);
            if (Files.exists(ledger)) {
                Ledger.undoAll(ledger, events);
            }
            // Anything a hook mounted on its own is not in the ledger; it is still under the directory.
            Mounts.unmountTree(dir, events);
            removeTree(dir, events);
            cleaned.add(dir);
        }
        return cleaned;
    }

    private static final java.util.regex.Pattern OWNER_IN_NAME =
            java.util.regex.Pattern.compile("-[0-9]{8}-[0-9]{6}-([0-9]+)(-[0-9]+)?$");

    /**
     * Whether the process named in a workspace's directory name runs. A directory exists for a moment
     * before its ledger is written; without this, a command starting then would take it for a dead one's.
     */
    static boolean namedOwnerAlive(Path dir) {
        java.util.regex.Matcher m = OWNER_IN_NAME.matcher(dir.getFileName().toString());
        return m.find()
                && ProcessHandle.of(Long.parseLong(m.group(1)))
                        .map(ProcessHandle::isAlive)
                        .orElse(false);
    }

    /** Removes a workspace directory, refusing while anything is mounted in it (it could be the host's /dev). */
    private static void removeTree(Path dir, Consumer<String> events) {
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
