package io.jdib.build;

import io.jdib.blockdevice.BlockDevice;
import io.jdib.blockdevice.Filesystem;
import io.jdib.blockdevice.ImageSize;
import io.jdib.blockdevice.TreeFill;
import io.jdib.blockdevice.TrimResult;
import io.jdib.blockdevice.config.BlockDeviceConfig;
import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.blockdevice.config.ConfigDefaults;
import io.jdib.blockdevice.config.FsType;
import io.jdib.blockdevice.config.LocalLoop;
import io.jdib.blockdevice.config.Mkfs;
import io.jdib.blockdevice.config.Partition;
import io.jdib.blockdevice.config.Partitioning;
import io.jdib.element.ElementResolution;
import io.jdib.event.EventSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Tools;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The disk-image half of a build: picks the block-device config, sizes and creates the disk, puts
 * the finished tree on it (made into the root filesystem by mke2fs -d, or copied once mounted: see
 * {@link TreeFill}), writes fstab, and at the end stages vfat content with mtools, trims,
 * unmounts and detaches, leaving one raw image file.
 */
final class DiskImage implements AutoCloseable {
    private final BlockDeviceGraph graph;
    private final BlockDevice disk;
    private final EventSink events;

    private long sizeBytes;

    private DiskImage(BlockDeviceGraph graph, BlockDevice disk, EventSink events) {
        this.graph = graph;
        this.disk = disk;
        this.events = events;
    }

