package io.jdib.blockdevice;

import io.jdib.blockdevice.config.FsType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The mkfs command line for each filesystem type, as DIB's mkfs node builds it. */
final class Filesystems {
    private Filesystems() {}

    /** A command and the uuid the filesystem will have, as blkid will show it. */
    record Command(List<String> argv, String uuid) {}

    static String tool(FsType type) {
        return type == FsType.SWAP ? "mkswap" : "mkfs." + type.keyword();
    }

    /**
     * Label with -L (vfat: -n), uuid with -U (xfs: -m uuid=, vfat: -i and an 8-digit volume id made
     * from the uuid's first hex digits); {@code extra} goes just before the device.
     */
    static Command mkfs(FsType type, String device, String label, String uuid, List<String> extra) {
        List<String> argv = new ArrayList<>();
        argv.add(tool(type));
        String shown = uuid;
        switch (type) {
            case EXT2, EXT3, EXT4 -> argv.addAll(List.of("-F", "-L", label, "-U", uuid));
            case XFS -> argv.addAll(List.of("-f", "-L", label, "-m", "uuid=" + uuid));
            case BTRFS -> argv.addAll(List.of("-f", "-L", label, "-U", uuid));
            case SWAP -> argv.addAll(List.of("-L", label, "-U", uuid));
            case VFAT -> {
                String id = volumeId(uuid);
                argv.addAll(List.of("-n", label, "-i", id));
                shown = id.substring(0, 4) + "-" + id.substring(4);
            }
        }
        argv.addAll(extra);
        argv.add(device);
        return new Command(List.copyOf(argv), shown);
    }

    /** A vfat volume id: the first eight hex digits of {@code uuid}, upper case. */
    static String volumeId(String uuid) {
        String hex = uuid.replace("-", "").toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{8,}")) {
            throw new BlockDeviceException(
                    "uuid '" + uuid + "' cannot be a vfat volume id; give eight hex digits, e.g. 1234-ABCD");
        }
        return hex.substring(0, 8);
    }
}
