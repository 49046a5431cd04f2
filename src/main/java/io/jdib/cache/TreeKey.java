package io.jdib.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a built tree is a function of, as one digest: the content and mode of every file of every
 * element in order, the variables the hooks see, the extra packages, the architecture, the state of
 * the package archive and jdib itself. Modification times are not part of it, so touching a file
 * does not invalidate a checkpoint; changing a byte or a mode bit does.
 *
 * @param digest hex SHA-256 over {@code inputs}
 * @param inputs one line per input (an element and its digest, a variable and its value...), kept
 *     next to the checkpoint so that a miss can be explained
 */
public record TreeKey(String digest, List<String> inputs) {
    public TreeKey {
        inputs = List.copyOf(inputs);
    }

    /** The first 16 hex digits: enough to tell checkpoints apart in a log line or a directory name. */
    public String shortDigest() {
        return digest.substring(0, 16);
    }

    /**
     * Variables that describe where and how this one build runs rather than what it makes: they
     * change from build to build (paths of the work directory, the output name) or only affect what
     * is printed, so they are left out of the key.
     */
    static final Set<String> PER_BUILD_VARIABLES = Set.of(
            "TARGET_ROOT",
            "TMP_MOUNT_PATH",
            "TMP_HOOKS_PATH",
            "TMP_BUILD_DIR",
            "TMP_IMAGE_DIR",
            "TMP_DIR",
            "IMAGE_NAME",
            "DIB_IMAGE_CACHE",
            "DIB_BLOCK_DEVICE_PARAMS_YAML",
            "DIB_DEBUG_TRACE",
            "DIB_SHOW_IMAGE_USAGE",
            "DIB_SHOW_IMAGE_USAGE_FULL",
            "DIB_ARGS",
            // DIB_ENV dumps the other variables (each is in the key on its own); the manifests are
            // saved next to the output, whose name does not shape the tree.
            "DIB_ENV",
            "DIB_MANIFEST_SAVE_DIR",
            "DIB_NO_TMPFS",
            "DIB_MIN_TMPFS",
            "OVERWRITE_OLD_IMAGE",
            "JDIB",
            "JDIB_HOME",
            "JDIB_WORK_DIR",
            "JDIB_CHECKPOINTS",
            "_LIB",
            "break",
            // Where the build runs from: the host's search path and root's home, not the image's.
            "PATH",
            "HOME",
            // The login session's own variables, which no hook should read.
            "PWD",
            "OLDPWD",
            "SHLVL",
            "_",
            "TERM",
            "COLUMNS",
            "LINES",
            "DISPLAY",
            "MAIL",
            "LOGNAME",
            "USER",
            "HISTFILE",
            "LS_COLORS",
            "MOTD_SHOWN",
            "SUDO_COMMAND",
            "SUDO_UID",
            "SUDO_GID",
            "SUDO_USER");

    private static final List<String> PER_BUILD_PREFIXES = List.of("SSH_", "XDG_", "DBUS_", "MAVEN_", "JAVA_");

    /** An element's documentation, which no hook runs: editing it keeps the checkpoint. */
    static final Set<String> DOCUMENTATION = Set.of("README", "README.md", "README.rst", "README.txt");

    /** Whether a variable is left out of the key (see {@link #PER_BUILD_VARIABLES}). */
    static boolean perBuild(String name) {
        return PER_BUILD_VARIABLES.contains(name) || PER_BUILD_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** Collects the inputs in a fixed order; {@link #build()} digests them. */
    public static final class Builder {
        private final List<String> lines = new ArrayList<>();

        /**
         * One element, by name, with the digest of its directory's files (names, kinds, modes,
         * contents), leaving out its top-level directories named in {@code runLater}: the hooks of
         * phases that run after the checkpoint, which cannot have shaped the tree in it.
         */
        public Builder element(String name, Path dir, Set<String> runLater) {
            return element(
                    name, dir, relative -> runLater.contains(relative.getName(0).toString()));
        }

        /**
         * One element, by name, with the digest of its files, leaving out those {@code runLater}
         * accepts (paths relative to the element's directory): hooks that run after the checkpoint.
         */
        public Builder element(String name, Path dir, java.util.function.Predicate<Path> runLater) {
            lines.add("element " + name + " "
                    + directoryDigest(
                            dir,
                            relative ->
                                    DOCUMENTATION.contains(relative.getName(0).toString()) || runLater.test(relative)));
            return this;
        }

        /**
         * The hooks' variables, minus the per-build ones. A value that is the absolute path of a
         * regular file (an authorized_keys file, a block-device config) also contributes the file's
         * content, since hooks copy such files into the tree.
         */
        public Builder environment(Map<String, String> env) {
            for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
                if (perBuild(e.getKey())) {
                    continue;
                }
                lines.add("env " + e.getKey() + "="
                        + e.getValue().replace("\\", "\\\\").replace("\n", "\\n"));
                String value = e.getValue();
                if (value.startsWith("/") && !value.contains(":") && !value.contains("\n")) {
                    Path file = Path.of(value);
                    if (Files.isRegularFile(file)) {
                        lines.add("env-file " + e.getKey() + " " + fileIdentity(file));
                    }
                }
            }
            return this;
        }

        /** Anything else that shapes the tree, as a name and a value (packages, architecture...). */
        public Builder input(String name, String value) {
            lines.add(name + " " + value);
            return this;
        }

        /** A directory jdib itself brings (its bash library, say), by content. */
        public Builder directory(String name, Path dir) {
            lines.add(name + " " + directoryDigest(dir, Set.of()));
            return this;
        }

        public TreeKey build() {
            MessageDigest sha = sha256();
            for (String line : lines) {
                sha.update(line.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return new TreeKey(HexFormat.of().formatHex(sha.digest()), lines);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A digest of a directory's entries: each one's relative path, kind, permission bits and content
     * (a symlink's target), sorted by path, without the top-level directories in {@code leaveOut}. A
     * directory that does not exist digests as empty.
     */
    static String directoryDigest(Path dir, Set<String> leaveOut) {
        return directoryDigest(
                dir, relative -> leaveOut.contains(relative.getName(0).toString()));
    }

    /** As above, leaving out the entries (relative paths) {@code leaveOut} accepts. */
    static String directoryDigest(Path dir, java.util.function.Predicate<Path> leaveOut) {
        MessageDigest sha = sha256();
        if (!Files.isDirectory(dir)) {
            return "none";
        }
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(dir)) {
            entries = walk.filter(p -> !p.equals(dir))
                    .filter(p -> !leaveOut.test(dir.relativize(p)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        for (Path entry : entries) {
            String relative = dir.relativize(entry).toString();
            String line;
            try {
                if (Files.isSymbolicLink(entry)) {
                    line = "l " + relative + " -> " + Files.readSymbolicLink(entry);
                } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    line = "d " + relative + " " + mode(entry);
                } else {
                    line = "f " + relative + " " + mode(entry) + " " + fileDigest(entry);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + entry + ": " + e.getMessage(), e);
            }
            sha.update(line.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Content digest of a file up to 256 MiB; a larger one (a local base image) by size and mtime. */
    private static String fileIdentity(Path file) {
        try {
            long size = Files.size(file);
            if (size > LARGE_FILE) {
                return "size=" + size + ",mtime="
                        + Files.getLastModifiedTime(file).toMillis();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return fileDigest(file);
    }

    private static final long LARGE_FILE = 256L << 20;

    private static String mode(Path entry) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS));
    }

    /** A file's content as hex SHA-256. */
    public static String fileDigest(Path file) {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
