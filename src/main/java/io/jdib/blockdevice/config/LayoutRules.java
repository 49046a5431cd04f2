package io.jdib.blockdevice.config;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Checks that need the whole graph: partition tables, filesystem labels, mount points, LVM. */
final class LayoutRules {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final int MBR_PRIMARY_SLOTS = 4;

    private final Map<String, ParsedNode> byName;

    private LayoutRules(Map<String, ParsedNode> byName) {
        this.byName = byName;
    }

    static void check(Map<String, ParsedNode> byName) {
        LayoutRules rules = new LayoutRules(byName);
        Map<String, ParsedNode> labels = new HashMap<>();
        Map<String, ParsedNode> mountPoints = new HashMap<>();
        for (ParsedNode p : byName.values()) {
            NodeConfig node = p.node();
            if (node instanceof Partitioning t) {
                rules.partitionTable(t);
            } else if (node instanceof Mkfs fs) {
                rules.label(p, fs, labels);
            } else if (node instanceof Mount m) {
                rules.mountPoint(p, m, mountPoints);
            } else if (node instanceof LogicalVolume lv) {
                rules.thinPool(p, lv);
            }
        }
    }

    private void partitionTable(Partitioning t) {
        long absolute = 0;
        int primaries = 0;
        Partition logical = null;
        Partition whole = null;
        for (Partition part : t.partitions()) {
            ParsedNode p = byName.get(part.name());
            if (whole != null) {
                throw new BlockDeviceConfigException(
                        p.positionOf("size"),
                        part.describe() + " follows " + whole.describe()
                                + ", which takes 100% of the space left, so the percentages add up to over 100%",
                        "give " + whole.describe() + " less than 100% or list it last");
            }
            if (part.size() instanceof SizeSpec.Percent pct) {
                BigDecimal v = pct.percent();
                if (v.signum() == 0 || v.compareTo(HUNDRED) > 0) {
                    throw new BlockDeviceConfigException(
                            p.positionOf("size"),
                            "size " + v.toPlainString() + "% of " + part.describe() + " is not between 0% and 100%",
                            "give a share of the remaining space above 0% and at most 100%");
                }
                if (v.compareTo(HUNDRED) == 0) {
                    whole = part;
                }
            } else if (part.size() instanceof SizeSpec.Absolute abs) {
                if (abs.bytes() == 0) {
                    throw new BlockDeviceConfigException(
                            p.positionOf("size"),
                            "size of " + part.describe() + " is 0 bytes",
                            "give it a size above 0");
                }
                absolute += abs.bytes();
                fits(t, part, p, absolute);
            }
            if (part.has(Partition.Flag.PRIMARY)) {
                if (t.label() == Partitioning.Label.GPT) {
                    throw new BlockDeviceConfigException(
                            p.positionOf("flags"),
                            "flag 'primary' on " + part.describe() + " but " + t.describe()
                                    + " is gpt, which has no primary partitions",
                            "drop 'primary' or use 'label: mbr'");
                }
                if (logical != null) {
                    throw new BlockDeviceConfigException(
                            p.positionOf("flags"),
                            "primary " + part.describe() + " follows logical " + logical.describe(),
                            "list the primary partitions first");
                }
                if (++primaries > MBR_PRIMARY_SLOTS) {
                    throw new BlockDeviceConfigException(
                            p.positionOf("flags"),
                            part.describe() + " is primary number " + primaries + " on mbr " + t.describe()
                                    + ", which holds 4",
                            "drop 'primary' from it (it becomes a logical partition) or use 'label: gpt'");
                }
            } else if (t.label() == Partitioning.Label.MBR) {
                logical = part;
            }
        }
    }

    /** Absolute partitions must fit the disk, after the alignment gap before the first one. */
    private void fits(Partitioning t, Partition part, ParsedNode p, long absolute) {
        ParsedNode disk = byName.get(t.base());
        if (disk.node() instanceof LocalLoop loop && loop.size().isPresent()) {
            long room = loop.size().getAsLong() - t.align();
            if (absolute > room) {
                throw new BlockDeviceConfigException(
                        p.positionOf("size"),
                        "partitions up to " + part.describe() + " need " + absolute + " bytes but "
                                + loop.describe() + " holds " + room + " after the " + t.align()
                                + "-byte alignment",
                        "shrink the partitions or grow " + loop.describe() + " (" + loop.position() + ")");
            }
        }
    }

    private void label(ParsedNode p, Mkfs fs, Map<String, ParsedNode> labels) {
        String origin = p.map().has("label") ? "" : " (defaulted from its name)";
        if (fs.name().equals(Mkfs.ROOT_NAME) && !p.map().has("label")) {
            origin = " (the root label)";
        }
        int bytes = fs.label().getBytes(StandardCharsets.UTF_8).length;
        var max = fs.type().maxLabelBytes();
        if (max.isPresent() && bytes > max.getAsInt()) {
            throw new BlockDeviceConfigException(
                    p.positionOf("label"),
                    "label '" + fs.label() + "'" + origin + " of " + fs.describe() + " is " + bytes + " bytes but "
                            + fs.type().keyword() + " allows " + max.getAsInt(),
                    "set a 'label' of at most " + max.getAsInt() + " bytes");
        }
        ParsedNode earlier = labels.putIfAbsent(fs.label(), p);
        if (earlier != null) {
            throw new BlockDeviceConfigException(
                    p.positionOf("label"),
                    "label '" + fs.label() + "'" + origin + " of " + fs.describe() + " is also the label of "
                            + earlier.node().describe() + " at " + earlier.positionOf("label"),
                    "give each filesystem its own label; LABEL= lookups need it");
        }
    }

    private void mountPoint(ParsedNode p, Mount m, Map<String, ParsedNode> mountPoints) {
        ParsedNode earlier = mountPoints.putIfAbsent(m.mountPoint(), p);
        if (earlier != null) {
            throw new BlockDeviceConfigException(
                    p.positionOf("mount_point"),
                    m.describe() + " mounts at '" + m.mountPoint() + "' as "
                            + earlier.node().describe() + " at " + earlier.positionOf("mount_point") + " does",
                    "mount each mount point once");
        }
    }

    private void thinPool(ParsedNode p, LogicalVolume lv) {
        if (lv.thinPool().isEmpty()) {
            return;
        }
        String pool = lv.thinPool().get();
        ParsedNode target = byName.get(pool);
        if (!(target != null
                && target.node() instanceof LogicalVolume t
                && t.type() == LogicalVolume.Type.THIN_POOL
                && t.base().equals(lv.base()))) {
            throw new BlockDeviceConfigException(
                    p.positionOf("thin-pool"),
                    "thin-pool '" + pool + "' of " + lv.describe() + " is not a thin-pool lv in vg '" + lv.base() + "'",
                    "name an lv of 'type: thin-pool' in the same vg");
        }
    }
}
