package io.jdib.check;

import java.util.List;
import java.util.Optional;

/**
 * What the disk itself says, apart from the files on it: the format, the partitions and the
 * filesystems found on them, which one is root, and how much of the disk is allocated.
 *
 * @param format the image format as {@code qemu-img info} names it (qcow2, raw, vpc, vmdk...)
 * @param tableLabel {@code dos} or {@code gpt}, or null when the disk has no partition table
 * @param volumes every partition (or the whole disk, when there is no table), in disk order
 * @param rootVolume the name of the volume mounted at {@code /}
 * @param qcow2 cluster counts from {@code qemu-img check} (qcow2 only), or null
 * @param allocatedBytes guest bytes holding data ({@code qemu-img map}), or -1 when unknown
 * @param usedBytes bytes used by the image's mounted filesystems, or -1 when unknown
 * @param diskBytes the disk's size (the image's virtual size), or -1 when unknown
 * @param tableDiskBytes the disk size the partition table was written for (GPT: last usable sector +
 *     the 33 sectors of the backup table and header), or -1 when the table records none (MBR, no table)
 * @param rootFsBytes the root filesystem's own size (blocks times block size), or -1 when unknown
 */
public record DiskFacts(
        String format,
        String tableLabel,
        List<Volume> volumes,
        String rootVolume,
        Qcow2Clusters qcow2,
        long allocatedBytes,
        long usedBytes,
        long diskBytes,
        long tableDiskBytes,
        long rootFsBytes) {
    public DiskFacts {
        volumes = List.copyOf(volumes);
    }

    /** Facts without the sizes {@code root-fills-partition} needs (that rule is then not applicable). */
    public DiskFacts(
            String format,
            String tableLabel,
            List<Volume> volumes,
            String rootVolume,
            Qcow2Clusters qcow2,
            long allocatedBytes,
            long usedBytes) {
        this(format, tableLabel, volumes, rootVolume, qcow2, allocatedBytes, usedBytes, -1, -1, -1);
    }

    /**
     * A partition (or the whole disk) and what {@code blkid} found on it.
     *
     * @param name {@code p1}, {@code p2}... ({@code disk} for a disk without a table)
     * @param partType the partition type (MBR hex or GPT type GUID), or "" without a table
     * @param fsType blkid's TYPE (ext4, xfs, vfat, swap, LVM2_member...), or "" when nothing was found
     * @param mountPoint where the image's fstab mounts it, or "" when it does not
     */
    public record Volume(
            String name,
            long offset,
            long size,
            String partType,
            String fsType,
            String label,
            String uuid,
            String partUuid,
            String mountPoint) {}

    /** Cluster counts of a qcow2 image. */
    public record Qcow2Clusters(long total, long allocated, long compressed) {}

    public Optional<Volume> root() {
        return volumes.stream().filter(v -> v.name().equals(rootVolume)).findFirst();
    }
}
