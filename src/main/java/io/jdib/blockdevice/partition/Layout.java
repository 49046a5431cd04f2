package io.jdib.blockdevice.partition;

import java.util.List;
import java.util.Optional;

/** Where every partition goes on a disk of {@code diskSectors} sectors. */
public record Layout(
        Label label, int sectorSize, long alignSectors, long diskSectors, List<PlacedPartition> partitions) {

    /** MBR start and length fields are 32-bit sector counts, so MBR sees at most this many. */
    static final long MBR_MAX_SECTORS = 0xFFFF_FFFFL;

    public Layout {
        partitions = List.copyOf(partitions);
    }

    /** The MBR extended partition that holds the logicals, if there are any. */
    public record Extended(int number, long startSector, long sectorCount) {}

    public Optional<PlacedPartition> find(String name) {
        return partitions.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public List<PlacedPartition> primaries() {
        return partitions.stream().filter(p -> !p.logical()).toList();
    }

    public List<PlacedPartition> logicals() {
        return partitions.stream().filter(PlacedPartition::logical).toList();
    }

    /**
     * The extended partition runs from the first EBR to the end of what MBR can address, as in DIB,
     * so the logicals' chain never has to be resized when partitions are added.
     */
    public Optional<Extended> extended() {
        List<PlacedPartition> logicals = logicals();
        if (label != Label.MBR || logicals.isEmpty()) {
            return Optional.empty();
        }
        long start = ebrSector(logicals.get(0));
        long end = Math.min(diskSectors, MBR_MAX_SECTORS);
        return Optional.of(new Extended(primaries().size() + 1, start, end - start));
    }

    /** Each logical's EBR sits one alignment unit before its data (DIB's layout). */
    public long ebrSector(PlacedPartition logical) {
        if (!logical.logical()) {
            throw new IllegalArgumentException(logical.name() + " is not a logical partition");
        }
        return logical.startSector() - alignSectors;
    }

    public long diskBytes() {
        return diskSectors * sectorSize;
    }
}
