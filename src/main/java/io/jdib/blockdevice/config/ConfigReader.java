package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads DIB's block-device YAML, in tree or graph notation or a mix, into flat nodes. A node
 * nested in another gets the parent as its base and, without a name, DIB's name {@code
 * TYPE_BASE} (mkfs under partition root is mkfs_root, its mount mount_mkfs_root).
 */
final class ConfigReader {

    /** Keys that start a node, at the top level or nested in another node. */
    static final List<String> NODE_TYPES = List.of("local_loop", "partitioning", "lvm", "mkfs", "mount", "fstab");

    /** Nodes that may be nested; a disk has no parent. */
    private static final List<String> NESTABLE = NODE_TYPES.subList(1, NODE_TYPES.size());

    private static final String NO_BASE = "";

    private final String source;
    private final ConfigDefaults defaults;
    private final List<ParsedNode> out = new ArrayList<>();

    private ConfigReader(String source, ConfigDefaults defaults) {
        this.source = source;
        this.defaults = defaults;
    }

    static List<ParsedNode> read(String text, String source, ConfigDefaults defaults) {
        ConfigReader reader = new ConfigReader(source, defaults);
        reader.readDocument(YamlMap.compose(text, source));
        return List.copyOf(reader.out);
    }

    private void readDocument(Node root) {
        if (root == null) {
            throw new BlockDeviceConfigException(
                    new SourcePosition(source, 1, 1),
                    "the block-device config is empty",
                    "give a list of nodes, e.g. '- local_loop: {name: image0}'");
        }
        if (!(root instanceof SequenceNode list)) {
            throw new BlockDeviceConfigException(
                    YamlMap.position(root, source),
                    "the block-device config is " + YamlMap.describe(root) + ", not a list",
                    "write each node as a list item, e.g. '- local_loop:'");
        }
        for (Node item : list.getValue()) {
            YamlMap entry = YamlMap.of(item, source, "a list item");
            if (entry.keys().size() != 1) {
                throw new BlockDeviceConfigException(
                        entry.position(),
                        "a list item holds " + entry.keys().size() + " keys (" + String.join(", ", entry.keys()) + ")",
                        "give each node its own '- TYPE:' item, or indent its settings under the type");
            }
            String type = entry.keys().get(0);
            if (!NODE_TYPES.contains(type)) {
                throw new BlockDeviceConfigException(
                        entry.keyPosition(type),
                        "unknown node type '" + type + "'",
                        "use one of: " + Suggestions.nearestFirstJoined(type, NODE_TYPES));
            }
            readNode(type, entry.keyPosition(type), entry.value(type), NO_BASE);
        }
    }

    /** Reads one node and, recursively, the nodes nested in it. */
    private void readNode(String type, SourcePosition at, Node value, String parent) {
        YamlMap map = YamlMap.of(value, source, type);
        if (type.equals("local_loop") && !parent.isEmpty()) {
            throw new BlockDeviceConfigException(
                    at, "local_loop is nested in '" + parent + "'", "write local_loop as a top-level item");
        }
        // DIB's own configs give the lvm node a list of bases ('base: [ root ]').
        List<String> lvmBases = List.of();
        if (type.equals("lvm")) {
            lvmBases = map.has("base") ? map.stringList("base") : parent.isEmpty() ? List.of() : List.of(parent);
        }
        String base = switch (type) {
            case "local_loop" -> NO_BASE;
            case "lvm" -> lvmBases.size() == 1 ? lvmBases.get(0) : NO_BASE;
            default -> map.optString("base").orElse(parent);
        };
        // An lvm node stands on its PVs' devices, so only it may go without a base.
        if (base.isEmpty() && !type.equals("local_loop") && !type.equals("lvm")) {
            throw new BlockDeviceConfigException(
                    map.position(),
                    type + " has no 'base'",
                    "add 'base: NAME' naming the node it is built on, or nest it under that node");
        }
        String name = map.has("name") || base.isEmpty()
                ? map.string("name", type.equals("local_loop") ? "image0" : type)
                : type + "_" + base;
        map = map.named(type + " '" + name + "'");
        switch (type) {
            case "local_loop" -> localLoop(name, map, at);
            case "partitioning" -> partitioning(name, base, map, at);
            case "lvm" -> lvm(name, lvmBases, map, at);
            case "mkfs" -> mkfs(name, base, map, at);
            case "mount" -> mount(name, base, map, at);
            case "fstab" -> fstab(name, base, map, at);
            default -> throw new IllegalStateException(type);
        }
        readNested(map, name);
    }

