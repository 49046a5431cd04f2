package io.jdib.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A compressed qcow2 made on every core. qemu-img compresses a qcow2 on one core however many
 * coroutines it is given, so the raw image is cut into ranges holding equal amounts of data, one
 * qemu-img compresses each range into a part file at the same time, and {@link #join} lays the parts'
 * clusters, compressed bytes unchanged, into one qcow2 with new L1, L2 and refcount tables.
 *
 * <p>Only what a plain {@code qemu-img convert -c -O qcow2 -o compat=1.1} writes is understood:
 * version 3, no backing file, snapshots, encryption, external data file, extended L2 entries or lazy
 * refcounts. Anything else is {@link Unsupported}, and the caller converts on one core instead.
 */
final class SplitQcow2 {
    /** A run of guest bytes: where it starts in the raw image, and how long it is. */
    record Range(long offset, long length) {
        long end() {
            return offset + length;
        }
    }

    /** One part file and the guest offset its first cluster stands for. */
    record Part(Path file, long guestOffset) {}

    /** A part whose layout this class does not join; the caller falls back to one qemu-img. */
    static final class Unsupported extends IOException {
        Unsupported(String message) {
            super(message);
        }
    }

    private static final long STANDARD_OFFSET = 0x00ff_ffff_ffff_fe00L;
    private static final long COPIED = 1L << 63;
    private static final long COMPRESSED = 1L << 62;
    private static final long ZERO = 1L;
    /** 2^26 guest clusters: 4 TiB of 64 KiB clusters, tables of 512 MiB in memory at most. */
    private static final long MAX_GUEST_CLUSTERS = 1L << 26;
    /** The only incompatible feature a plain compressed image has: a compression type other than zlib. */
    private static final long COMPRESSION_TYPE_FEATURE = 1L << 3;

    private SplitQcow2() {}

    /**
     * Cuts {@code [0, virtualSize)} into at most {@code parts} ranges on cluster boundaries, each
     * holding about the same number of data bytes from {@code data} (the raw image's allocated
     * extents, sorted). Fewer ranges come back when there is too little data to share.
     */
    static List<Range> ranges(List<Range> data, long virtualSize, int clusterSize, int parts) {
        long total = data.stream().mapToLong(Range::length).sum();
        List<Long> cuts = new ArrayList<>();
        long seen = 0;
        int next = 1;
        for (Range extent : data) {
            while (next < parts && seen + extent.length() > total * next / parts) {
                long inside = total * next / parts - seen;
                long cut = (extent.offset() + inside) / clusterSize * clusterSize;
                long previous = cuts.isEmpty() ? 0 : cuts.get(cuts.size() - 1);
                if (cut > previous && cut < virtualSize) {
                    cuts.add(cut);
                }
                next++;
            }
            seen += extent.length();
        }
        List<Range> ranges = new ArrayList<>();
        long start = 0;
        for (long cut : cuts) {
            ranges.add(new Range(start, cut - start));
            start = cut;
        }
        ranges.add(new Range(start, virtualSize - start));
        return ranges;
    }

    /** What one part file holds: its header's facts and each guest cluster's L2 entry (0 = unallocated). */
    private record PartLayout(int clusterBits, int refcountOrder, byte[] headerCluster, long[] entries) {}

    /**
     * Writes {@code output} as one qcow2 of {@code virtualSize} bytes holding every part's clusters
     * at its guest offset. Parts must come in guest order, share one cluster size, and start on
     * cluster boundaries.
     */
    static void join(List<Part> parts, long virtualSize, Path output) throws IOException {
        List<PartLayout> layouts = new ArrayList<>();
        for (Part part : parts) {
            layouts.add(read(part.file()));
        }
        PartLayout first = layouts.get(0);
        int bits = first.clusterBits();
        long clusterSize = 1L << bits;
        for (int i = 0; i < parts.size(); i++) {
            if (layouts.get(i).clusterBits() != bits || layouts.get(i).refcountOrder() != first.refcountOrder()) {
                throw new Unsupported("parts differ in cluster size or refcount width");
            }
            if (parts.get(i).guestOffset() % clusterSize != 0) {
                throw new Unsupported("part " + i + " does not start on a cluster boundary");
            }
        }
        int compressedShift = 62 - (bits - 8);
        long compressedOffsetMask = (1L << compressedShift) - 1;
        long sectorsMask = (1L << (bits - 8)) - 1;

        // Every host cluster a part's entries touch, in file order, gets the next data cluster of the output.
        List<TreeMap<Long, Long>> remaps = new ArrayList<>();
        long dataClusters = 0;
        for (PartLayout layout : layouts) {
            TreeMap<Long, Long> used = new TreeMap<>();
            for (long entry : layout.entries()) {
                for (long cluster : touched(entry, bits, compressedShift, compressedOffsetMask, sectorsMask)) {
                    used.put(cluster, 0L);
                }
            }
            for (Map.Entry<Long, Long> e : used.entrySet()) {
                e.setValue(dataClusters++);
            }
            remaps.add(used);
        }

        long guestClusters = (virtualSize + clusterSize - 1) >> bits;
        long l2Entries = clusterSize / 8;
        long l1Size = (guestClusters + l2Entries - 1) / l2Entries;
        long l1Clusters = (l1Size * 8 + clusterSize - 1) >> bits;
        long[] l2 = new long[Math.toIntExact(l1Size * l2Entries)];
        for (int p = 0; p < parts.size(); p++) {
            long base = parts.get(p).guestOffset() >> bits;
            long[] entries = layouts.get(p).entries();
            if (base + entries.length > guestClusters) {
                throw new Unsupported("part " + p + " reaches past the image's end");
            }
            for (int j = 0; j < entries.length; j++) {
                l2[Math.toIntExact(base + j)] = entries[j];
            }
        }
        List<Integer> usedTables = new ArrayList<>();
        for (int t = 0; t < l1Size; t++) {
            for (long j = 0; j < l2Entries; j++) {
                if (l2[Math.toIntExact(t * l2Entries + j)] != 0) {
                    usedTables.add(t);
                    break;
                }
            }
        }

        long refcountsPerBlock = clusterSize * 8 / (1L << first.refcountOrder());
        long refcountBlocks = 0;
        long refcountTableClusters = 0;
        long total;
        while (true) {
            total = 1 + l1Clusters + refcountTableClusters + refcountBlocks + usedTables.size() + dataClusters;
            long blocks = (total + refcountsPerBlock - 1) / refcountsPerBlock;
            long tableClusters = (blocks * 8 + clusterSize - 1) >> bits;
            if (blocks == refcountBlocks && tableClusters == refcountTableClusters) {
                break;
            }
            refcountBlocks = blocks;
            refcountTableClusters = tableClusters;
        }
        long l1Start = 1;
        long refcountTableStart = l1Start + l1Clusters;
        long refcountBlocksStart = refcountTableStart + refcountTableClusters;
        long l2Start = refcountBlocksStart + refcountBlocks;
        long dataStart = l2Start + usedTables.size();

        long[] refcounts = new long[Math.toIntExact(total)];
        for (long c = 0; c < dataStart; c++) {
            refcounts[Math.toIntExact(c)] = 1;
        }
        // The entries rewritten to the output's offsets, guest part by guest part.
        for (int p = 0; p < parts.size(); p++) {
            long base = parts.get(p).guestOffset() >> bits;
            TreeMap<Long, Long> remap = remaps.get(p);
            long[] entries = layouts.get(p).entries();
            for (int j = 0; j < entries.length; j++) {
                long entry = entries[j];
                long moved;
                if ((entry & COMPRESSED) != 0) {
                    long offset = entry & compressedOffsetMask;
                    long newOffset = ((dataStart + remap.get(offset >> bits)) << bits) | (offset & (clusterSize - 1));
                    if (newOffset > compressedOffsetMask) {
                        throw new Unsupported("the joined image is too large for compressed cluster offsets");
                    }
                    moved = (entry & ~compressedOffsetMask) | newOffset;
                } else if ((entry & STANDARD_OFFSET) != 0) {
                    long cluster = (entry & STANDARD_OFFSET) >> bits;
                    moved = (((dataStart + remap.get(cluster)) << bits) | COPIED) | (entry & ZERO);
                } else {
                    moved = entry & ZERO;
                }
                for (long cluster : touched(moved, bits, compressedShift, compressedOffsetMask, sectorsMask)) {
                    refcounts[Math.toIntExact(cluster)]++;
                }
                l2[Math.toIntExact(base + j)] = moved;
            }
        }
        long maxRefcount = (1L << (1 << first.refcountOrder())) - 1;
        for (long count : refcounts) {
            if (count > maxRefcount) {
                throw new Unsupported("a cluster is shared more often than the refcount width allows");
            }
        }

        try (FileChannel out = FileChannel.open(
                output, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.wrap(first.headerCluster().clone());
            header.putLong(24, virtualSize);
            header.putInt(36, Math.toIntExact(l1Size));
            header.putLong(40, l1Start << bits);
            header.putLong(48, refcountTableStart << bits);
            header.putInt(56, Math.toIntExact(refcountTableClusters));
            writeFully(out, header, 0);

            ByteBuffer l1 = ByteBuffer.allocate(Math.toIntExact(l1Clusters << bits));
            for (int i = 0; i < usedTables.size(); i++) {
                l1.putLong(usedTables.get(i) * 8, ((l2Start + i) << bits) | COPIED);
            }
            writeFully(out, l1, l1Start << bits);

            ByteBuffer table = ByteBuffer.allocate(Math.toIntExact(refcountTableClusters << bits));
            for (long b = 0; b < refcountBlocks; b++) {
                table.putLong(Math.toIntExact(b * 8), (refcountBlocksStart + b) << bits);
            }
            writeFully(out, table, refcountTableStart << bits);

            int width = 1 << first.refcountOrder();
            ByteBuffer blocks = ByteBuffer.allocate(Math.toIntExact(refcountBlocks << bits));
            for (int c = 0; c < refcounts.length; c++) {
                putRefcount(blocks, c, width, refcounts[c]);
            }
            writeFully(out, blocks, refcountBlocksStart << bits);

            ByteBuffer tables = ByteBuffer.allocate(Math.toIntExact((long) usedTables.size() << bits));
            for (int i = 0; i < usedTables.size(); i++) {
                long from = usedTables.get(i) * l2Entries;
                for (int j = 0; j < l2Entries; j++) {
                    tables.putLong(Math.toIntExact(((long) i << bits) + j * 8L), l2[Math.toIntExact(from + j)]);
                }
            }
            writeFully(out, tables, l2Start << bits);

            for (int p = 0; p < parts.size(); p++) {
                copyClusters(parts.get(p).file(), remaps.get(p), bits, dataStart, out);
            }
        }
    }

    /** The host clusters an L2 entry's data occupies: one for a standard cluster, the span for a compressed one. */
    private static List<Long> touched(
            long entry, int bits, int compressedShift, long compressedOffsetMask, long sectorsMask) {
        if ((entry & COMPRESSED) != 0) {
            long offset = entry & compressedOffsetMask;
            long sectors = ((entry >>> compressedShift) & sectorsMask) + 1;
            long end = (offset & ~511L) + sectors * 512;
            List<Long> clusters = new ArrayList<>();
            for (long c = offset >> bits; c <= (end - 1) >> bits; c++) {
                clusters.add(c);
            }
            return clusters;
        }
        long offset = entry & STANDARD_OFFSET;
        return offset == 0 ? List.of() : List.of(offset >> bits);
    }

    private static PartLayout read(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer fixed = readFully(in, 0, 104);
            if (fixed.getInt(0) != 0x514649fb) {
                throw new Unsupported(file + " is not a qcow2 file");
            }
            if (fixed.getInt(4) != 3) {
                throw new Unsupported(file + " is qcow2 version " + fixed.getInt(4) + ", not 3");
            }
            int bits = fixed.getInt(20);
            if (bits < 9 || bits > 21) {
                throw new Unsupported(file + " has cluster_bits " + bits);
            }
            if (fixed.getLong(8) != 0
                    || fixed.getInt(32) != 0
                    || fixed.getInt(60) != 0
                    || (fixed.getLong(72) & ~COMPRESSION_TYPE_FEATURE) != 0
                    || fixed.getLong(80) != 0
                    || fixed.getLong(88) != 0) {
                throw new Unsupported(
                        file + " uses a backing file, encryption, snapshots or features this join does not know");
            }
            int refcountOrder = fixed.getInt(96);
            if (refcountOrder < 3 || refcountOrder > 6) {
                throw new Unsupported(file + " has " + (1 << refcountOrder) + "-bit refcounts");
            }
            long clusterSize = 1L << bits;
            long size = fixed.getLong(24);
            if ((size >> bits) > MAX_GUEST_CLUSTERS) {
                throw new Unsupported(file + " is too large to join in memory");
            }
            int l1Size = fixed.getInt(36);
            long l1Offset = fixed.getLong(40);
            long guestClusters = (size + clusterSize - 1) >> bits;
            long l2Entries = clusterSize / 8;
            long[] entries = new long[Math.toIntExact(guestClusters)];
            ByteBuffer l1 = readFully(in, l1Offset, l1Size * 8);
            for (int i = 0; i < l1Size; i++) {
                long l2Offset = l1.getLong(i * 8) & STANDARD_OFFSET;
                if (l2Offset == 0) {
                    continue;
                }
                ByteBuffer table = readFully(in, l2Offset, Math.toIntExact(clusterSize));
                for (int j = 0; j < l2Entries; j++) {
                    long guest = i * l2Entries + j;
                    long entry = table.getLong(j * 8);
                    if (guest < guestClusters) {
                        entries[Math.toIntExact(guest)] = entry;
                    }
                }
            }
            ByteBuffer headerCluster = readFully(in, 0, Math.toIntExact(clusterSize));
            return new PartLayout(bits, refcountOrder, headerCluster.array(), entries);
        }
    }

    /** Copies the part's used host clusters, in file order, to their places in the output. */
    private static void copyClusters(Path file, TreeMap<Long, Long> remap, int bits, long dataStart, FileChannel out)
            throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = in.size();
            Long runStart = null;
            long runLength = 0;
            for (Map.Entry<Long, Long> e : remap.entrySet()) {
                if (runStart != null && e.getKey() == runStart + runLength) {
                    runLength++;
                    continue;
                }
                if (runStart != null) {
                    transfer(in, runStart, runLength, remap.get(runStart), bits, dataStart, fileSize, out);
                }
                runStart = e.getKey();
                runLength = 1;
            }
            if (runStart != null) {
                transfer(in, runStart, runLength, remap.get(runStart), bits, dataStart, fileSize, out);
            }
        }
    }

    private static void transfer(
            FileChannel in,
            long fromCluster,
            long clusters,
            long toIndex,
            int bits,
            long dataStart,
            long fileSize,
            FileChannel out)
            throws IOException {
        long position = fromCluster << bits;
        long length = Math.min(clusters << bits, fileSize - position);
        long target = (dataStart + toIndex) << bits;
        while (length > 0) {
            long n = in.transferTo(position, length, out.position(target));
            if (n <= 0) {
                throw new IOException("short copy from a qcow2 part at " + position);
            }
            position += n;
            target += n;
            length -= n;
        }
    }

    private static void putRefcount(ByteBuffer blocks, int cluster, int width, long count) {
        switch (width) {
            case 8 -> blocks.put(cluster, (byte) count);
            case 16 -> blocks.putShort(cluster * 2, (short) count);
            case 32 -> blocks.putInt(cluster * 4, (int) count);
            case 64 -> blocks.putLong(cluster * 8, count);
            default -> throw new IllegalStateException("refcount width " + width + " is checked when the part is read");
        }
    }

    private static ByteBuffer readFully(FileChannel in, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (in.read(buffer, position + buffer.position()) < 0) {
                break; // qemu may end a file inside its last cluster; the rest reads as zeros
            }
        }
        return buffer.clear();
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer, long position) throws IOException {
        buffer.clear();
        while (buffer.hasRemaining()) {
            out.write(buffer, position + buffer.position());
        }
    }
}
