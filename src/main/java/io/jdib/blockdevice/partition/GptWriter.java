package io.jdib.blockdevice.partition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Writes a GPT (UEFI 2.x, chapter 5): protective MBR, primary header at LBA 1 and its 128 entries
 * from LBA 2, and the backup entries and header at the end of the disk, both CRC32-sealed.
 */
public final class GptWriter implements PartitionTableWriter {
    static final long ATTR_LEGACY_BIOS_BOOTABLE = 1L << 2;
    private static final int HEADER_SIZE = 92;
    private static final int REVISION_1_0 = 0x0001_0000;

    private final IdSource ids;

    public GptWriter(IdSource ids) {
        this.ids = ids;
    }

    @Override
    public void write(FileChannel ch, Layout layout) throws IOException {
        if (layout.label() != Label.GPT) {
            throw new IllegalArgumentException("GptWriter needs a GPT layout, got " + layout.label());
        }
        DiskIo.checkFits(ch, layout);
        int ss = layout.sectorSize();
        GptGeometry geo = new GptGeometry(ss, layout.diskSectors());
        UUID diskGuid = ids.diskGuid();

        ByteBuffer entries = entries(layout);
        CRC32 crc = new CRC32();
        crc.update(entries.duplicate().rewind());
        int entriesCrc = (int) crc.getValue();

        ByteBuffer primary = header(geo, diskGuid, 1, geo.backupHeaderLba(), geo.primaryEntriesLba(), entriesCrc);
        ByteBuffer backup = header(geo, diskGuid, geo.backupHeaderLba(), 1, geo.backupEntriesLba(), entriesCrc);

        // Backup first: a crash in between leaves the old primary, which tools still trust.
        DiskIo.writeAt(ch, geo.backupEntriesLba() * ss, entries);
        DiskIo.writeAt(ch, geo.backupHeaderLba() * ss, backup);
        DiskIo.writeAt(ch, geo.primaryEntriesLba() * ss, entries);
        DiskIo.writeAt(ch, 1L * ss, primary);
        writeProtectiveMbr(ch, layout);
    }

    private ByteBuffer entries(Layout layout) {
        ByteBuffer buf = ByteBuffer.allocate(GptGeometry.ENTRIES_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (PlacedPartition p : layout.partitions()) {
            buf.position((p.number() - 1) * GptGeometry.ENTRY_SIZE);
            Guids.put(buf, GptType.guid(p.type()));
            Guids.put(buf, ids.partitionGuid(p.number()));
            buf.putLong(p.startSector());
            buf.putLong(p.lastSector());
            buf.putLong(p.has(Flag.BOOT) ? ATTR_LEGACY_BIOS_BOOTABLE : 0);
            buf.put(p.name().getBytes(StandardCharsets.UTF_16LE)); // length checked by the spec
        }
        return buf.rewind();
    }

    private static ByteBuffer header(
            GptGeometry geo, UUID diskGuid, long myLba, long alternateLba, long entriesLba, int entriesCrc) {
        ByteBuffer buf = ByteBuffer.allocate(geo.sectorSize()).order(ByteOrder.LITTLE_ENDIAN);
        buf.put("EFI PART".getBytes(StandardCharsets.US_ASCII));
        buf.putInt(REVISION_1_0);
        buf.putInt(HEADER_SIZE);
        buf.putInt(0); // header CRC, filled in below
        buf.putInt(0); // reserved
        buf.putLong(myLba);
        buf.putLong(alternateLba);
        buf.putLong(geo.firstUsableLba());
        buf.putLong(geo.lastUsableLba());
        Guids.put(buf, diskGuid);
        buf.putLong(entriesLba);
        buf.putInt(GptGeometry.ENTRY_COUNT);
        buf.putInt(GptGeometry.ENTRY_SIZE);
        buf.putInt(entriesCrc);
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, HEADER_SIZE);
        buf.putInt(16, (int) crc.getValue());
        return buf.rewind();
    }

    /** One 0xEE entry covering the disk (capped at 32 bits) keeps MBR-only tools off it. */
    private static void writeProtectiveMbr(FileChannel ch, Layout layout) throws IOException {
        long sectors = Math.min(layout.diskSectors() - 1, 0xFFFF_FFFFL);
        MbrEntry protective = new MbrEntry(false, MbrType.GPT_PROTECTIVE, 1, sectors, 1, sectors);
        // UEFI: the disk signature is unused in a protective MBR and should be zero.
        DiskIo.writeAt(ch, MbrEntry.DISK_SIGNATURE_OFFSET, ByteBuffer.allocate(6));
        DiskIo.writeAt(ch, MbrEntry.TABLE_OFFSET, MbrEntry.table(protective));
    }
}
