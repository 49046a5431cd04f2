package io.jdib.blockdevice.lvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes one physical volume's on-disk LVM2 structures at the start of a device: the label in
 * sector 1 ("LABELONE", type "LVM2 001") with the PV header (id, device size, one data area from
 * the first extent, one metadata area), and at 4 KiB the metadata area: its header (magic,
 * version, location, and where the current text lies with its checksum) and the VG text after
 * it. Everything before the first extent is zeroed first. All integers are little-endian.
 */
public final class PvWriter {

    static final int SECTOR = 512;
    static final long LABEL_SECTOR = 1;
    static final byte[] LABEL_ID = ascii("LABELONE");
    static final byte[] LABEL_TYPE = ascii("LVM2 001");
    /** Where the PV header starts inside the label sector. */
    static final int PV_HEADER_OFFSET = 32;
    /** The label's checksum covers the sector from this offset on. */
    static final int LABEL_CRC_FROM = 20;

    static final long MDA_START = 4096;
    static final int MDA_HEADER_SIZE = 512;
    static final byte[] MDA_MAGIC = ascii(" LVM2 x[5A%r0N*>");
    static final int MDA_VERSION = 1;
    static final int PV_EXTENSION_VERSION = 2;
    static final int PV_EXT_USED = 1;

    private PvWriter() {}

    /** The label sector (512 bytes) of {@code pv}. */
    public static byte[] label(VgLayout.Pv pv) {
        ByteBuffer b = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        b.put(LABEL_ID);
        b.putLong(LABEL_SECTOR);
        b.putInt(0); // checksum, below
        b.putInt(PV_HEADER_OFFSET);
        b.put(LABEL_TYPE);
        b.put(pv.id().value().getBytes(StandardCharsets.US_ASCII));
        b.putLong(pv.deviceBytes());
        // data areas: one, from the first extent to the end (size 0), then the terminator
        b.putLong(pv.peStartBytes()).putLong(0);
        b.putLong(0).putLong(0);
        // metadata areas: one, then the terminator
        b.putLong(MDA_START).putLong(pv.peStartBytes() - MDA_START);
        b.putLong(0).putLong(0);
        // extension: version, flags (in a VG), no bootloader areas
        b.putInt(PV_EXTENSION_VERSION).putInt(PV_EXT_USED);
        b.putLong(0).putLong(0);
        byte[] sector = b.array();
        int crc = LvmCrc.of(sector, LABEL_CRC_FROM, SECTOR - LABEL_CRC_FROM);
        ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN).putInt(16, crc);
        return sector;
    }

    /** The metadata text as stored: the text and a terminating NUL, which the size counts. */
    public static byte[] text(String vgText) {
        byte[] t = vgText.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[t.length + 1];
        System.arraycopy(t, 0, out, 0, t.length);
        return out;
    }

    /** The metadata area header (512 bytes) for a PV whose text is {@code text} right after it. */
    public static byte[] mdaHeader(VgLayout.Pv pv, byte[] text) {
        ByteBuffer b = ByteBuffer.allocate(MDA_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0); // checksum, below
        b.put(MDA_MAGIC);
        b.putInt(MDA_VERSION);
        b.putLong(MDA_START);
        b.putLong(pv.peStartBytes() - MDA_START);
        // raw locations: the text, relative to the area's start, then the terminator
        b.putLong(MDA_HEADER_SIZE).putLong(text.length);
        b.putInt(LvmCrc.of(text, 0, text.length)).putInt(0);
        byte[] header = b.array();
        int crc = LvmCrc.of(header, 4, MDA_HEADER_SIZE - 4);
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(0, crc);
        return header;
    }

    /**
     * Writes {@code pv} of {@code vg} with metadata {@code vgText} at offset {@code base} of {@code
     * ch} (0 for a partition's own device).
     */
    public static void write(FileChannel ch, long base, VgLayout.Pv pv, String vgText) throws IOException {
        byte[] text = text(vgText);
        long room = pv.peStartBytes() - MDA_START - MDA_HEADER_SIZE;
        if (text.length > room) {
            throw new IOException("the metadata of pv " + pv.name() + " is " + text.length
                    + " bytes, more than its metadata area holds (" + room + ")");
        }
        writeAt(ch, base, new byte[(int) pv.peStartBytes()]);
        writeAt(ch, base + LABEL_SECTOR * SECTOR, label(pv));
        writeAt(ch, base + MDA_START, mdaHeader(pv, text));
        writeAt(ch, base + MDA_START + MDA_HEADER_SIZE, text);
        ch.force(true);
    }

    private static void writeAt(FileChannel ch, long offset, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long pos = offset;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
