package io.jdib.blockdevice.config;

import java.util.Locale;
import java.util.OptionalInt;

/** Filesystem types mkfs may create, with the longest label each accepts (in bytes). */
public enum FsType {
    EXT2(16),
    EXT3(16),
    EXT4(16),
    XFS(12),
    BTRFS(255),
    VFAT(11),
    // mkswap's label is not checked here: DIB never did, and no limit was asked for.
    SWAP(0);

    private final int maxLabelBytes;

    FsType(int maxLabelBytes) {
        this.maxLabelBytes = maxLabelBytes;
    }

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The longest label mkfs accepts for this type, if it is checked. */
    public OptionalInt maxLabelBytes() {
        return maxLabelBytes == 0 ? OptionalInt.empty() : OptionalInt.of(maxLabelBytes);
    }

    /** The type for a keyword such as {@code ext4}, or null. */
    static FsType fromKeyword(String keyword) {
        for (FsType t : values()) {
            if (t.keyword().equals(keyword)) {
                return t;
            }
        }
        return null;
    }
}
