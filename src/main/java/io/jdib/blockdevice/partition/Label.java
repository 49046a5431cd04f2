package io.jdib.blockdevice.partition;

/** Partition table format. */
public enum Label {
    MBR,
    GPT
}