    private void readNested(YamlMap map, String parent) {
        for (String key : map.keys()) {
            if (NODE_TYPES.contains(key)) {
                readNode(key, map.keyPosition(key), map.value(key), parent);
            }
        }
    }

    private void localLoop(String name, YamlMap map, SourcePosition at) {
        map.checkKeys(List.of("name", "size", "directory", "block_size"), NESTABLE);
        OptionalLong size = map.has("size") ? OptionalLong.of(absolute(map, "size")) : OptionalLong.empty();
        long blockSize = map.has("block_size") ? absolute(map, "block_size") : LocalLoop.DEFAULT_BLOCK_SIZE;
        if (blockSize < 512 || blockSize > 4096 || Long.bitCount(blockSize) != 1) {
            throw map.invalid(
                    "block_size",
                    "block_size of " + map.owner() + " is " + blockSize + " bytes",
                    "use 512 or 4096 (a power of two from 512 to 4096)");
        }
        add(new LocalLoop(name, size, map.optString("directory"), blockSize, at), map);
    }

    private void partitioning(String name, String base, YamlMap map, SourcePosition at) {
        map.checkKeys(List.of("name", "base", "label", "align", "partitions"), List.of());
        String labelText = map.string("label", "mbr");
        Partitioning.Label label = switch (labelText) {
            case "mbr" -> Partitioning.Label.MBR;
            case "gpt" -> Partitioning.Label.GPT;
            default ->
                throw map.invalid(
                        "label",
                        "label '" + labelText + "' of " + map.owner() + " is not a partition table type",
                        "use mbr or gpt");
        };
        long align = map.has("align") ? absolute(map, "align") : Partitioning.DEFAULT_ALIGN;
        if (align == 0 || align % 512 != 0) {
            throw map.invalid(
                    "align",
                    "align of " + map.owner() + " is " + align + " bytes, not a multiple of 512",
                    "use a multiple of 512 bytes such as 1MiB");
        }
        if (!map.has("partitions")) {
            throw map.missing("partitions", "[{name: root, size: 100%}]");
        }
        List<Node> items = map.sequence("partitions");
        if (items.isEmpty()) {
            throw map.invalid("partitions", map.owner() + " has no partitions", "list at least one partition");
        }
        List<Partition> partitions = new ArrayList<>();
        List<YamlMap> maps = new ArrayList<>();
        for (Node item : items) {
            YamlMap p = YamlMap.of(item, source, "a partition of " + map.owner());
            p.checkKeys(List.of("name", "base", "flags", "size", "type"), NESTABLE);
            String pname = p.string("name", "root");
            p = p.named("partition '" + pname + "'");
            Optional<String> pbase = p.optString("base");
            // DIB's graph examples repeat the disk as a partition's base; the table's name works too.
            if (pbase.isPresent() && !pbase.get().equals(base) && !pbase.get().equals(name)) {
                throw p.invalid(
                        "base",
                        "base '" + pbase.get() + "' of " + p.owner() + " is not the disk of " + map.owner(),
                        "drop 'base' from the partition or set it to '" + base + "'");
            }
            partitions.add(new Partition(
                    pname,
                    name,
                    size(p, p.string("size", "100%")),
                    flags(p),
                    p.optString("type").orElse(label == Partitioning.Label.MBR ? "0x83" : "8300"),
                    p.position()));
            maps.add(p);
        }
        add(new Partitioning(name, base, label, align, partitions, at), map);
        for (int i = 0; i < partitions.size(); i++) {
            add(partitions.get(i), maps.get(i));
        }
        for (int i = 0; i < partitions.size(); i++) {
            readNested(maps.get(i), partitions.get(i).name());
        }
    }

