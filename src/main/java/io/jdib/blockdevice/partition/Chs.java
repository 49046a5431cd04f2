package io.jdib.blockdevice.partition;

/**
 * Cylinder/head/sector fields of an MBR entry. DIB fixes the geometry at its maximum, 254 heads
 * and 63 sectors per track, so the values stay right when an image is later grown; addresses past
 * cylinder 1023 get the conventional "beyond CHS" marker (1023, 254, 63), i.e. bytes FE FF FF.
 */
final class Chs {
    static final int HEADS = 254;
    static final int SECTORS = 63;
    static final int MAX_CYLINDER = 1023;

    private Chs() {}

    /** The three on-disk bytes (head, sector | cylinder high bits, cylinder low) for an LBA. */
    static byte[] encode(long lba) {
        long cylinder = lba / (HEADS * SECTORS);
        int head;
        int sector;
        if (cylinder > MAX_CYLINDER) {
            cylinder = MAX_CYLINDER;
            head = HEADS;
            sector = SECTORS;
        } else {
            head = (int) ((lba / SECTORS) % HEADS);
            sector = (int) (lba % SECTORS) + 1;
        }
        // Cylinder bits 8-9 go into the top two bits of the sector byte.
        return new byte[] {(byte) head, (byte) (sector | ((cylinder >> 8) & 0x3) << 6), (byte) (cylinder & 0xff)};
    }
}
