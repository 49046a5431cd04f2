package io.jdib.blockdevice;

import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.blockdevice.config.FsType;
import io.jdib.blockdevice.config.Fstab;
import io.jdib.blockdevice.config.Mkfs;
import io.jdib.blockdevice.config.Mount;

/**
 * etc/fstab from the graph's fstab nodes, in mount order. Filesystems are named by label: there is
 * no udev here to make /dev/disk/by-* links, and the label is what the bootloader is given too.
 */
final class FstabRenderer {
    private FstabRenderer() {}

    static String render(BlockDeviceGraph graph) {
        StringBuilder out = new StringBuilder();
        for (Fstab entry : graph.fstabEntries()) {
            Mount mount = (Mount) graph.node(entry.base()).orElseThrow();
            Mkfs fs = (Mkfs) graph.node(mount.base()).orElseThrow();
            if (fs.type() == FsType.SWAP) {
                out.append("LABEL=").append(fs.label()).append(" none swap sw 0 0\n");
            } else {
                out.append("LABEL=")
                        .append(fs.label())
                        .append(' ')
                        .append(mount.mountPoint())
                        .append(' ')
                        .append(fs.type().keyword())
                        .append(' ')
                        .append(entry.options())
                        .append(' ')
                        .append(entry.dumpFreq())
                        .append(' ')
                        .append(entry.fsckPassno())
                        .append('\n');
            }
        }
        return out.toString();
    }
}
