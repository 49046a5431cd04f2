package io.jdib.blockdevice;

import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.blockdevice.config.FsType;
import io.jdib.blockdevice.config.Partition;
import io.jdib.blockdevice.config.SizeSpec;
import io.jdib.sys.Exec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How big the image file is, as diskimage-builder decides it.
 *
 * <p>Without {@code --image-size}, DIB takes the tree's disk usage ({@code du -x}), divides it by
 * 0.6 (about two thirds full, leaving room for metadata and first boot), adds the 64 MiB ext4
 * journal when the root is ext4, and adds {@code --image-extra-size}. jdib rounds the result up to
 * a whole MiB (DIB rounds to 64 KiB; a MiB is a multiple of that and matches the default
 * partition alignment). With {@code --image-size} that size is used as it is.
 *
 * <p>Partitions of a fixed size beside the root (an EFI system partition, a BIOS boot partition)
 * are added on top, with {@link #TABLE_ROOM} for the table and alignment: DIB leaves them out, so
 * its 550 MiB ESP takes its room from the root filesystem and a small tree no longer fits.
 *
 * <p>Both options are in GiB as in DIB ("Image size in GB", computed as {@code N * 1024 * 1024}
 * KiB); fractions are allowed ({@code 1.5}), and so is an explicit unit ({@code 800MiB}).
 */
public final class ImageSize {
    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;
    /** DIB's ext4 journal (-J size=64), added to a computed size. */
    public static final long EXT4_JOURNAL = 64 * MIB;

    /** Room for a partition table and partition alignment: 1 MiB in front, GPT's copy at the end. */
    public static final long TABLE_ROOM = 2 * MIB;

    private static final Pattern PLAIN_NUMBER = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");

    private ImageSize() {}

    /** Parses {@code --image-size}: GiB, or a size with a unit. Must be more than zero. */
    public static long parseImageSize(String text) {
        long bytes = parse("--image-size", text);
        if (bytes <= 0) {
            throw new BlockDeviceException(
                    "--image-size " + text + " is not more than zero; give the size in GiB, e.g. 2 or 1.5");
        }
        return roundUpToMib(bytes);
    }

    /** Parses {@code --image-extra-size}: GiB added to the computed size; zero is allowed. */
    public static long parseExtraSize(String text) {
        return roundUpToMib(parse("--image-extra-size", text));
    }

    private static long parse(String option, String text) {
        String s = text == null ? "" : text.strip();
        try {
            if (PLAIN_NUMBER.matcher(s).matches()) {
                return new BigDecimal(s)
                        .multiply(BigDecimal.valueOf(GIB))
                        .setScale(0, RoundingMode.UP)
                        .longValueExact();
            }
            return SizeSpec.parseAbsolute(s).bytes();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new BlockDeviceException(
                    option + " '" + text + "' is not a size; give GiB as a number (e.g. 2 or 1.5)"
                            + " or a size with a unit (e.g. 800MiB, 2GiB)");
        }
    }

    /**
     * The image size for a tree using {@code treeBytes} on disk, with a root filesystem of {@code
     * rootType} and {@code extraBytes} more.
     */
    public static long forTree(long treeBytes, FsType rootType, long extraBytes) {
        if (treeBytes < 0 || extraBytes < 0) {
            throw new IllegalArgumentException("negative size");
        }
        long size = BigDecimal.valueOf(treeBytes)
                .divide(new BigDecimal("0.6"), 0, RoundingMode.UP)
                .longValueExact();
        if (rootType == FsType.EXT4) {
            size += EXT4_JOURNAL;
        }
        return roundUpToMib(size + extraBytes);
    }

    /**
     * What the layout's fixed-size partitions beside the root take, with {@link #TABLE_ROOM} when
     * there are any: the partitions that neither hold the root filesystem nor contain what holds it.
     */
    public static long besideRoot(BlockDeviceGraph graph) {
        Set<String> underRoot = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        graph.rootMkfs().ifPresent(root -> pending.add(root.name()));
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (underRoot.add(name)) {
                graph.node(name).ifPresent(node -> pending.addAll(node.bases()));
            }
        }
        long fixed = graph.nodes(Partition.class).stream()
                .filter(p -> !underRoot.contains(p.name()))
                .map(Partition::size)
                .filter(SizeSpec.Absolute.class::isInstance)
                .mapToLong(size -> ((SizeSpec.Absolute) size).bytes())
                .sum();
        return fixed == 0 ? 0 : roundUpToMib(fixed) + TABLE_ROOM;
    }

    /** What {@code tree} uses on disk, as DIB measures it: {@code du -s -x}, in bytes. */
    public static long treeBytes(Path tree) {
        String out = Exec.check(Exec.Command.of("du", "-s", "-x", "--block-size=1", tree.toString()));
        try {
            return Long.parseLong(out.strip().split("\\s+")[0]);
        } catch (RuntimeException e) {
            throw new BlockDeviceException("cannot read the size of " + tree + " from du: " + out.strip());
        }
    }

    public static long roundUpToMib(long bytes) {
        return (bytes + MIB - 1) / MIB * MIB;
    }
}
