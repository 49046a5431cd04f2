package io.jdib.image;

import io.jdib.sys.Exec;
import io.jdib.sys.Mounts;
import io.jdib.sys.Tar;
import io.jdib.sys.Tools;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Tarballs of the finished tree, made with GNU tar so xattrs, ACLs and file capabilities survive
 * (Java cannot see them). Each is written under a temporary name and renamed when complete.
 */
public final class TarOutput {
    public static final String PARTIAL_SUFFIX = ".jdib-partial";

    private TarOutput() {}

    /** Writes {@code tree} as an uncompressed tar to {@code target}. */
    public static void tar(Path tree, Path target, boolean oneFileSystem) {
        tar(tree, target, oneFileSystem, List.of());
    }

    /**
     * Writes {@code tree} as an uncompressed tar to {@code target}, leaving out {@code excludes}
     * (paths relative to the tree, matched exactly, not anywhere in the tree).
     */
    public static void tar(Path tree, Path target, boolean oneFileSystem, List<String> excludes) {
        if (oneFileSystem) {
            refuseMountedTree(tree);
        }
        Path partial = partial(target);
        List<String> argv = new java.util.ArrayList<>(List.of(
                Tools.require("tar").toString(),
                "--create",
                "--file",
                partial.toString(),
                "--directory",
                tree.toString(),
                "--sort=name"));
        argv.addAll(Tar.KEEP_EVERYTHING);
        if (oneFileSystem) {
            argv.add("--one-file-system");
        }
        if (!excludes.isEmpty()) {
            argv.add("--anchored");
            excludes.forEach(e -> argv.add("--exclude=./" + e));
        }
        argv.add(".");
        run(argv, partial, target);
    }

    /** Compresses an existing tar into {@code target} with gzip (pigz when installed, using every core). */
    public static void gzip(Path tar, Path target) {
        Path partial = partial(target);
        String gzip = Tools.find("pigz")
                .map(Path::toString)
                .orElse(Tools.require("gzip").toString());
        List<String> argv =
                List.of("/bin/sh", "-c", "\"$0\" -c -n -6 < \"$1\" > \"$2\"", gzip, tar.toString(), partial.toString());
        run(argv, partial, target);
    }

    private static void run(List<String> argv, Path partial, Path target) {
        Exec.Result result = Exec.capture(Exec.Command.of(argv));
        if (!result.ok()) {
            deleteQuietly(partial);
            throw new UserError("writing " + target + " failed: " + String.join(" | ", result.tail()));
        }
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new UncheckedIOException(e);
        }
    }

    public static Path partial(Path target) {
        return target.resolveSibling(target.getFileName() + PARTIAL_SUFFIX);
    }

    /** A tree with the host's /dev, /proc or /sys mounted in it must never be archived. */
    static void refuseMountedTree(Path tree) {
        List<Path> mounted = Mounts.mountedUnder(tree).stream()
                .filter(p -> !p.equals(tree.toAbsolutePath().normalize()))
                .toList();
        if (!mounted.isEmpty()) {
            throw new IllegalStateException("refusing to archive " + tree + " while mounts remain in it: " + mounted);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort: the caller is already reporting a failure
        }
    }
}
