package io.jdib.blockdevice;

import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.blockdevice.config.FsType;
import io.jdib.blockdevice.config.Mkfs;
import io.jdib.blockdevice.config.Mount;
import io.jdib.sys.Exec;
import io.jdib.sys.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How the finished tree gets onto the disk: written into the root filesystem as mke2fs makes it
 * ({@code mke2fs -d TREE}: no mount, no second pass over the data), or copied with tar onto the
 * mounted filesystems.
 *
 * <p>mke2fs fills one ext2/3/4 filesystem from one directory and has no way to leave a subtree
 * out, so the direct way is taken only when the root filesystem is ext and every other filesystem
 * the layout mounts is either vfat (filled later with mtools from its mount point on the root), swap,
 * or has nothing under its mount point in the tree yet. Anything else (an xfs or btrfs root, a
 * {@code /var} with content on its own volume) is copied, as before.
 *
 * @param method the way chosen
 * @param reason why, in words for the build log
 */
public record TreeFill(Method method, String reason) {

    /** The environment variable that can force the copy: {@code JDIB_TREE_FILL=copy}. */
    public static final String VARIABLE = "JDIB_TREE_FILL";

    /** The oldest mke2fs whose {@code -d} jdib checked to keep owners, modes, xattrs, hard links, devices and holes. */
    static final int[] OLDEST_MKE2FS = {1, 47};

    private static final Pattern VERSION = Pattern.compile("mke2fs (\\d+)\\.(\\d+)");

    public enum Method {
        /** {@code mke2fs -d TREE} makes the root filesystem with the tree in it. */
        MKE2FS,
        /** mkfs, mount, then tar the tree onto the mounted filesystems. */
        COPY
    }

    /** What the user asked for ({@value #VARIABLE}): the fastest way the layout allows, or always the copy. */
    public enum Mode {
        AUTO,
        COPY;

        /** {@code auto} (also empty or unset) or {@code copy}. */
        public static Mode parse(String value) {
            String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "", "auto" -> AUTO;
                case "copy" -> COPY;
                default ->
                    throw new BlockDeviceException(
                            VARIABLE + "='" + value + "' is not a fill mode; use auto (mke2fs -d when the layout"
                                    + " allows) or copy (always mount and copy)");
            };
        }
    }

    public TreeFill {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * Chooses how {@code tree} goes onto the disk {@code graph} describes.
     *
     * @param mke2fsVersion what {@code mke2fs -V} printed (its first line is enough), or empty if it
     *     could not be run
     */
    public static TreeFill decide(BlockDeviceGraph graph, Path tree, Mode mode, Optional<String> mke2fsVersion) {
        if (mode == Mode.COPY) {
            return copy(VARIABLE + "=copy");
        }
        Optional<Mkfs> root = graph.rootMkfs();
        if (root.isEmpty()) {
            return copy("the layout has no root filesystem");
        }
        FsType type = root.get().type();
        if (type != FsType.EXT2 && type != FsType.EXT3 && type != FsType.EXT4) {
            return copy("the root filesystem is " + type.keyword() + "; mke2fs -d makes only ext2/3/4");
        }
        boolean mountedAtRoot =
                graph.mountOf(root.get()).map(m -> m.mountPoint().equals("/")).orElse(false);
        if (!mountedAtRoot) {
            return copy("the root filesystem is not mounted at /");
        }
        Optional<int[]> version = mke2fsVersion.flatMap(TreeFill::parseVersion);
        if (version.isEmpty()) {
            return copy("mke2fs did not say its version");
        }
        if (compare(version.get(), OLDEST_MKE2FS) < 0) {
            return copy("mke2fs " + version.get()[0] + "." + version.get()[1] + " is older than " + OLDEST_MKE2FS[0]
                    + "." + OLDEST_MKE2FS[1] + ", the first whose -d jdib checked");
        }
        for (Mount mount : graph.mounts()) {
            if (mount.mountPoint().equals("/") || !mount.mountPoint().startsWith("/")) {
                continue;
            }
            Optional<FsType> fsType =
                    graph.node(mount.base()).filter(Mkfs.class::isInstance).map(n -> ((Mkfs) n).type());
            if (fsType.isPresent() && (fsType.get() == FsType.VFAT || fsType.get() == FsType.SWAP)) {
                continue;
            }
            if (holdsAnything(tree.resolve(mount.mountPoint().substring(1)))) {
                return copy(mount.mountPoint() + " has its own filesystem and the tree has files under it");
            }
        }
        return new TreeFill(Method.MKE2FS, "the root filesystem is " + type.keyword() + " and holds the whole tree");
    }

    /** As {@link #decide(BlockDeviceGraph, Path, Mode, Optional)}, asking this host's mke2fs for its version. */
    public static TreeFill decide(BlockDeviceGraph graph, Path tree, Mode mode) {
        if (mode == Mode.COPY) {
            return decide(graph, tree, mode, Optional.empty());
        }
        Optional<String> version = Tools.find("mke2fs").flatMap(mke2fs -> {
            Exec.Result result = Exec.capture(Exec.Command.of(mke2fs.toString(), "-V"));
            return result.tail().stream().findFirst();
        });
        return decide(graph, tree, mode, version);
    }

    /** The {@code MAJOR.MINOR} of a {@code mke2fs -V} line such as {@code mke2fs 1.47.0 (5-Feb-2023)}. */
    static Optional<int[]> parseVersion(String text) {
        Matcher m = VERSION.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
    }

    private static int compare(int[] a, int[] b) {
        return a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]);
    }

    private static TreeFill copy(String reason) {
        return new TreeFill(Method.COPY, reason);
    }

    private static boolean holdsAnything(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