    /**
     * What DIB exports about the layout before the first hook runs: DIB_MOUNTPOINTS (the mount
     * points joined by '|', a character no path component holds), DIB_ROOT_LABEL, DIB_ROOT_FSTYPE
     * and DIB_BOOT_LABEL (empty when there is no separate /boot).
     */
    static Map<String, String> layoutEnvironment(BlockDeviceGraph graph) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DIB_MOUNTPOINTS", mountPoints(graph));
        env.put("DIB_BOOT_LABEL", "");
        if (graph != null) {
            graph.rootMkfs().ifPresent(fs -> {
                env.put("DIB_ROOT_LABEL", fs.label());
                env.put("DIB_ROOT_FSTYPE", fs.type().keyword());
            });
            graph.mounts().stream()
                    .filter(m -> m.mountPoint().equals("/boot"))
                    .findFirst()
                    .flatMap(m -> graph.node(m.base()))
                    .filter(Mkfs.class::isInstance)
                    .map(Mkfs.class::cast)
                    .ifPresent(fs -> env.put("DIB_BOOT_LABEL", fs.label()));
        }
        return env;
    }

    /** DIB_MOUNTPOINTS: the config's mount points joined by '|' (a character no path component holds). */
    static String mountPoints(BlockDeviceGraph graph) {
        if (graph == null) {
            return "/";
        }
        return String.join(
                "|", graph.mounts().stream().map(m -> m.mountPoint()).sorted().toList());
    }

    /** Which config applies: DIB_BLOCK_DEVICE_CONFIG, else an element's block-device-ARCH.yaml or -default.yaml, else DIB's default. */
    static BlockDeviceGraph config(BuildSpec spec, ElementResolution elements, Map<String, String> env) {
        ConfigDefaults defaults = ConfigDefaults.dib().withRootFsType(env.getOrDefault("FS_TYPE", "ext4"));
        String label = spec.rootLabel() != null ? spec.rootLabel() : env.get("DIB_ROOT_LABEL");
        if (label != null && !label.isEmpty()) {
            defaults = defaults.withRootLabel(label);
        }
        String fromEnv = env.get(BlockDeviceConfig.ENVIRONMENT_VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return BlockDeviceConfig.fromEnvironment(fromEnv, defaults);
        }
        for (String name : List.of("block-device-" + spec.arch() + ".yaml", "block-device-default.yaml")) {
            List<Path> found = elements.elements().stream()
                    .map(r -> r.element().dir().resolve(name))
                    .filter(Files::isRegularFile)
                    .toList();
            if (found.size() > 1) {
                throw new UserError("elements ship more than one " + name + ": " + found
                        + "; use only one block-device element, or set DIB_BLOCK_DEVICE_CONFIG");
            }
            if (found.size() == 1) {
                return BlockDeviceConfig.parse(found.get(0), defaults);
            }
        }
        return BlockDeviceConfig.defaultGraph(defaults);
    }

    static DiskImage create(
            BuildSpec spec, BlockDeviceGraph graph, Path tree, Path work, Ledger ledger, EventSink events) {
        FsType rootType = graph.rootMkfs().map(m -> m.type()).orElse(FsType.EXT4);
        long size;
        if (spec.imageSize() != null) {
            size = ImageSize.parseImageSize(spec.imageSize());
        } else {
            long extra = spec.imageExtraSize() == null ? 0 : ImageSize.parseExtraSize(spec.imageExtraSize());
            size = ImageSize.forTree(ImageSize.treeBytes(tree), rootType, extra + ImageSize.besideRoot(graph));
        }
        events.info(
                "image size " + size / ImageSize.MIB + " MiB" + (spec.imageSize() == null ? " (from the tree)" : ""));
        BlockDevice.Options options = BlockDevice.Options.of(work.resolve("image"), work.resolve("mnt"), size);
        String mkfsOptions = spec.mkfsOptions();
        if (spec.maxOnlineResize() != null && rootType.keyword().startsWith("ext")) {
            String resize = "-E resize=" + spec.maxOnlineResize();
            mkfsOptions = mkfsOptions == null ? resize : mkfsOptions + " " + resize;
        }
        if (mkfsOptions != null) {
            options = options.withRootMkfsOptions(mkfsOptions);
        }
        if (spec.mkfsJournalSize() != null) {
            options = options.withRootJournalMib(spec.mkfsJournalSize());
        }
        TreeFill fill = TreeFill.decide(
                graph, tree, TreeFill.Mode.parse(spec.environment().get(TreeFill.VARIABLE)));
        if (fill.method() == TreeFill.Method.MKE2FS) {
            events.info("filling the disk: mke2fs -d makes the root filesystem from the tree (" + fill.reason() + ")");
            options = options.withRootContent(tree);
        } else {
            events.info("filling the disk: mount and copy with tar (" + fill.reason() + ")");
        }
        BlockDevice disk = BlockDevice.create(graph, options, ledger, events);
        DiskImage image = new DiskImage(graph, disk, events);
        image.sizeBytes = size;
        try {
            if (fill.method() == TreeFill.Method.MKE2FS) {
                image.takeRootAttributes(tree);
            } else {
                image.copyTree(tree);
            }
            Files.createDirectories(disk.mountRoot().resolve("etc"));
            Files.writeString(disk.mountRoot().resolve("etc/fstab"), disk.fstab());
        } catch (IOException e) {
            image.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            image.close();
            throw e;
        }
        return image;
    }

    Path mountRoot() {
        return disk.mountRoot();
    }

    /** GNU tar on both ends, so ownership, xattrs, ACLs and capabilities survive the copy. */
    private void copyTree(Path tree) {
        String flags = "--numeric-owner --xattrs --xattrs-include='*' --acls";
        Exec.check(
                "/bin/bash",
                "-c",
                "set -o pipefail; tar -C \"$0\" -cf - " + flags + " . | tar -C \"$1\" -xf - " + flags
                        + " --preserve-permissions",
                tree.toString(),
                disk.mountRoot().toString());
    }

    /**
     * mke2fs -d gives the new root directory its own owner and mode (root, 0755); tar's copy gives it
     * the tree's. Keep the tree's, so both ways make the same image.
     */
    private void takeRootAttributes(Path tree) {
        String from = "--reference=" + tree;
        String to = disk.mountRoot().toString();
        Exec.check("chown", from, to);
        Exec.check("chmod", from, to);
        Exec.check("touch", "--no-dereference", from, to);
    }

    /** What the bootloader and finalise hooks need to know about the disk. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        LocalLoop loop = graph.nodes(LocalLoop.class).get(0);
        disk.device(loop.name()).ifPresent(dev -> {
            env.put("IMAGE_BLOCK_DEVICE", dev);
            env.put("IMAGE_BLOCK_DEVICE_WITHOUT_PART", dev);
        });
        disk.root().ifPresent(fs -> {
            env.put("DIB_ROOT_LABEL", fs.label());
            env.put("DIB_ROOT_FSTYPE", fs.type().keyword());
        });
        // Root on an LV: the initramfs activates it by its device-mapper name, and GRUB needs lvm.
        graph.rootMkfs().flatMap(fs -> disk.bootDevice(fs.base())).ifPresent(dev -> {
            env.put("JDIB_ROOT_DEVICE", dev);
            env.put("JDIB_GRUB_LVM", "1");
        });
        // So does GRUB when /boot alone is on an LV.
        graph.mounts().stream()
                .filter(m -> m.mountPoint().equals("/boot"))
                .flatMap(m -> graph.node(m.base()).stream())
                .filter(n -> n instanceof Mkfs fs && disk.bootDevice(fs.base()).isPresent())
                .findFirst()
                .ifPresent(n -> env.put("JDIB_GRUB_LVM", "1"));
        disk.filesystems().stream()
                .filter(fs -> fs.mountPoint().equals(Optional.of("/boot")))
                .findFirst()
                .ifPresent(fs -> env.put("DIB_BOOT_LABEL", fs.label()));
        List<Partitioning> tables = graph.nodes(Partitioning.class);
        boolean mbr = tables.stream().anyMatch(t -> t.label() == Partitioning.Label.MBR);
        boolean biosBootPartition = graph.nodes(Partition.class).stream()
                .anyMatch(p -> p.type() != null && p.type().equalsIgnoreCase("EF02"));
        if (mbr || biosBootPartition) {
            env.put("JDIB_BIOS_BOOT", "1");
        }
        espMountPoint().ifPresent(mp -> env.put("JDIB_ESP_DIR", mp));
        // POWER's firmware loads GRUB from the raw PReP partition; the bootloader writes it there.
        prepPartition(graph).flatMap(disk::device).ifPresent(dev -> env.put("JDIB_PREP_DEVICE", dev));
        // DIB exports the size it chose in KiB, and every block device by node name as the body of a
        // bash associative array: eval declare -A devs=( $IMAGE_BLOCK_DEVICES ).
        env.put("DIB_IMAGE_SIZE", Long.toString(sizeBytes / 1024));
        StringBuilder devices = new StringBuilder();
        for (var node : graph.nodes()) {
            disk.device(node.name())
                    .ifPresent(dev -> devices.append(" [")
                            .append(node.name())
                            .append("]=")
                            .append(dev)
                            .append(' '));
        }
        env.put("IMAGE_BLOCK_DEVICES", devices.toString());
        return env;
    }

    /**
     * The PReP boot partition of a POWER layout (MBR type 41, GPT type 4100 or its GUID), by node
     * name: the first one, as the firmware takes the first.
     */
    static Optional<String> prepPartition(BlockDeviceGraph graph) {
        return graph.nodes(Partition.class).stream()
                .filter(p -> p.type() != null && isPrepType(p.type()))
                .map(Partition::name)
                .findFirst();
    }

    private static boolean isPrepType(String type) {
        String t = type.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("0x")) {
            t = t.substring(2);
        }
        return t.equals("41") || t.equals("4100") || t.equals("9e1a2d38-c612-4316-aa26-8b49521e5a8b");
    }

    private Optional<String> espMountPoint() {
        List<String> espNames = graph.nodes(Partition.class).stream()
                .filter(p -> p.type() != null && p.type().equalsIgnoreCase("EF00"))
                .map(Partition::name)
                .toList();
        return disk.vfatFilesystems().stream()
                .filter(fs -> fs.mountPoint().isPresent())
                .filter(fs -> espNames.isEmpty()
                        || graph.node(fs.node())
                                .map(n -> n.bases().stream().anyMatch(espNames::contains))
                                .orElse(false))
                .map(fs -> fs.mountPoint().get())
                .findFirst();
    }

    /** Trims, copies vfat content in with mtools, unmounts and detaches; returns the raw image. */
    Path finish() {
        for (Filesystem fs : disk.vfatFilesystems()) {
            fs.mountPoint().ifPresent(mp -> stageVfat(fs, mp));
        }
        List<TrimResult> trimmed = disk.umount();
        long bytes = trimmed.stream().mapToLong(TrimResult::bytes).sum();
        events.info("trimmed " + bytes / ImageSize.MIB + " MiB of free space");
        Path raw = disk.imageFile();
        disk.cleanup();
        return raw;
    }

    /** This kernel cannot mount vfat: what hooks wrote to its mount point goes on with mcopy. */
    private void stageVfat(Filesystem fs, String mountPoint) {
        Path staging = disk.mountRoot().resolve(mountPoint.substring(1));
        List<Path> children;
        try (Stream<Path> list = Files.exists(staging) ? Files.list(staging) : Stream.empty()) {
            children = list.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (children.isEmpty()) {
            return;
        }
        List<String> argv =
                new ArrayList<>(List.of(Tools.require("mcopy").toString(), "-i", fs.device(), "-s", "-p", "-Q", "-o"));
        children.forEach(c -> argv.add(c.toString()));
        argv.add("::/");
        Exec.check(Exec.Command.of(argv).withEnv(Map.of("MTOOLS_SKIP_CHECK", "1")));
        events.info("copied " + children.size() + " entries from " + mountPoint + " onto " + fs.label() + " (vfat)");
        // The files now live on the vfat filesystem; the copies under the mount point would only be hidden.
        for (Path child : children) {
            Exec.check("rm", "-rf", "--one-file-system", child.toString());
        }
    }

    @Override
    public void close() {
        disk.close();
    }
}
