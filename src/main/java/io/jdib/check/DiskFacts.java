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
 * @param bootCode whether the first 440 bytes of the disk (an MBR's boot code) hold anything: on a disk
 *     without a partition table, whether something on the disk itself can start it
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
        long rootFsBytes,
        boolean bootCode) {
    public DiskFacts {
        volumes = List.copyOf(volumes);
    }

    /** Facts of a disk whose first sector holds boot code (as every disk GRUB boots does). */
    public DiskFacts(
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
        this(
                format,
                tableLabel,
                volumes,
                rootVolume,
                qcow2,
                allocatedBytes,
                usedBytes,
                diskBytes,
                tableDiskBytes,
                rootFsBytes,
                true);
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
        this(format, tableLabel, volumes, rootVolume, qcow2, allocatedBytes, usedBytes, -1, -1, -1, true);
    }

    /**
     * A partition (or the whole disk) and what {@code blkid} found on it.
     *
     * @param name {@code p1}, {@code p2}... ({@code disk} for a disk without a table; {@code vg-lv} for
     *     a logical volume, as device-mapper names it)
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
            String mountPoint) {
        /** Whether it is an LVM logical volume rather than a partition or the whole disk. */
        public boolean logicalVolume() {
            return !name.equals("disk") && !name.matches("p\\d+");
        }

        /** How evidence names it: {@code partition p1}, {@code whole disk}, {@code logical volume vg-root}. */
        public String describe() {
            return name.equals("disk")
                    ? "whole disk"
                    : logicalVolume() ? "logical volume " + name : "partition " + name;
        }
    }

    /** Cluster counts of a qcow2 image. */
    public record Qcow2Clusters(long total, long allocated, long compressed) {}

    public Optional<Volume> root() {
        return volumes.stream().filter(v -> v.name().equals(rootVolume)).findFirst();
    }
}
