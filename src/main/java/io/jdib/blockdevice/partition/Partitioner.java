package io.jdib.blockdevice.partition;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Plans and writes a partition table on an existing image file or block device. */
public final class Partitioner {
    private Partitioner() {}

    /**
     * Writes {@code spec} to {@code disk}, sized as it is now (the file is never created, truncated
     * or grown), and returns the layout written.
     */
    public static Layout partition(Path disk, PartitionTableSpec spec, IdSource ids) throws IOException {
        try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Layout layout = LayoutPlanner.plan(spec, DiskIo.size(ch, disk));
            PartitionTableWriter.forLabel(spec.label(), ids).write(ch, layout);
            ch.force(true);
            return layout;
        }
    }
}