    private Set<Partition.Flag> flags(YamlMap p) {
        Set<Partition.Flag> flags = EnumSet.noneOf(Partition.Flag.class);
        for (String f : p.stringList("flags")) {
            switch (f) {
                case "boot" -> flags.add(Partition.Flag.BOOT);
                case "primary" -> flags.add(Partition.Flag.PRIMARY);
                default ->
                    throw p.invalid("flags", "unknown flag '" + f + "' on " + p.owner(), "use boot and/or primary");
            }
        }
        return flags;
    }

    private void lvm(String name, List<String> base, YamlMap map, SourcePosition at) {
        map.checkKeys(List.of("name", "base", "pvs", "vgs", "lvs"), NESTABLE);
        List<PhysicalVolume> pvs = new ArrayList<>();
        List<VolumeGroup> vgs = new ArrayList<>();
        List<LogicalVolume> lvs = new ArrayList<>();
        List<ParsedNode> parts = new ArrayList<>();
        for (YamlMap p : entries(map, "pvs", "pv", "[{name: pv, base: root}]")) {
            p.checkKeys(List.of("name", "base", "options"), List.of());
            PhysicalVolume pv = new PhysicalVolume(
                    p.string("name", "pv"), p.string("base", "root"), p.stringList("options"), name, p.position());
            pvs.add(pv);
            parts.add(new ParsedNode(pv, p.named(pv.describe())));
        }
        for (YamlMap v : entries(map, "vgs", "vg", "[{name: vg, base: [pv]}]")) {
            v.checkKeys(List.of("name", "base", "options"), List.of());
            String vname = v.string("name", "vg");
            if (!v.has("base")) {
                throw v.missing("base", "[pv]");
            }
            VolumeGroup vg = new VolumeGroup(vname, v.stringList("base"), v.stringList("options"), name, v.position());
            vgs.add(vg);
            parts.add(new ParsedNode(vg, v.named(vg.describe())));
        }
        List<YamlMap> lvMaps = new ArrayList<>();
        for (YamlMap l : entries(map, "lvs", "lv", "[{name: lv_root, base: vg, size: 1800M}]")) {
            LogicalVolume lv = logicalVolume(l, name);
            lvs.add(lv);
            YamlMap named = l.named(lv.describe());
            lvMaps.add(named);
            parts.add(new ParsedNode(lv, named));
        }
        add(new Lvm(name, base, pvs, vgs, lvs, at), map);
        out.addAll(parts);
        for (int i = 0; i < lvs.size(); i++) {
            readNested(lvMaps.get(i), lvs.get(i).name());
        }
    }

    private LogicalVolume logicalVolume(YamlMap l, String lvm) {
        l.checkKeys(List.of("name", "base", "size", "extents", "options", "type", "thin-pool"), NESTABLE);
        String name = l.string("name", "lv_root");
        l = l.named("lv '" + name + "'");
        String base = l.string("base", "vg");
        Optional<String> size = l.optString("size");
        Optional<String> extents = l.optString("extents");
        if (size.isEmpty() && extents.isEmpty()) {
            throw l.missing("size", "1800M' or 'extents: 100%FREE");
        }
        if (size.isPresent() && extents.isPresent()) {
            throw l.invalid("extents", l.owner() + " has both size and extents", "keep one of them");
        }
        String typeText = l.optString("type").orElse("");
        LogicalVolume.Type type = switch (typeText) {
            case "" -> LogicalVolume.Type.PLAIN;
            case "thin-pool" -> LogicalVolume.Type.THIN_POOL;
            case "thin" -> LogicalVolume.Type.THIN;
            default ->
                throw l.invalid(
                        "type",
                        "type '" + typeText + "' of " + l.owner() + " is unknown",
                        "use thin-pool or thin, or leave type out");
        };
        Optional<String> pool = l.optString("thin-pool");
        if (type == LogicalVolume.Type.THIN && pool.isEmpty()) {
            throw l.missing("thin-pool", "NAME_OF_A_THIN_POOL_LV");
        }
        if (type != LogicalVolume.Type.THIN && pool.isPresent()) {
            throw l.invalid("thin-pool", l.owner() + " names a thin pool but is not thin", "add 'type: thin'");
        }
        return new LogicalVolume(name, base, size, extents, l.stringList("options"), type, pool, lvm, l.position());
    }

