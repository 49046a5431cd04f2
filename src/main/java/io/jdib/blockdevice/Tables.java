package io.jdib.blockdevice;

import io.jdib.blockdevice.config.Partition;
import io.jdib.blockdevice.config.Partitioning;
import io.jdib.blockdevice.config.SizeSpec;
import io.jdib.blockdevice.partition.Flag;
import io.jdib.blockdevice.partition.Label;
import io.jdib.blockdevice.partition.PartitionSize;
import io.jdib.blockdevice.partition.PartitionSpec;
import io.jdib.blockdevice.partition.PartitionTableSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Turns a partitioning node into the request the Java table writers take. */
final class Tables {
    private Tables() {}

    static PartitionTableSpec spec(Partitioning table, int sectorSize) {
        Label label = table.label() == Partitioning.Label.MBR ? Label.MBR : Label.GPT;
        List<PartitionSpec> parts =
                table.partitions().stream().map(Tables::partition).toList();
        return new PartitionTableSpec(label, table.align(), sectorSize, parts);
    }

    private static PartitionSpec partition(Partition p) {
        PartitionSize size = p.size() instanceof SizeSpec.Percent pc
                ? PartitionSize.percent(pc.percent().doubleValue())
                : PartitionSize.bytes(((SizeSpec.Absolute) p.size()).bytes());
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        if (p.has(Partition.Flag.BOOT)) {
            flags.add(Flag.BOOT);
        }
        if (p.has(Partition.Flag.PRIMARY)) {
            flags.add(Flag.PRIMARY);
        }
        return new PartitionSpec(p.name(), size, flags, p.type());
    }
}
