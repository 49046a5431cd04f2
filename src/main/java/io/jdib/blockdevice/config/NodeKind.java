package io.jdib.blockdevice.config;

/** The kinds of block-device node, with the keyword a config uses for them. */
public enum NodeKind {
    LOCAL_LOOP("local_loop", 0),
    PARTITIONING("partitioning", 1),
    PARTITION("partition", 1),
    LVM("lvm", 1),
    PHYSICAL_VOLUME("pv", 1),
    VOLUME_GROUP("vg", 1),
    LOGICAL_VOLUME("lv", 1),
    MKFS("mkfs", 2),
    MOUNT("mount", 3),
    FSTAB("fstab", 4);

    private final String keyword;
    private final int level;

    NodeKind(String keyword, int level) {
        this.keyword = keyword;
        this.level = level;
    }

    /** The YAML key (local_loop, partitioning, lvm, mkfs, mount, fstab) or a sub-entry's name. */
    public String keyword() {
        return keyword;
    }

    /** DIB's level: devices 0, partitions and volumes 1, filesystems 2, mounts 3, fstab 4. */
    public int level() {
        return level;
    }

    /** Whether a node of this kind is a block device a filesystem, table or PV can sit on. */
    public boolean isBlockDevice() {
        return this == LOCAL_LOOP || this == PARTITION || this == LOGICAL_VOLUME;
    }
}
