package io.jdib.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a directory tree holds, one line per entry: type and permission bits (setuid included),
 * numeric owner, link count, size and sha256 for files, major:minor for devices, target for
 * symlinks, and every extended attribute (ACLs, file capabilities, SELinux labels and user
 * attributes all live there). Two trees are the same when their snapshots are equal. Times are left
 * out.
 */
public final class TreeSnapshot {
    private TreeSnapshot() {}

    /** Path (relative, "." for the root) to its description. */
    public static SortedMap<String, String> of(Path root) {
        return of(root, Set.of());
    }

    /** As {@link #of(Path)}, giving only type, mode and owner (no content) for the paths in {@code contentVaries}. */
    public static SortedMap<String, String> of(Path root, Set<String> contentVaries) {
        SortedMap<String, String> entries = new TreeMap<>();
        Map<String, String> xattrs = xattrs(root);
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString();
                String key = rel.isEmpty() ? "." : rel;
                String attrs = xattrs.get(key);
                entries.put(key, describe(p, contentVaries.contains(rel)) + (attrs == null ? "" : " xattrs " + attrs));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /**
     * Every extended attribute under {@code root}, in every namespace, by relative path: one
     * {@code getfattr} for the whole tree, symlinks not followed. Java's own view sees only
     * {@code user.*}, which would miss ACLs ({@code system.posix_acl_*}) and capabilities
     * ({@code security.capability}).
     */
    static Map<String, String> xattrs(Path root) {
        String dump = HostState.run(
                "getfattr",
                "--recursive",
                "--no-dereference",
                "--dump",
                "--match=-",
                "--encoding=hex",
                "--absolute-names",
                root.toString());
        if (dump.contains("getfattr: not found") || dump.startsWith("Cannot run")) {
            throw new AssertionError("getfattr is missing: apt-get install attr");
        }
        Map<String, List<String>> byPath = new TreeMap<>();
        String current = null;
        String base = root.toAbsolutePath().normalize().toString();
        for (String line : dump.split("\n")) {
            if (line.startsWith("# file: ")) {
                String path = line.substring("# file: ".length());
                current = path.equals(base) ? "." : path.substring(base.length() + 1);
            } else if (current != null && line.contains("=")) {
                byPath.computeIfAbsent(current, k -> new ArrayList<>()).add(line);
            }
        }
        Map<String, String> joined = new TreeMap<>();
        byPath.forEach((path, attrs) ->
                joined.put(path, String.join(",", attrs.stream().sorted().toList())));
        return joined;
    }

    private static String describe(Path p, boolean skipContent) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        String head = String.format("%06o %d:%d", mode, uid, gid);
        int type = mode & 0170000;
        if (type == 0120000) {
            return head + " -> " + Files.readSymbolicLink(p);
        }
        if (type == 0020000 || type == 0060000) {
            long rdev = (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
            return head + " dev " + ((rdev >> 8) & 0xfff) + ":" + ((rdev & 0xff) | ((rdev >> 12) & 0xfff00));
        }
        if (type == 0100000) {
            int links = (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            return skipContent ? head : head + " links " + links + " " + Files.size(p) + " " + sha256(p);
        }
        return head;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The snapshot as a filesystem without POSIX ACLs (SquashFS) would hold it. */
    public static SortedMap<String, String> withoutAcls(SortedMap<String, String> snapshot) {
        SortedMap<String, String> stripped = new TreeMap<>();
        snapshot.forEach((path, entry) -> stripped.put(
                path,
                entry.replaceAll("system\\.posix_acl_(access|default)=0x[0-9a-f]+,?", "")
                        .replaceAll(",$", "")
                        .replaceAll(" xattrs $", "")));
        return stripped;
    }

    /**
     * The snapshot with the image's name taken out of the manifests named after it (DIB's
     * {@code dib-manifest-dpkg-NAME}, {@code dib-manifest-git-NAME}), so builds with different
     * {@code -o} names compare equal.
     */
    public static SortedMap<String, String> withoutImageName(SortedMap<String, String> snapshot, String imageName) {
        SortedMap<String, String> renamed = new TreeMap<>();
        String suffix = "-" + imageName;
        snapshot.forEach((path, entry) -> renamed.put(
                path.startsWith("etc/dib-manifests/dib-manifest-") && path.endsWith(suffix)
                        ? path.substring(0, path.length() - suffix.length()) + "-IMAGE"
                        : path,
                entry));
        return renamed;
    }

    /** Entries that differ between two snapshots, for assertion messages. */
    public static List<String> differences(SortedMap<String, String> a, SortedMap<String, String> b) {
        SortedMap<String, String> all = new TreeMap<>(a);
        all.putAll(b);
        return all.keySet().stream()
                .filter(k -> !java.util.Objects.equals(a.get(k), b.get(k)))
                .map(k -> k + ": " + a.get(k) + " | " + b.get(k))
                .toList();
    }
}
