package io.jdib.blockdevice.partition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A requested partition table. Everything that can be checked without knowing the disk size is
 * checked here, so an invalid request cannot be constructed; partition types come out normalized
 * ("83", "EF00").
 */
public record PartitionTableSpec(Label label, long alignBytes, int sectorSize, List<PartitionSpec> partitions) {

    /** DIB's default: 1 MiB suits every modern disk, SSD and RAID stripe. */
    public static final long DEFAULT_ALIGN = Sizes.MIB;

    public static final int GPT_MAX_PARTITIONS = 128;
    /** A GPT entry holds 72 bytes of UTF-16LE name. */
    public static final int GPT_MAX_NAME_UNITS = 36;

    public PartitionTableSpec {
        if (label == null) {
            throw new PartitionSpecException("partitioning has no label; use label mbr or gpt");
        }
        if (sectorSize != 512 && sectorSize != 4096) {
            throw new PartitionSpecException("sector size " + sectorSize + " is not supported; use 512 or 4096");
        }
        if (alignBytes <= 0 || alignBytes % sectorSize != 0) {
            throw new PartitionSpecException("align " + alignBytes + " bytes is not a positive multiple of the "
                    + sectorSize + "-byte sector size; use e.g. 1MiB (the default)");
        }
        if (partitions == null || partitions.isEmpty()) {
            throw new PartitionSpecException(
                    "partitioning lists no partitions; add at least one, e.g. root with size 100%");
        }
        checkUniqueNames(partitions);
        List<PartitionSpec> normalized = new ArrayList<>(partitions.size());
        for (PartitionSpec p : partitions) {
            String type =
                    label == Label.MBR ? MbrType.normalize(p.name(), p.type()) : GptType.normalize(p.name(), p.type());
            normalized.add(p.withType(type));
        }
        partitions = List.copyOf(normalized);
        if (label == Label.GPT) {
            checkGpt(partitions);
        } else {
            checkMbr(partitions);
        }
    }

    public static PartitionTableSpec mbr(List<PartitionSpec> partitions) {
        return new PartitionTableSpec(Label.MBR, DEFAULT_ALIGN, 512, partitions);
    }

    public static PartitionTableSpec gpt(List<PartitionSpec> partitions) {
        return new PartitionTableSpec(Label.GPT, DEFAULT_ALIGN, 512, partitions);
    }

    public PartitionTableSpec withAlign(long bytes) {
        return new PartitionTableSpec(label, bytes, sectorSize, partitions);
    }

    public PartitionTableSpec withSectorSize(int bytes) {
        return new PartitionTableSpec(label, alignBytes, bytes, partitions);
    }

    long alignSectors() {
        return alignBytes / sectorSize;
    }

    private static void checkUniqueNames(List<PartitionSpec> partitions) {
        Set<String> seen = new HashSet<>();
        for (PartitionSpec p : partitions) {
            if (!seen.add(p.name())) {
                throw new PartitionSpecException(
                        "two partitions are named '" + p.name() + "'; give each partition its own name");
            }
        }
    }

    private static void checkGpt(List<PartitionSpec> partitions) {
        if (partitions.size() > GPT_MAX_PARTITIONS) {
            throw new PartitionSpecException("GPT holds at most " + GPT_MAX_PARTITIONS + " partitions but "
                    + partitions.size() + " are listed; merge some or use LVM");
        }
        for (PartitionSpec p : partitions) {
            if (p.has(Flag.PRIMARY)) {
                throw new PartitionSpecException("partition '" + p.name()
                        + "' has flag primary, which only MBR tables have;" + " remove the flag or use label mbr");
            }
            if (p.name().length() > GPT_MAX_NAME_UNITS) {
                throw new PartitionSpecException(
                        "partition name '" + p.name() + "' is " + p.name().length()
                                + " characters but a GPT name holds at most " + GPT_MAX_NAME_UNITS
                                + "; shorten it");
            }
        }
    }

    private static void checkMbr(List<PartitionSpec> partitions) {
        List<PartitionSpec> primaries =
                partitions.stream().filter(p -> p.has(Flag.PRIMARY)).toList();
        boolean hasLogical = primaries.size() < partitions.size();
        // Primaries live in the MBR itself; logicals need one of its four slots for the extended entry.
        int slots = hasLogical ? 3 : 4;
        if (primaries.size() > slots) {
            throw new PartitionSpecException("MBR holds at most " + slots + " primary partitions"
                    + (hasLogical ? " next to the extended partition for logical ones" : "")
                    + " but " + primaries.size() + " are flagged primary ("
                    + primaries.stream().map(p -> "'" + p.name() + "'").collect(Collectors.joining(", "))
                    + "); drop the primary flag from some so they become logical partitions");
        }
        // DIB places partitions in list order, and logicals sit in the extended partition at the end.
        String firstLogical = null;
        for (PartitionSpec p : partitions) {
            if (!p.has(Flag.PRIMARY) && firstLogical == null) {
                firstLogical = p.name();
            } else if (p.has(Flag.PRIMARY) && firstLogical != null) {
                throw new PartitionSpecException("primary partition '" + p.name() + "' comes after logical partition '"
                        + firstLogical + "'; list primary partitions first");
            }
        }
    }
}
