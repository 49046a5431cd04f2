package io.jdib.blockdevice.lvm;

/**
 * LVM2's checksum: the reflected CRC-32 polynomial with neither the usual initial nor final
 * inversion, started from {@link #INITIAL}. {@link java.util.zip.CRC32} cannot be started from
 * another value, so the table is our own.
 */
public final class LvmCrc {

    /** The value every LVM2 checksum starts from. */
    public static final int INITIAL = 0xf597a6cf;

    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private LvmCrc() {}

    public static int of(byte[] buf, int offset, int length) {
        return update(INITIAL, buf, offset, length);
    }

    public static int update(int crc, byte[] buf, int offset, int length) {
        int c = crc;
        for (int i = offset; i < offset + length; i++) {
            c = TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
        }
        return c;
    }
}
