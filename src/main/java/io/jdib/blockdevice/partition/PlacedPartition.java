package io.jdib.blockdevice.partition;

import java.util.Set;

/**
 * A partition as written: {@code number} is what the kernel and partx call it (MBR primaries 1-4,
 * logicals from 5; GPT 1..n), sectors are in the table's sector size.
 */
public record PlacedPartition(
        int number, String name, long startSector, long sectorCount, String type, Set<Flag> flags) {

    public PlacedPartition {
        flags = Set.copyOf(flags);
    }

    /** First sector after the partition. */
    public long endSector() {
        return startSector + sectorCount;
    }

    public long lastSector() {
        return endSector() - 1;
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
    }

    /** True for an MBR logical partition (inside the extended one). */
    public boolean logical() {
        return number > 4;
    }
}
