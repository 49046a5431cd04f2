package io.jdib.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Owns mounts. Each mount is written to the ledger before it is made; the returned entry unmounts it
 * (and anything a hook mounted beneath it) when undone.
 */
public final class Mounts {
    private final Ledger ledger;

    public Mounts(Ledger ledger) {
        this.ledger = ledger;
    }

    public Ledger.Entry mount(String type, String source, Path target, String options) {
        Ledger.Entry entry = ledger.recordMount(target);
        List<String> argv = new ArrayList<>(List.of("mount", "-t", type));
        if (options != null && !options.isEmpty()) {
            argv.addAll(List.of("-o", options));
        }
        argv.addAll(List.of(source, target.toString()));
        run(entry, argv);
        return entry;
    }

    public Ledger.Entry bind(Path source, Path target, boolean readOnly) {
        Ledger.Entry entry = ledger.recordMount(target);
        run(entry, List.of("mount", "--bind", source.toString(), target.toString()));
        if (readOnly) {
            // A bind mount ignores "ro" on the first call; it takes a remount to apply it.
            run(entry, List.of("mount", "-o", "remount,bind,ro", target.toString()));
        }
        return entry;
    }

    private void run(Ledger.Entry entry, List<String> argv) {
        Exec.Result result = ledger.host().run(argv);
        if (!result.ok()) {
            entry.undo();
            throw new EnvironmentError(String.join(" ", argv) + " failed: " + String.join(" ", result.tail()));
        }
    }

    /** Mount points at or below {@code dir}, as the kernel lists them. */
    public static List<Path> mountedUnder(Path dir) {
        Path base = dir.toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4) {
                    Path point = Path.of(unescape(f[4]));
                    if (point.startsWith(base)) {
                        found.add(point);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    public static boolean isMounted(Path dir) {
        return mountedUnder(dir).contains(dir.toAbsolutePath().normalize());
    }

    /** Unmounts {@code dir} and everything under it, deepest first; lazily if busy. */
    public static void unmountTree(Path dir, Consumer<String> events) {
        unmountTree(dir, events, Host.REAL);
    }

    static void unmountTree(Path dir, Consumer<String> events, Host host) {
        for (int attempt = 0; attempt < 3; attempt++) {
            List<Path> points = new ArrayList<>(host.mountsUnder(dir));
            if (points.isEmpty()) {
                return;
            }
            points.sort(Comparator.comparingInt(Path::getNameCount).reversed());
            for (Path point : points) {
                Exec.Result result = host.run(List.of("umount", point.toString()));
                if (!result.ok() && attempt == 2) {
                    events.accept("umount " + point + " is busy; detaching it lazily");
                    host.run(List.of("umount", "--lazy", point.toString()));
                }
            }
            if (!host.mountsUnder(dir).isEmpty()) {
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ")
                .replace("\\011", "\t")
                .replace("\\012", "\n")
                .replace("\\134", "\\");
    }
}
