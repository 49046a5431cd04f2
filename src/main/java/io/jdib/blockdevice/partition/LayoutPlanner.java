package io.jdib.blockdevice.partition;

import java.util.ArrayList;
import java.util.List;

/**
 * Places partitions on a disk, DIB's way: in list order, each starting at the next {@code align}
 * boundary; a percent size is that share of the space still free from the partition's start to
 * the end of the usable area; an MBR logical partition is preceded by its EBR, one alignment unit
 * before its data.
 */
public final class LayoutPlanner {

    private LayoutPlanner() {}

    public static Layout plan(PartitionTableSpec spec, long diskBytes) {
        int ss = spec.sectorSize();
        if (diskBytes <= 0 || diskBytes % ss != 0) {
            throw new PartitionFitException("disk size " + diskBytes + " bytes is not a positive multiple of the " + ss
                    + "-byte sector size; make --image-size a whole number of sectors");
        }
        long diskSectors = diskBytes / ss;
        long align = spec.alignSectors();
        long next;
        long usableEnd;
        if (spec.label() == Label.GPT) {
            GptGeometry gpt = new GptGeometry(ss, diskSectors);
            if (diskSectors <= gpt.overheadSectors()) {
                throw new PartitionFitException(
                        "a " + Sizes.human(diskBytes) + " disk is too small for a GPT, whose tables alone take "
                                + Sizes.human(gpt.overheadSectors() * ss) + "; enlarge --image-size");
            }
            next = gpt.firstUsableLba();
            usableEnd = gpt.lastUsableLba() + 1;
        } else {
            next = 1; // sector 0 is the MBR
            usableEnd = Math.min(diskSectors, Layout.MBR_MAX_SECTORS);
        }

        List<PlacedPartition> placed = new ArrayList<>();
        int primaryNumber = 1;
        int logicalNumber = 5;
        for (PartitionSpec p : spec.partitions()) {
            boolean logical = spec.label() == Label.MBR && !p.has(Flag.PRIMARY);
            long start = roundUp(next, align);
            if (logical) {
                start = roundUp(start + 1, align); // the EBR owns the alignment unit at 'start'
            }
            long remaining = Math.max(0, usableEnd - start);
            long count = sectors(p.size(), remaining, ss);
            if (p.size() instanceof PartitionSize.Percent) {
                // End a share on an alignment boundary too, as sgdisk would, when that leaves any of it.
                long alignedEnd = (start + count) / align * align;
                if (alignedEnd > start) {
                    count = alignedEnd - start;
                }
            }
            if (count == 0) {
                throw new PartitionFitException(
                        "partition '" + p.name() + "' comes out at 0 bytes (" + p.size() + " of "
                                + Sizes.human(remaining * ss) + " remaining on a " + Sizes.human(diskBytes)
                                + " disk); enlarge --image-size or give it an absolute size");
            }
            if (count > remaining) {
                throw new PartitionFitException(
                        "partition '" + p.name() + "' needs " + Sizes.human(count * ss) + " but only "
                                + Sizes.human(remaining * ss) + " remain on a " + Sizes.human(diskBytes) + " disk"
                                + mbrLimitNote(spec, diskSectors)
                                + "; enlarge --image-size or shrink the partition");
            }
            int number = logical ? logicalNumber++ : primaryNumber++;
            placed.add(new PlacedPartition(number, p.name(), start, count, p.type(), p.flags()));
            next = start + count;
        }
        return new Layout(spec.label(), ss, align, diskSectors, placed);
    }

    private static long sectors(PartitionSize size, long remainingSectors, int ss) {
        if (size instanceof PartitionSize.Bytes b) {
            return ceilDiv(b.bytes(), ss); // at least what was asked for
        }
        double percent = ((PartitionSize.Percent) size).percent();
        // Floor, as DIB does, so 100% never overshoots.
        return (long) Math.floor(remainingSectors * (percent / 100.0));
    }

    private static String mbrLimitNote(PartitionTableSpec spec, long diskSectors) {
        if (spec.label() == Label.MBR && diskSectors > Layout.MBR_MAX_SECTORS) {
            return " (MBR reaches only the first " + Sizes.human(Layout.MBR_MAX_SECTORS * spec.sectorSize())
                    + "; use label gpt)";
        }
        return "";
    }

    static long roundUp(long sector, long align) {
        return ceilDiv(sector, align) * align;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b); // Math.ceilDiv is Java 18
    }
}
