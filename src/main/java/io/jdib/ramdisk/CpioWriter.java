package io.jdib.ramdisk;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Streams a newc ({@code 070701}) cpio archive, the format the Linux kernel unpacks as an
 * initramfs.
 *
 * <p>Every entry gets the same modification time (given at construction, usually {@code
 * SOURCE_DATE_EPOCH}) and inode numbers are assigned in order, so the same calls give the same
 * bytes. Names are stored without a leading {@code /}. A parent directory that was not added
 * before its child is written automatically (mode 0755, owner 0:0); adding the same name twice,
 * or adding below a name that is not a directory, is an error.
 *
 * <pre>{@code
 * try (CpioWriter cpio = new CpioWriter(Compression.GZIP.wrap(Files.newOutputStream(out)),
 *         CpioWriter.sourceDateEpoch())) {
 *     cpio.addTree(stagingDir);
 * }
 * }</pre>
 *
 * <p>Closing the writer writes the trailer and closes the underlying stream.
 */
public final class CpioWriter implements Closeable {

    /** Permission bits, owner and group of one entry. {@code mode} may hold setuid/setgid/sticky. */
    public record Attrs(int mode, int uid, int gid) {
        public Attrs {
            if ((mode & ~07777) != 0) {
                throw new IllegalArgumentException("mode " + Integer.toOctalString(mode) + " has bits outside 07777");
            }
            if (uid < 0 || gid < 0) {
                throw new IllegalArgumentException("negative uid/gid " + uid + ":" + gid);
            }
        }

        /** Owned by root:root. */
        public static Attrs root(int mode) {
            return new Attrs(mode, 0, 0);
        }
    }

    static final int S_IFMT = 0170000;
    static final int S_IFSOCK = 0140000;
    static final int S_IFLNK = 0120000;
    static final int S_IFREG = 0100000;
    static final int S_IFBLK = 0060000;
    static final int S_IFDIR = 0040000;
    static final int S_IFCHR = 0020000;
    static final int S_IFIFO = 0010000;

    /** The kernel's PATH_MAX, including the terminating NUL. */
    private static final int PATH_MAX = 4096;

    private static final long MAX_FIELD = 0xFFFF_FFFFL;
    private static final String TRAILER = "TRAILER!!!";
    private static final byte[] ZEROS = new byte[512];

    private final OutputStream out;
    private final long mtime;
    private long offset;
    private long nextInode = 1;
    private boolean finished;
    /** Names written so far, mapped to whether they are directories. */
    private final Map<String, Boolean> written = new HashMap<>();

    /**
     * @param out where the archive goes (wrap it with {@link Compression#wrap} to compress)
     * @param mtime modification time of every entry, seconds since the epoch
     */
    public CpioWriter(OutputStream out, long mtime) {
        this.out = new BufferedOutputStream(Objects.requireNonNull(out, "out"), 1 << 16);
        if (mtime < 0 || mtime > MAX_FIELD) {
            throw new IllegalArgumentException("mtime " + mtime + " does not fit a newc header");
        }
        this.mtime = mtime;
    }

    /** {@code SOURCE_DATE_EPOCH} from the environment, or 0 when unset. */
    public static long sourceDateEpoch() {
        return sourceDateEpoch(System.getenv("SOURCE_DATE_EPOCH"));
    }

