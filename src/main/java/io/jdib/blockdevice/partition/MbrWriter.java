package io.jdib.blockdevice.partition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an MBR the way DIB does: primaries in the first slots, then one extended partition (type
 * 0x0f, LBA) from the first EBR to the end of the disk, holding a chain of EBRs, one alignment unit
 * before each logical partition's data. Each EBR's first entry is its partition (start relative to
 * the EBR), its second entry links the next EBR (type 0x05, start relative to the extended
 * partition).
 */
public final class MbrWriter implements PartitionTableWriter {
    private static final byte[] GPT_SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);

    private final IdSource ids;

    public MbrWriter(IdSource ids) {
        this.ids = ids;
    }

    @Override
    public void write(FileChannel ch, Layout layout) throws IOException {
        if (layout.label() != Label.MBR) {
            throw new IllegalArgumentException("MbrWriter needs an MBR layout, got " + layout.label());
        }
        DiskIo.checkFits(ch, layout);
        int ss = layout.sectorSize();

        List<MbrEntry> slots = new ArrayList<>();
        for (PlacedPartition p : layout.primaries()) {
            slots.add(dataEntry(p, 0));
        }
        Layout.Extended ext = layout.extended().orElse(null);
        if (ext != null) {
            slots.add(new MbrEntry(
                    false,
                    MbrType.EXTENDED_LBA,
                    ext.startSector(),
                    ext.startSector() + ext.sectorCount() - 1,
                    ext.startSector(),
                    ext.sectorCount()));
        }
        ByteBuffer signature = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        signature.putInt(ids.diskSignature()).putShort((short) 0);
        DiskIo.writeAt(ch, MbrEntry.DISK_SIGNATURE_OFFSET, signature);
        DiskIo.writeAt(ch, MbrEntry.TABLE_OFFSET, MbrEntry.table(slots.toArray(MbrEntry[]::new)));

        List<PlacedPartition> logicals = layout.logicals();
        for (int i = 0; i < logicals.size(); i++) {
            PlacedPartition p = logicals.get(i);
            long ebr = layout.ebrSector(p);
            MbrEntry data = dataEntry(p, ebr);
            ByteBuffer table;
            if (i + 1 < logicals.size()) {
                PlacedPartition next = logicals.get(i + 1);
                long nextEbr = layout.ebrSector(next);
                MbrEntry link = new MbrEntry(
                        false,
                        MbrType.EXTENDED_CHS,
                        nextEbr,
                        next.lastSector(),
                        nextEbr - ext.startSector(),
                        next.endSector() - nextEbr);
                table = MbrEntry.table(data, link);
            } else {
                table = MbrEntry.table(data);
            }
            DiskIo.writeAt(ch, ebr * ss + MbrEntry.TABLE_OFFSET, table);
        }
        clearStaleGpt(ch, layout);
    }

    /** An entry for a data partition; its start is stored relative to {@code base} (0 or its EBR). */
    private static MbrEntry dataEntry(PlacedPartition p, long base) {
        return new MbrEntry(
                p.has(Flag.BOOT),
                MbrType.value(p.type()),
                p.startSector(),
                p.lastSector(),
                p.startSector() - base,
                p.sectorCount());
    }

    /**
     * A GPT left from an earlier table would win over the new MBR in some tools, so its headers are
     * wiped, but only where no partition lies (with a tiny align, LBA 1 may be partition data).
     */
    private static void clearStaleGpt(FileChannel ch, Layout layout) throws IOException {
        int ss = layout.sectorSize();
        for (long lba : new long[] {1, layout.diskSectors() - 1}) {
            if (lba <= 0 || covered(layout, lba)) {
                continue;
            }
            ByteBuffer head = DiskIo.readAt(ch, lba * ss, GPT_SIGNATURE.length);
            if (head.equals(ByteBuffer.wrap(GPT_SIGNATURE))) {
                DiskIo.writeAt(ch, lba * ss, ByteBuffer.allocate(ss));
            }
        }
    }

    private static boolean covered(Layout layout, long lba) {
        for (PlacedPartition p : layout.partitions()) {
            long from = p.logical() ? layout.ebrSector(p) : p.startSector();
            if (lba >= from && lba < p.endSector()) {
                return true;
            }
        }
        return false;
    }
}
