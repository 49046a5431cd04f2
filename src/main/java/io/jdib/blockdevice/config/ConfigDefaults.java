package io.jdib.blockdevice.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Build options that fill in the root filesystem node ({@value Mkfs#ROOT_NAME}) where the config
 * leaves it open, as DIB's FS_TYPE and --root-label / DIB_ROOT_LABEL do.
 *
 * @param rootFsType the type of mkfs_root when the config gives none (DIB: FS_TYPE, ext4)
 * @param rootLabel the label of mkfs_root when the config gives none; empty for DIB's default
 */
public record ConfigDefaults(String rootFsType, Optional<String> rootLabel) {

    public static final String DEFAULT_ROOT_LABEL = "cloudimg-rootfs";
    /** xfs labels hold 12 bytes, too few for cloudimg-rootfs. */
    public static final String XFS_ROOT_LABEL = "img-rootfs";

    public ConfigDefaults {
        Objects.requireNonNull(rootFsType, "rootFsType");
        Objects.requireNonNull(rootLabel, "rootLabel");
    }

    /** DIB's defaults: ext4, label by type. */
    public static ConfigDefaults dib() {
        return new ConfigDefaults("ext4", Optional.empty());
    }

    public ConfigDefaults withRootFsType(String type) {
        return new ConfigDefaults(type, rootLabel);
    }

    public ConfigDefaults withRootLabel(String label) {
        return new ConfigDefaults(rootFsType, Optional.of(label));
    }

    /** The root label for a root filesystem of {@code type}. */
    public String rootLabelFor(FsType type) {
        return rootLabel.orElse(type == FsType.XFS ? XFS_ROOT_LABEL : DEFAULT_ROOT_LABEL);
    }
}
