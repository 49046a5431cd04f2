package io.jdib.sys;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A host that only pretends: it records each command, answers from a small model of the machine
 * (what is mounted, which loop devices back which file), and fails the commands a test asks it to.
 * Lets the owners of mounts and loops, and the ledger's undo, be tested without root in milliseconds.
 */
final class RecordingHost implements Host {
    final List<String> commands = new ArrayList<>();
    private final List<Path> mounted = new ArrayList<>();
    private final List<String[]> loops = new ArrayList<>();
    private Predicate<List<String>> failing = argv -> false;
    private int nextLoop;

    /** Makes the matching commands fail (exit 32, "refused"). */
    RecordingHost failing(Predicate<List<String>> which) {
        failing = which;
        return this;
    }

    @Override
    public synchronized Exec.Result run(List<String> argv) {
        commands.add(String.join(" ", argv));
        if (failing.test(argv)) {
            return new Exec.Result(32, List.of(argv.get(0) + ": refused"), "");
        }
        switch (argv.get(0)) {
            case "mount" -> {
                if (!argv.contains("remount,bind,ro")) {
                    mounted.add(Path.of(argv.get(argv.size() - 1)));
                }
            }
            case "umount" -> mounted.remove(Path.of(argv.get(argv.size() - 1)));
            case "losetup" -> {
                if (argv.contains("--find")) {
                    String device = "/dev/loop" + nextLoop++;
                    loops.add(new String[] {device, argv.get(argv.size() - 1)});
                    return new Exec.Result(0, List.of(), device + "\n");
                }
                if (argv.contains("--detach")) {
                    loops.removeIf(l -> l[0].equals(argv.get(argv.size() - 1)));
                }
                if (argv.contains("--list")) {
                    StringBuilder out = new StringBuilder();
                    loops.forEach(l -> out.append(l[0]).append(' ').append(l[1]).append('\n'));
                    return new Exec.Result(0, List.of(), out.toString());
                }
            }
            default -> {}
        }
        return new Exec.Result(0, List.of(), "");
    }

    @Override
    public synchronized List<Path> mountsUnder(Path dir) {
        return mounted.stream().filter(p -> p.startsWith(dir)).toList();
    }

    synchronized List<Path> mounted() {
        return List.copyOf(mounted);
    }

    synchronized int loopsAttached() {
        return loops.size();
    }
}