    private List<YamlMap> entries(YamlMap map, String key, String what, String example) {
        if (!map.has(key)) {
            throw map.missing(key, example);
        }
        List<YamlMap> maps = new ArrayList<>();
        for (Node item : map.sequence(key)) {
            maps.add(YamlMap.of(item, source, "a " + what + " of " + map.owner()));
        }
        if (maps.isEmpty()) {
            throw map.invalid(key, map.owner() + " has an empty '" + key + "'", "list at least one");
        }
        return maps;
    }

    private void mkfs(String name, String base, YamlMap map, SourcePosition at) {
        map.checkKeys(List.of("name", "base", "type", "label", "opts", "uuid"), NESTABLE);
        boolean root = name.equals(Mkfs.ROOT_NAME);
        // DIB fills mkfs_root's type from FS_TYPE; every other filesystem must say what it is.
        String typeText = root ? map.optString("type").orElse(defaults.rootFsType()) : map.string("type", "ext4");
        FsType type = FsType.fromKeyword(typeText.toLowerCase(Locale.ROOT));
        if (type == null) {
            throw map.invalid(
                    "type",
                    "unknown filesystem type '" + typeText + "' for " + map.owner()
                            + (map.has("type") ? "" : " (the root filesystem type, DIB's FS_TYPE)"),
                    "use one of: ext2, ext3, ext4, xfs, btrfs, vfat, swap");
        }
        String label = map.optString("label").orElseGet(() -> root ? defaults.rootLabelFor(type) : name);
        String opts = map.optString("opts").orElse("");
        add(new Mkfs(name, base, type, label, opts, map.optString("uuid"), at), map);
    }

    private void mount(String name, String base, YamlMap map, SourcePosition at) {
        map.checkKeys(List.of("name", "base", "mount_point"), NESTABLE);
        String point = map.string("mount_point", "/");
        if (!point.startsWith("/") && !point.equals("none")) {
            throw map.invalid(
                    "mount_point",
                    "mount_point '" + point + "' of " + map.owner() + " is not an absolute path",
                    "write it from the image's root, e.g. '/" + point + "' (or 'none' for swap)");
        }
        add(new Mount(name, base, point, at), map);
    }

    private void fstab(String name, String base, YamlMap map, SourcePosition at) {
        map.checkKeys(List.of("name", "base", "options", "dump-freq", "fsck-passno"), NESTABLE);
        add(
                new Fstab(
                        name,
                        base,
                        map.optString("options").orElse(Fstab.DEFAULT_OPTIONS),
                        map.optInt("dump-freq").orElse(Fstab.DEFAULT_DUMP_FREQ),
                        map.optInt("fsck-passno").orElse(Fstab.DEFAULT_FSCK_PASSNO),
                        at),
                map);
    }

    private long absolute(YamlMap map, String key) {
        String text = map.string(key, "1GiB");
        try {
            return SizeSpec.parseAbsolute(text).bytes();
        } catch (IllegalArgumentException e) {
            throw map.invalid(
                    key,
                    key + " '" + text + "' of " + map.owner() + " is not an absolute size",
                    "write a number with an optional unit (" + SizeParser.UNIT_LIST + ")");
        }
    }

    private static SizeSpec size(YamlMap p, String text) {
        try {
            return SizeSpec.parse(text);
        } catch (IllegalArgumentException e) {
            throw p.invalid(
                    "size",
                    "size '" + text + "' of " + p.owner() + " is not a size",
                    "write a number with an optional unit (" + SizeParser.UNIT_LIST + ") or NN%");
        }
    }

    private void add(NodeConfig node, YamlMap map) {
        out.add(new ParsedNode(node, map));
    }
}
