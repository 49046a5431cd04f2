package io.jdib.blockdevice.partition;

/** DIB partition flags. */
public enum Flag {
    /** MBR: active (0x80); GPT: legacy BIOS bootable attribute (bit 2). */
    BOOT,
    /** MBR only: a primary partition rather than a logical one. */
    PRIMARY
}
