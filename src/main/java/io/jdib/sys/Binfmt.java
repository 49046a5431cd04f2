package io.jdib.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Lets this host run another architecture's programs (a foreign chroot) through qemu-user:
 * mounts binfmt_misc when it is not mounted and registers the architecture's static qemu with the
 * fix-binary flag (the kernel opens the interpreter once, so it need not exist inside the chroot).
 * Both are host changes, recorded in the ledger before they are made, so the build's teardown,
 * the next build or {@code jdib cleanup} undoes them. A matching registration the host already
 * has (binfmt-support, systemd-binfmt) is used as it is and left alone.
 *
 * <p>Builds run side by side share one binfmt_misc mount. The build that mounts it leaves a mark
 * ({@link #DEFAULT_MARK}); every build that finds it mounted with that mark records the mount too,
 * and the last one whose undo finds no registration left unmounts it and removes the mark. A mount
 * without the mark is the host's and is never unmounted.
 */
public final class Binfmt {
    public static final Path DEFAULT_DIR = Path.of("/proc/sys/fs/binfmt_misc");
    /** Exists while a binfmt_misc mount made by jdib is in place. */
    public static final Path DEFAULT_MARK = Path.of("/run/jdib/binfmt_misc-mounted");
    /** Entries jdib registers are named {@code jdib-QEMUNAME-PID}. */
    static final String JDIB_PREFIX = "jdib-";

    /** Mounts binfmt_misc at a directory, or throws with the reason. */
    @FunctionalInterface
    public interface Mounter {
        void mount(Path dir);
    }

    /**
     * How the build can run {@code arch}'s programs.
     *
     * @param name        the binfmt_misc entry's name
     * @param interpreter the qemu-user binary
     * @param ours        whether this build registered it (and so removes it)
     */
    public record Registration(String name, Path interpreter, boolean ours) {}

    private final Path dir;
    private final Path mark;
    private final Mounter mounter;
    private final Function<String, Optional<Path>> findTool;

    public Binfmt(Path dir, Path mark, Mounter mounter, Function<String, Optional<Path>> findTool) {
        this.dir = dir;
        this.mark = mark;
        this.mounter = mounter;
        this.findTool = findTool;
    }

    /** The host's binfmt_misc, mounted with mount(8), qemu found on PATH. */
    public static Binfmt host() {
        return new Binfmt(
                DEFAULT_DIR,
                DEFAULT_MARK,
                d -> {
                    Exec.Result r =
                            Exec.capture(Exec.Command.of("mount", "-t", "binfmt_misc", "binfmt_misc", d.toString()));
                    if (!r.ok()) {
                        throw new IllegalStateException(
                                String.join(" ", r.tail()).trim());
                    }
                },
                Tools::find);
    }

    /** Makes {@code arch}'s programs runnable here; every change made is in {@code ledger}. */
    public Registration enable(Architecture arch, Ledger ledger, Consumer<String> events) {
        Path interpreter = findTool.apply(arch.qemuUserBinary())
                .orElseThrow(() -> new MissingToolError(
                        arch.qemuUserBinary() + " (to run " + arch + " programs in the chroot)", "qemu-user-static"));
        mountIfNeeded(arch, ledger);
        Optional<String> existing = existing(arch);
        if (existing.isPresent()) {
            events.accept("running " + arch + " programs through the host's binfmt_misc entry " + existing.get());
            return new Registration(existing.get(), interpreter, false);
        }
        String name =
                JDIB_PREFIX + arch.qemuName() + "-" + ProcessHandle.current().pid();
        Path entry = dir.resolve(name);
        if (Files.exists(entry)) {
            unregister(entry); // left by an earlier process with this pid
        }
        String line =
                ":" + name + ":M::" + escape(arch.elfMagic()) + ":" + escape(arch.elfMask()) + ":" + interpreter + ":F";
        Ledger.Entry recorded = ledger.recordBinfmt(entry);
        try {
            Files.writeString(dir.resolve("register"), line, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            recorded.markUndone();
            throw new UserError("this host refused to register " + interpreter + " with binfmt_misc ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "); a " + arch
                    + " build needs root on a host that allows binfmt_misc registrations, or build on an " + arch
                    + " host");
        }
        events.accept("registered " + interpreter + " for " + arch + " programs as binfmt_misc entry " + name);
        return new Registration(name, interpreter, true);
    }

    private void mountIfNeeded(Architecture arch, Ledger ledger) {
        if (Files.exists(dir.resolve("register"))) {
            if (Files.exists(mark)) {
                // Another build's mount: whichever of us ends last must unmount it.
                ledger.recordBinfmtMount(dir, mark);
            }
            return;
        }
        String reason;
        Ledger.Entry recorded = ledger.recordBinfmtMount(dir, mark);
        try {
            mounter.mount(dir);
            if (Files.exists(dir.resolve("register"))) {
                writeMark();
                return;
            }
            reason = "mounted, but " + dir.resolve("register") + " did not appear";
        } catch (RuntimeException e) {
            reason = "mount -t binfmt_misc failed: " + e.getMessage();
        }
        recorded.undo();
        throw new UserError("binfmt_misc is not available at " + dir + " (" + reason + "); a " + arch
                + " build runs its chroot through qemu-user and needs it: run modprobe binfmt_misc as root, or build"
                + " on an " + arch + " host");
    }

    /** An enabled entry that already sends {@code arch}'s programs to qemu with the fix-binary flag. */
    Optional<String> existing(Architecture arch) {
        String magic = HexFormat.of().formatHex(arch.elfMagic());
        try (Stream<Path> list = Files.list(dir)) {
            for (Path entry : list.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (name.equals("register")
                        || name.equals("status")
                        || name.startsWith(JDIB_PREFIX)
                        || !Files.isRegularFile(entry)) {
                    continue; // another build's entry goes when that build ends: never rely on it
                }
                List<String> lines;
                try {
                    lines = Files.readAllLines(entry, StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    continue;
                }
                boolean enabled = lines.contains("enabled");
                boolean fixBinary = lines.stream().anyMatch(l -> l.startsWith("flags:") && l.contains("F"));
                boolean sameMagic = lines.stream().anyMatch(l -> l.equals("magic " + magic));
                boolean qemu = lines.stream().anyMatch(l -> l.startsWith("interpreter ") && l.contains("qemu"));
                if (enabled && fixBinary && sameMagic && qemu) {
                    return Optional.of(name);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Removes a registration (writes -1 to its entry); gone already is fine. */
    public static void unregister(Path entry) {
        if (!Files.exists(entry)) {
            return;
        }
        try {
            Files.writeString(entry, "-1", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            if (Files.exists(entry)) {
                throw new UserError("cannot remove binfmt_misc entry " + entry + ": " + e.getMessage());
            }
        }
    }

    private void writeMark() {
        try {
            Files.createDirectories(mark.getParent());
            Files.writeString(mark, dir + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + mark, e);
        }
    }

    /**
     * Unmounts binfmt_misc at {@code dir} when jdib mounted it ({@code mark} exists; a ledger written
     * before marks were kept gives null) and no registration is left in it: another build (or the
     * host) may still use one, and unmounting would hide it from its owner's undo.
     */
    public static void unmountIfUnused(Path dir, Path mark, Consumer<String> events) {
        if (!unusedJdibMount(dir, mark)) {
            return;
        }
        Mounts.unmountTree(dir, events);
        if (mark != null) {
            try {
                Files.deleteIfExists(mark);
            } catch (IOException e) {
                events.accept("could not remove " + mark + ": " + e.getMessage());
            }
        }
    }

    /** Whether binfmt_misc at {@code dir} is mounted by jdib and holds no registration. */
    static boolean unusedJdibMount(Path dir, Path mark) {
        if (!Files.exists(dir.resolve("register")) || (mark != null && !Files.exists(mark))) {
            return false;
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).allMatch(n -> n.equals("register") || n.equals("status"));
        } catch (IOException e) {
            return false;
        }
    }

    static String escape(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("\\x%02x", b & 0xff));
        }
        return s.toString();
    }
}