    static long sourceDateEpoch(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "SOURCE_DATE_EPOCH must be seconds since the epoch, got '" + value + "'", e);
        }
    }

    public void directory(String name, Attrs attrs) throws IOException {
        String n = prepare(name);
        header(n, S_IFDIR | attrs.mode(), attrs, nextInode++, 2, 0, 0, 0);
        written.put(n, true);
    }

    public void file(String name, Attrs attrs, byte[] data) throws IOException {
        String n = prepare(name);
        header(n, S_IFREG | attrs.mode(), attrs, nextInode++, 1, data.length, 0, 0);
        data(data);
        written.put(n, false);
    }

    /** A regular file whose content is read from {@code source} (symlinks are followed). */
    public void file(String name, Attrs attrs, Path source) throws IOException {
        String n = prepare(name);
        long size = Files.size(source);
        header(n, S_IFREG | attrs.mode(), attrs, nextInode++, 1, size, 0, 0);
        copy(source, size);
        written.put(n, false);
    }

    /** A symbolic link; its mode is always 0777, only owner and group of {@code attrs} count. */
    public void symlink(String name, String target, Attrs attrs) throws IOException {
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("bad symlink target for " + name + ": '" + target + "'");
        }
        String n = prepare(name);
        byte[] data = target.getBytes(StandardCharsets.UTF_8);
        header(n, S_IFLNK | 0777, attrs, nextInode++, 1, data.length, 0, 0);
        data(data);
        written.put(n, false);
    }

    public void charDevice(String name, Attrs attrs, int major, int minor) throws IOException {
        node(name, S_IFCHR, attrs, major, minor);
    }

    public void blockDevice(String name, Attrs attrs, int major, int minor) throws IOException {
        node(name, S_IFBLK, attrs, major, minor);
    }

    public void fifo(String name, Attrs attrs) throws IOException {
        node(name, S_IFIFO, attrs, 0, 0);
    }

    /**
     * One regular file under several names. As newc expects, all names share one inode number
     * and the link count, and only the last carries the data.
     */
    public void hardLinks(List<String> names, Attrs attrs, byte[] data) throws IOException {
        hardLinks(names, attrs, data.length, () -> data(data));
    }

    /** As {@link #hardLinks(List, Attrs, byte[])}, with the content read from {@code source}. */
    public void hardLinks(List<String> names, Attrs attrs, Path source) throws IOException {
        long size = Files.size(source);
        hardLinks(names, attrs, size, () -> copy(source, size));
    }

    /**
     * Adds everything below {@code dir} (not {@code dir} itself), in sorted order, with the
     * modes, owners, symlink targets, device numbers and hard links found on disk.
     */
    public void addTree(Path dir) throws IOException {
        addTree(dir, "");
    }

    /** As {@link #addTree(Path)}, with every name placed below {@code prefix}. */
    public void addTree(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not a directory: " + dir);
        }
        String base = prefix.isEmpty() ? "" : normalize(prefix) + "/";
        List<TreeEntry> entries = new ArrayList<>();
        walk(dir, base, entries);

        // Group regular files with more than one link by (dev, ino); a group is written at the
        // place of its last member, when every member's parent has been written already.
        Map<List<Long>, List<TreeEntry>> groups = new LinkedHashMap<>();
        for (TreeEntry e : entries) {
            if ((e.mode & S_IFMT) == S_IFREG && e.nlink > 1) {
                groups.computeIfAbsent(List.of(e.dev, e.ino), k -> new ArrayList<>())
                        .add(e);
            }
        }
        Map<TreeEntry, List<TreeEntry>> groupAtLast = new HashMap<>();
        Set<TreeEntry> deferred = new HashSet<>();
        for (List<TreeEntry> g : groups.values()) {
            if (g.size() > 1) {
                groupAtLast.put(g.get(g.size() - 1), g);
                deferred.addAll(g);
            }
        }

        for (TreeEntry e : entries) {
            Attrs attrs = new Attrs(e.mode & 07777, e.uid, e.gid);
            List<TreeEntry> group = groupAtLast.get(e);
            if (group != null) {
                hardLinks(group.stream().map(m -> m.name).toList(), attrs, e.path);
                continue;
            }
            if (deferred.contains(e)) {
                continue;
            }
            switch (e.mode & S_IFMT) {
                case S_IFDIR -> directory(e.name, attrs);
                case S_IFREG -> file(e.name, attrs, e.path);
                case S_IFLNK -> symlink(e.name, Files.readSymbolicLink(e.path).toString(), new Attrs(0, e.uid, e.gid));
                case S_IFCHR, S_IFBLK -> node(e.name, e.mode & S_IFMT, attrs, major(e.rdev), minor(e.rdev));
                case S_IFIFO, S_IFSOCK -> node(e.name, e.mode & S_IFMT, attrs, 0, 0);
                default ->
                    throw new IOException(
                            "unsupported file type " + Integer.toOctalString(e.mode & S_IFMT) + ": " + e.path);
            }
        }
    }

    /** Writes the trailer; further entries are refused. Does not close the stream. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        header(TRAILER, 0, Attrs.root(0), 0, 1, 0, 0, 0);
        // Pad to 512 bytes, as GNU cpio does; the kernel and unmkinitramfs skip zero padding.
        int pad = (int) ((512 - offset % 512) % 512);
        write(ZEROS, pad);
        out.flush();
        finished = true;
    }

    /** Finishes the archive and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    // --- internals ---

    private record TreeEntry(
            Path path, String name, int mode, int uid, int gid, int nlink, long dev, long ino, long rdev) {}

    private static void walk(Path dir, String base, List<TreeEntry> into) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(children::add);
        }
        children.sort(
                (a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path child : children) {
            Map<String, Object> a = Files.readAttributes(child, "unix:*", LinkOption.NOFOLLOW_LINKS);
            String name = base + child.getFileName();
            TreeEntry e = new TreeEntry(
                    child,
                    name,
                    (Integer) a.get("mode"),
                    (Integer) a.get("uid"),
                    (Integer) a.get("gid"),
                    (Integer) a.get("nlink"),
                    (Long) a.get("dev"),
                    (Long) a.get("ino"),
                    (Long) a.get("rdev"));
            into.add(e);
            if ((e.mode & S_IFMT) == S_IFDIR) {
                walk(child, name + "/", into);
            }
        }
    }

    /** glibc's gnu_dev_major. */
    static int major(long rdev) {
        return (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
    }

    /** glibc's gnu_dev_minor. */
    static int minor(long rdev) {
        return (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
    }

    private interface Body {
        void write() throws IOException;
    }

    private void hardLinks(List<String> names, Attrs attrs, long size, Body body) throws IOException {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("hard link group without names");
        }
        List<String> normalized = new ArrayList<>();
        for (String name : names) {
            String n = normalize(name);
            if (normalized.contains(n) || written.containsKey(n)) {
                throw new IllegalArgumentException("duplicate entry in cpio archive: " + n);
            }
            normalized.add(n);
        }
        long inode = nextInode++;
        for (int i = 0; i < normalized.size(); i++) {
            String n = prepare(normalized.get(i));
            boolean last = i == normalized.size() - 1;
            header(n, S_IFREG | attrs.mode(), attrs, inode, normalized.size(), last ? size : 0, 0, 0);
            if (last) {
                body.write();
            }
            written.put(n, false);
        }
    }

    private void node(String name, int type, Attrs attrs, int major, int minor) throws IOException {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("negative device number for " + name);
        }
        String n = prepare(name);
        header(n, type | attrs.mode(), attrs, nextInode++, 1, 0, major, minor);
        written.put(n, false);
    }

    /** Normalizes the name, refuses duplicates and writes missing parent directories. */
    private String prepare(String name) throws IOException {
        if (finished) {
            throw new IllegalStateException("archive already finished; cannot add " + name);
        }
        String n = normalize(name);
        if (written.containsKey(n)) {
            throw new IllegalArgumentException("duplicate entry in cpio archive: " + n);
        }
        int slash = -1;
        while ((slash = n.indexOf('/', slash + 1)) >= 0) {
            String parent = n.substring(0, slash);
            Boolean isDir = written.get(parent);
            if (isDir == null) {
                header(parent, S_IFDIR | 0755, Attrs.root(0755), nextInode++, 2, 0, 0, 0);
                written.put(parent, true);
            } else if (!isDir) {
                throw new IllegalArgumentException("cannot add " + n + ": parent " + parent + " is not a directory");
            }
        }
        return n;
    }

    /** Strips leading "/" and "./", collapses "//" and refuses "." and ".." components. */
    static String normalize(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in cpio name: " + name.replace('\0', '?'));
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals(".") && parts.isEmpty()) {
                continue;
            }
            if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("cpio name must not contain '" + part + "': " + name);
            }
            parts.add(part);
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("empty cpio name: '" + name + "'");
        }
        String n = String.join("/", parts);
        if (n.getBytes(StandardCharsets.UTF_8).length + 1 > PATH_MAX) {
            throw new IllegalArgumentException("cpio name longer than PATH_MAX (4096): " + n);
        }
        return n;
    }

    private void header(
            String name, int mode, Attrs attrs, long inode, int nlink, long size, int rdevMajor, int rdevMinor)
            throws IOException {
        if (size > MAX_FIELD) {
            throw new IllegalArgumentException(name + " is larger than newc's 4 GiB limit");
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(110);
        h.append("070701");
        hex(h, inode);
        hex(h, mode);
        hex(h, attrs.uid());
        hex(h, attrs.gid());
        hex(h, nlink);
        hex(h, mtime);
        hex(h, size);
        hex(h, 0); // devmajor of the filesystem the entry came from
        hex(h, 0); // devminor
        hex(h, rdevMajor);
        hex(h, rdevMinor);
        hex(h, nameBytes.length + 1);
        hex(h, 0); // check, used only by the "070702" crc format
        byte[] hb = h.toString().getBytes(StandardCharsets.US_ASCII);
        write(hb, hb.length);
        write(nameBytes, nameBytes.length);
        write(ZEROS, 1);
        pad();
    }

    private static void hex(StringBuilder h, long value) {
        if (value < 0 || value > MAX_FIELD) {
            throw new IllegalArgumentException("value " + value + " does not fit a newc field");
        }
        String s = Long.toHexString(value).toUpperCase(java.util.Locale.ROOT);
        h.append("0".repeat(8 - s.length())).append(s);
    }

    private void copy(Path source, long size) throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = size;
        try (InputStream in = Files.newInputStream(source)) {
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    throw new IOException(source + " shrank while it was archived");
                }
                write(buf, r);
                left -= r;
            }
            if (in.read() >= 0) {
                throw new IOException(source + " grew while it was archived");
            }
        }
        pad();
    }

    private void write(byte[] b, int len) throws IOException {
        out.write(b, 0, len);
        offset += len;
    }

    private void data(byte[] data) throws IOException {
        write(data, data.length);
        pad();
    }

    private void pad() throws IOException {
        write(ZEROS, (int) ((4 - offset % 4) % 4));
    }
}
