package io.jdib.blockdevice.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One 16-byte MBR/EBR partition entry. CHS fields are always from absolute LBAs. */
record MbrEntry(boolean boot, int type, long chsStartLba, long chsLastLba, long lbaStart, long sectors) {
    static final int SIZE = 16;
    static final int TABLE_OFFSET = 446;
    static final int DISK_SIGNATURE_OFFSET = 440;
    static final int BOOT_SIGNATURE_OFFSET = 510;

    MbrEntry {
        if (lbaStart > 0xFFFF_FFFFL || sectors > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("MBR entry beyond 32-bit sectors: " + lbaStart + "+" + sectors);
        }
    }

    void put(ByteBuffer buf) {
        buf.order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) (boot ? 0x80 : 0x00));
        buf.put(Chs.encode(chsStartLba));
        buf.put((byte) type);
        buf.put(Chs.encode(chsLastLba));
        buf.putInt((int) lbaStart);
        buf.putInt((int) sectors);
    }

    /**
     * Bytes 446-511 of a boot record: up to four entries, the rest zeroed, then 0x55AA. Bytes before
     * 446 are not part of it, so boot code there survives.
     */
    static ByteBuffer table(MbrEntry... entries) {
        if (entries.length > 4) {
            throw new IllegalArgumentException("an MBR holds four entries");
        }
        ByteBuffer buf = ByteBuffer.allocate(4 * SIZE + 2).order(ByteOrder.LITTLE_ENDIAN);
        for (MbrEntry e : entries) {
            e.put(buf);
        }
        buf.position(4 * SIZE);
        buf.put((byte) 0x55).put((byte) 0xAA);
        return buf;
    }
}
