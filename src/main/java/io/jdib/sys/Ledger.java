package io.jdib.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The persisted undo stack of one build. Every host side effect (mount, loop device, process group)
 * is appended here, and synced, <em>before</em> it is made; undoing it appends an {@code undone} line.
 * A build that is killed leaves the file behind, and {@link #undoAll} run by a later process (the
 * next build, or {@code jdib cleanup}) reverses whatever is still recorded.
 *
 * <p>Format: one tab-separated record a line: {@code owner PID STARTTIME}, {@code do ID KIND ARGS...},
 * {@code undone ID}.
 */
public final class Ledger {
    public static final String FILE_NAME = "ledger";

    /** The kinds of side effect the ledger can undo. */
    public enum Kind {
        MOUNT,
        LOOP,
        PARTX,
        PGROUP,
        BINFMT,
        BINFMT_MOUNT
    }

    /** One recorded side effect. */
    public record Action(int id, Kind kind, List<String> args) {
        public Action {
            args = List.copyOf(args);
        }
    }

    /** A recorded action that its owner undoes (or just marks undone) when done with it. */
    public final class Entry {
        private final Action action;
        private boolean undone;

        private Entry(Action action) {
            this.action = action;
        }

        public Action action() {
            return action;
        }

        /** Reverses the side effect now and marks it undone. */
        public synchronized void undo() {
            if (!undone) {
                Undo.undo(action, events, host);
                markUndone();
            }
        }

        /** Marks the action undone without acting: its owner already reversed it. */
        public synchronized void markUndone() {
            if (!undone) {
                undone = true;
                append("undone\t" + action.id());
            }
        }
    }

    private final Path file;
    private final Consumer<String> events;
    private final Host host;
    private int nextId = 1;
    private volatile boolean sealed;

    private Ledger(Path file, Consumer<String> events, Host host) {
        this.file = file;
        this.events = events;
        this.host = host;
    }

    /** Starts a new ledger owned by this process, acting on this machine. */
    public static Ledger create(Path dir, Consumer<String> events) {
        return create(dir, events, Host.REAL);
    }

    /** Starts a new ledger owned by this process whose owners act through {@code host}. */
    public static Ledger create(Path dir, Consumer<String> events, Host host) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(FILE_NAME);
            Ledger ledger = new Ledger(file, events, host);
            long pid = ProcessHandle.current().pid();
            Files.writeString(
                    file,
                    "owner\t" + pid + "\t" + startTime(pid) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.DSYNC);
            return ledger;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create ledger in " + dir, e);
        }
    }

    public Path file() {
        return file;
    }

    public Entry recordMount(Path target) {
        return record(Kind.MOUNT, target.toString());
    }

    public Entry recordLoop(String device, Path backing) {
        return record(Kind.LOOP, device, backing.toString());
    }

    public Entry recordPartx(String device) {
        return record(Kind.PARTX, device);
    }

    /** A binfmt_misc registration, by the path of its entry (e.g. /proc/sys/fs/binfmt_misc/NAME). */
    public Entry recordBinfmt(Path entry) {
        return record(Kind.BINFMT, entry.toString());
    }

    /**
     * binfmt_misc mounted by jdib at {@code dir} (by this build or another, {@code mark} says so while
     * it is); undone only when no registration is left in it.
     */
    public Entry recordBinfmtMount(Path dir, Path mark) {
        return record(Kind.BINFMT_MOUNT, dir.toString(), mark.toString());
    }

    public Entry recordProcessGroup(long pgid) {
        return record(Kind.PGROUP, Long.toString(pgid));
    }

    /** After this, recording (and so making) a new side effect fails: the build is being torn down. */
    public void seal() {
        sealed = true;
    }

    private synchronized Entry record(Kind kind, String... args) {
        if (sealed) {
            throw new Interrupted("build is stopping; not starting anything new");
        }
        for (String arg : args) {
            if (arg.contains("\t") || arg.contains("\n")) {
                throw new UserError("path has a tab or newline, which jdib cannot record safely: " + arg);
            }
        }
        Action action = new Action(nextId++, kind, List.of(args));
        append("do\t" + action.id() + "\t" + kind.name().toLowerCase() + "\t" + String.join("\t", args));
        return new Entry(action);
    }

    private synchronized void append(String line) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            channel.write(StandardCharsets.UTF_8.encode(line + "\n"));
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ledger " + file, e);
        }
    }

    /** The actions recorded in {@code file} and not yet undone, oldest first. */
    public static List<Action> pending(Path file) {
        Map<Integer, Action> open = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                if (f[0].equals("do") && f.length >= 3) {
                    int id = Integer.parseInt(f[1]);
                    open.put(
                            id,
                            new Action(
                                    id,
                                    Kind.valueOf(f[2].toUpperCase()),
                                    List.of(f).subList(3, f.length)));
                } else if (f[0].equals("undone") && f.length == 2) {
                    open.remove(Integer.parseInt(f[1]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ledger " + file, e);
        } catch (RuntimeException e) {
            // A line torn by a kill mid-write: everything before it is still valid.
        }
        return new ArrayList<>(open.values());
    }

    /** Whether the process that wrote {@code file} still runs (pid and start time both match). */
    public static boolean ownerAlive(Path file) {
        try {
            String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .findFirst()
                    .orElse("");
            String[] f = first.split("\t");
            if (f.length != 3 || !f[0].equals("owner")) {
                return false;
            }
            long pid = Long.parseLong(f[1]);
            return f[2].equals(startTime(pid));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Reverses every pending action of {@code file}, newest first, appending {@code undone} lines. */
    public static void undoAll(Path file, Consumer<String> events) {
        undoAll(file, events, Host.REAL);
    }

    private static void undoAll(Path file, Consumer<String> events, Host host) {
        Ledger ledger = new Ledger(file, events, host);
        List<Action> actions = pending(file);
        for (int i = actions.size() - 1; i >= 0; i--) {
            Action action = actions.get(i);
            try {
                Undo.undo(action, events, host);
                ledger.append("undone\t" + action.id());
            } catch (RuntimeException e) {
                events.accept("could not undo " + action.kind().name().toLowerCase() + " " + action.args() + ": "
                        + e.getMessage());
            }
        }
    }

    /** Undoes this ledger's own pending actions. */
    public void undoAll() {
        undoAll(file, events, host);
    }

    /** Where the owners of this ledger's resources act. */
    public Host host() {
        return host;
    }

    static String startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
        } catch (IOException | RuntimeException e) {
            return "gone";
        }
    }
}
