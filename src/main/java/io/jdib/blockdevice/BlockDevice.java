package io.jdib.blockdevice;

import io.jdib.blockdevice.BlockDeviceState.FilesystemState;
import io.jdib.blockdevice.BlockDeviceState.LoopState;
import io.jdib.blockdevice.BlockDeviceState.PartitionState;
import io.jdib.blockdevice.config.BlockDeviceConfigException;
import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.blockdevice.config.FsType;
import io.jdib.blockdevice.config.LocalLoop;
import io.jdib.blockdevice.config.LogicalVolume;
import io.jdib.blockdevice.config.Lvm;
import io.jdib.blockdevice.config.Mkfs;
import io.jdib.blockdevice.config.Mount;
import io.jdib.blockdevice.config.NodeConfig;
import io.jdib.blockdevice.config.Partition;
import io.jdib.blockdevice.config.Partitioning;
import io.jdib.blockdevice.lvm.PvWriter;
import io.jdib.blockdevice.lvm.VgLayout;
import io.jdib.blockdevice.lvm.VgText;
import io.jdib.blockdevice.partition.IdSource;
import io.jdib.blockdevice.partition.Layout;
import io.jdib.blockdevice.partition.PartitionException;
import io.jdib.blockdevice.partition.Partitioner;
import io.jdib.blockdevice.partition.PlacedPartition;
import io.jdib.event.EventSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Loops;
import io.jdib.sys.Mounts;
import io.jdib.sys.Tools;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a block-device graph on this host: image files, loop devices, partition tables, filesystems
 * and mounts, in the graph's topological order, and undoes them again.
 *
 * <p>Every loop device, partition mapping and mount is written to the {@link Ledger} before it is
 * made, so a build killed at any point is undone by {@link Ledger#undoAll(Path,
 * java.util.function.Consumer)} from another process. After every action the state is written to
 * {@value BlockDeviceState#FILE_NAME} in the image directory.
 *
 * <pre>{@code
 * try (BlockDevice disk = BlockDevice.create(graph, options, ledger, events)) {
 *   // copy the tree into disk.mountRoot(); mcopy into disk.vfatFilesystems()
 *   Files.writeString(disk.mountRoot().resolve("etc/fstab"), disk.fstab());
 *   disk.umount();   // fstrim, then unmount
 *   disk.cleanup();  // partx --delete, losetup --detach
 * }
 * Path raw = disk.imageFile();
 * }</pre>
 */
public final class BlockDevice implements AutoCloseable {

    /**
     * How to run a graph.
     *
     * @param imageDir where image files go (a local_loop's {@code directory} overrides it)
     * @param mountRoot where the root filesystem is mounted; the others beneath it
     * @param imageSize the size of a local_loop that gives none, in bytes
     * @param rootMkfsOptions extra mkfs arguments for the root filesystem ({@code --mkfs-options})
     * @param rootJournalMib ext3/ext4 root journal size in MiB ({@code -J size=N}); empty: mkfs's
     * @param ids where partition table ids come from
     * @param rootContent a directory the ext root filesystem is made from ({@code mke2fs -d}), so it
     *     is mounted already holding the tree; empty: the root is made empty (see {@link TreeFill})
     */
    public record Options(
            Path imageDir,
            Path mountRoot,
            long imageSize,
            String rootMkfsOptions,
            OptionalInt rootJournalMib,
            IdSource ids,
            Optional<Path> rootContent) {

        public Options {
            Objects.requireNonNull(imageDir, "imageDir");
            Objects.requireNonNull(mountRoot, "mountRoot");
            Objects.requireNonNull(rootMkfsOptions, "rootMkfsOptions");
            Objects.requireNonNull(rootJournalMib, "rootJournalMib");
            Objects.requireNonNull(ids, "ids");
            Objects.requireNonNull(rootContent, "rootContent");
            if (imageSize < 0) {
                throw new IllegalArgumentException("negative image size " + imageSize);
            }
            imageDir = imageDir.toAbsolutePath().normalize();
            mountRoot = mountRoot.toAbsolutePath().normalize();
        }

        public static Options of(Path imageDir, Path mountRoot, long imageSize) {
            return new Options(
                    imageDir, mountRoot, imageSize, "", OptionalInt.empty(), IdSource.random(), Optional.empty());
        }

        public Options withRootMkfsOptions(String options) {
            return new Options(imageDir, mountRoot, imageSize, options, rootJournalMib, ids, rootContent);
        }

        public Options withRootJournalMib(int mib) {
            return new Options(imageDir, mountRoot, imageSize, rootMkfsOptions, OptionalInt.of(mib), ids, rootContent);
        }

        public Options withIds(IdSource newIds) {
            return new Options(imageDir, mountRoot, imageSize, rootMkfsOptions, rootJournalMib, newIds, rootContent);
        }

        /** Make the ext root filesystem from {@code tree} ({@code mke2fs -d}); only when {@link TreeFill} chose it. */
        public Options withRootContent(Path tree) {
            return new Options(
                    imageDir,
                    mountRoot,
                    imageSize,
                    rootMkfsOptions,
                    rootJournalMib,
                    ids,
                    Optional.of(tree.toAbsolutePath().normalize()));
        }
    }

    private static final Pattern TRIMMED = Pattern.compile("\\((\\d+) bytes\\) trimmed");
    private static final long DEVICE_WAIT_MILLIS = 10_000;

    private record Mounted(String node, Path at, Ledger.Entry entry) {}

    /** What a preflight found: local_loop sizes, and the layout of every volume group. */
    private record Plan(Map<String, Long> loopSizes, List<VgLayout> vgs) {}

    private final BlockDeviceGraph graph;
    private final Options options;
    private final EventSink events;
    private final Loops loops;
    private final Mounts mounts;
    private final Map<String, Long> loopSizes;
    private final List<VgLayout> vgLayouts;

    private final Map<String, String> devices = new LinkedHashMap<>();
    private final Map<String, LoopState> loopStates = new LinkedHashMap<>();
    private final Map<String, Path> imageFiles = new LinkedHashMap<>();
    private final List<Ledger.Entry> loopEntries = new ArrayList<>();
    private final List<Ledger.Entry> partxEntries = new ArrayList<>();
    private final List<PartitionState> partitions = new ArrayList<>();
    private final Map<String, Filesystem> filesystems = new LinkedHashMap<>();
    private final List<Mounted> mounted = new ArrayList<>();
    private final Map<String, String> lvDevices = new LinkedHashMap<>();
    private String phase = "creating";

    private BlockDevice(BlockDeviceGraph graph, Options options, Ledger ledger, EventSink events, Plan plan) {
        this.graph = graph;
        this.options = options;
        this.events = events;
        this.loops = new Loops(ledger);
        this.mounts = new Mounts(ledger);
        this.loopSizes = plan.loopSizes();
        this.vgLayouts = plan.vgs();
    }

    /**
     * Checks the graph against this host and the image size, then creates everything and mounts the
     * filesystems. What cannot work (LVM without device-mapper, partitions that do not fit, a missing
     * tool) fails before anything is made; a failure later undoes what was made before it is thrown.
     */
    public static BlockDevice create(BlockDeviceGraph graph, Options options, Ledger ledger, EventSink events) {
        Plan plan = preflight(graph, options);
        BlockDevice disk = new BlockDevice(graph, options, ledger, events, plan);
        try {
            disk.run();
            return disk;
        } catch (RuntimeException e) {
            try {
                disk.close();
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    // ---- checks before anything is made

    /**
     * Fails now, before a build spends minutes on the tree, if this host cannot build {@code graph}
     * at all: LVM volumes jdib cannot write without device-mapper (thin pools, thin volumes). The
     * size-dependent checks wait for {@link #create}.
     */
    public static void requireBuildable(BlockDeviceGraph graph) {
        for (LogicalVolume lv : graph.nodes(LogicalVolume.class)) {
            if (lv.type() != LogicalVolume.Type.PLAIN) {
                throw new BlockDeviceConfigException(
                        lv.position(),
                        lv.describe() + " is a " + lv.type().keyword() + " volume, which jdib cannot write"
                                + " without device-mapper",
                        "use plain (linear) lvs: leave out 'type' and 'thin-pool'");
            }
        }
    }

    private static Plan preflight(BlockDeviceGraph graph, Options options) {
        requireBuildable(graph);
        Tools.require("losetup");
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (LocalLoop loop : graph.nodes(LocalLoop.class)) {
            long size = loop.size().orElse(options.imageSize());
            if (size <= 0) {
                throw new BlockDeviceException(
                        loop.describe() + " has no size and no image size was given; set --image-size or"
                                + " give the local_loop a size");
            }
            long block = loop.blockSize();
            sizes.put(loop.name(), (size + block - 1) / block * block);
        }
        Map<String, Long> deviceSizes = new LinkedHashMap<>(sizes);
        for (Partitioning table : graph.nodes(Partitioning.class)) {
            Tools.require("partx");
            Long size = sizes.get(table.base());
            if (size != null) {
                try {
                    int sector = sectorSize(graph, table.base());
                    Layout layout = io.jdib.blockdevice.partition.LayoutPlanner.plan(Tables.spec(table, sector), size);
                    layout.partitions().forEach(p -> deviceSizes.put(p.name(), p.sectorCount() * sector));
                } catch (PartitionException e) {
                    throw new BlockDeviceException(
                            table.describe() + " on a " + human(size) + " image: " + e.getMessage(), e);
                }
            }
        }
        for (Mkfs fs : graph.nodes(Mkfs.class)) {
            Tools.require(Filesystems.tool(fs.type()));
        }
        List<VgLayout> vgs = LvmStacks.plan(graph, deviceSizes, new SecureRandom());
        for (VgLayout vg : vgs) {
            for (VgLayout.Lv lv : vg.lvs()) {
                if (vg.range(lv.name()).isEmpty()) {
                    LogicalVolume node = (LogicalVolume) graph.node(lv.name()).orElseThrow();
                    throw new BlockDeviceConfigException(
                            node.position(),
                            node.describe() + " would span " + lv.segments().size() + " pvs, but jdib reaches"
                                    + " each lv as one range of one pv",
                            "make it fit on one pv, or give the vg fewer, larger pvs");
                }
            }
        }
        return new Plan(sizes, vgs);
    }

    private static int sectorSize(BlockDeviceGraph graph, String node) {
        return graph.node(node)
                .filter(LocalLoop.class::isInstance)
                .map(n -> (int) ((LocalLoop) n).blockSize())
                .orElse(512);
    }

    // ---- create

    private synchronized void run() {
        try {
            Files.createDirectories(options.imageDir());
        } catch (IOException e) {
            throw new BlockDeviceException(
                    "cannot create image directory " + options.imageDir() + ": " + e.getMessage(), e);
        }
        saveState();
        for (NodeConfig node : graph.topologicalOrder()) {
            if (node instanceof LocalLoop loop) {
                createLoop(loop);
            } else if (node instanceof Partitioning table) {
                createTable(table);
            } else if (node instanceof Partition) {
                // mapped with its table
            } else if (node instanceof Lvm lvm) {
                createLvm(lvm);
            } else if (node instanceof Mkfs fs) {
                makeFilesystem(fs);
            } else if (node instanceof Mount mount) {
                mount(mount);
            }
            // pv, vg and lv nodes are made with their lvm node; fstab nodes are rendered by fstab()
        }
        phase = "created";
        saveState();
    }

    private void createLoop(LocalLoop node) {
        Path dir = node.directory()
                .map(Path::of)
                .orElse(options.imageDir())
                .toAbsolutePath()
                .normalize();
        Path file = dir.resolve(node.name() + ".raw");
        long size = loopSizes.get(node.name());
        try {
            Files.createDirectories(dir);
            if (!Loops.devicesBacking(file).isEmpty()) {
                throw new BlockDeviceException(file + " is still attached to " + Loops.devicesBacking(file)
                        + "; run jdib cleanup for the build that made it");
            }
            Files.deleteIfExists(file);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(size);
            }
        } catch (IOException e) {
            throw new BlockDeviceException("cannot create image file " + file + ": " + e.getMessage(), e);
        }
        imageFiles.put(node.name(), file);
        Loops.Loop loop = loops.attach(file, 0, 0, (int) node.blockSize());
        loopEntries.add(loop.entry());
        devices.put(node.name(), loop.device());
        loopStates.put(node.name(), new LoopState(node.name(), file.toString(), loop.device(), node.blockSize()));
        events.info("block device: " + loop.device() + " is " + file + " (" + human(size) + ")");
        saveState();
    }

    private void createTable(Partitioning table) {
        String disk = device(table.base(), table);
        int sectorSize = sectorSize(graph, table.base());
        Layout layout;
        try {
            layout = Partitioner.partition(Path.of(disk), Tables.spec(table, sectorSize), options.ids());
        } catch (PartitionException e) {
            throw new BlockDeviceException(table.describe() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BlockDeviceException("cannot write the partition table on " + disk + ": " + e.getMessage(), e);
        }
        partxEntries.add(loops.addPartitions(disk));
        saveState();
        for (PlacedPartition p : layout.partitions()) {
            String dev = disk + "p" + p.number();
            waitForDevice(dev);
            devices.put(p.name(), dev);
            partitions.add(new PartitionState(
                    p.name(), dev, p.number(), p.startSector() * sectorSize, p.sectorCount() * sectorSize, p.type()));
        }
        events.info("block device: " + table.label().keyword() + " table on " + disk + " with "
                + layout.partitions().size() + " partitions");
        saveState();
    }

    /**
     * Writes each PV's label and metadata onto its device, then reaches each LV through a loop
     * device over exactly its range of the image file: no device-mapper is needed until the image
     * boots.
     */
    private void createLvm(Lvm lvm) {
        List<String> vgNames = lvm.vgs().stream().map(vg -> vg.name()).toList();
        for (VgLayout vg : vgLayouts) {
            if (!vgNames.contains(vg.name())) {
                continue;
            }
            Map<String, String> pvDevices = new LinkedHashMap<>();
            Map<String, String> pvBases = new LinkedHashMap<>();
            for (var pv : lvm.pvs()) {
                pvBases.put(pv.name(), pv.base());
            }
            for (VgLayout.Pv pv : vg.pvs()) {
                pvDevices.put(pv.name(), device(pvBases.get(pv.name()), lvm));
            }
            String text =
                    VgText.render(vg, 1, pvDevices, new VgText.Origin(hostName(), System.currentTimeMillis() / 1000));
            for (VgLayout.Pv pv : vg.pvs()) {
                String dev = pvDevices.get(pv.name());
                try (FileChannel ch = FileChannel.open(Path.of(dev), StandardOpenOption.WRITE)) {
                    PvWriter.write(ch, 0, pv, text);
                } catch (IOException e) {
                    throw new BlockDeviceException(
                            "cannot write LVM metadata of pv '" + pv.name() + "' on " + dev + ": " + e.getMessage(), e);
                }
                events.info("block device: pv '" + pv.name() + "' of vg '" + vg.name() + "' on " + dev + " ("
                        + pv.peCount() + " extents of " + human(vg.extentBytes()) + ")");
            }
            for (VgLayout.Lv lv : vg.lvs()) {
                VgLayout.Range range = vg.range(lv.name()).orElseThrow();
                Backing on = backing(pvBases.get(range.pv()));
                Loops.Loop loop =
                        loops.attach(on.file(), on.offset() + range.offset(), range.length(), (int) on.sectorSize());
                loopEntries.add(loop.entry());
                devices.put(lv.name(), loop.device());
                lvDevices.put(lv.name(), dmName(vg.name(), lv.name()));
                loopStates.put(
                        lv.name(), new LoopState(lv.name(), on.file().toString(), loop.device(), on.sectorSize()));
                events.info("block device: lv '" + vg.name() + "/" + lv.name() + "' (" + human(range.length())
                        + ") is " + loop.device() + ", bytes " + (on.offset() + range.offset()) + "+"
                        + range.length() + " of " + on.file().getFileName());
                saveState();
            }
        }
    }

    /** The image file under a block-device node, where the node starts in it, and its sector size. */
    private record Backing(Path file, long offset, long sectorSize) {}

    private Backing backing(String node) {
        if (imageFiles.containsKey(node)) {
            return new Backing(imageFiles.get(node), 0, loopStates.get(node).sectorSize());
        }
        for (PartitionState p : partitions) {
            if (p.node().equals(node)) {
                Partition part = (Partition) graph.node(node).orElseThrow();
                String loopNode = ((Partitioning) graph.node(part.base()).orElseThrow()).base();
                return new Backing(
                        imageFiles.get(loopNode),
                        p.startBytes(),
                        loopStates.get(loopNode).sectorSize());
            }
        }
        throw new BlockDeviceException("a pv is on '" + node + "', which is neither a local_loop nor a"
                + " partition; put pvs on partitions or disks");
    }

    /** The device-mapper name LVM gives an LV at boot: VG-LV, with dashes in either doubled. */
    static String dmName(String vg, String lv) {
        return "/dev/mapper/" + vg.replace("-", "--") + "-" + lv.replace("-", "--");
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "jdib";
        }
    }

    private static void waitForDevice(String dev) {
        long deadline = System.currentTimeMillis() + DEVICE_WAIT_MILLIS;
        while (!Files.exists(Path.of(dev))) {
            if (System.currentTimeMillis() > deadline) {
                throw new BlockDeviceException("partx mapped the partitions but " + dev + " did not appear within "
                        + DEVICE_WAIT_MILLIS / 1000 + " s; check that /dev is a devtmpfs");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BlockDeviceException("interrupted while waiting for " + dev, e);
            }
        }
    }

    private void makeFilesystem(Mkfs fs) {
        String dev = device(fs.base(), fs);
        boolean root = graph.rootMkfs().map(r -> r.name().equals(fs.name())).orElse(false);
        List<String> extra = new ArrayList<>(words(fs.opts()));
        if (root) {
            if (options.rootJournalMib().isPresent() && (fs.type() == FsType.EXT3 || fs.type() == FsType.EXT4)) {
                extra.addAll(List.of("-J", "size=" + options.rootJournalMib().getAsInt()));
            }
            extra.addAll(words(options.rootMkfsOptions()));
        }
        Optional<Path> content = root ? options.rootContent() : Optional.empty();
        if (content.isPresent()) {
            if (fs.type() != FsType.EXT2 && fs.type() != FsType.EXT3 && fs.type() != FsType.EXT4) {
                throw new BlockDeviceException(fs.describe() + " is "
                        + fs.type().keyword() + "; only ext2/3/4 can be made from a directory (mke2fs -d)");
            }
            extra.addAll(List.of("-d", content.get().toString()));
        }
        String uuid = fs.uuid().orElseGet(() -> UUID.randomUUID().toString());
        Filesystems.Command command = Filesystems.mkfs(fs.type(), dev, fs.label(), uuid, extra);
        Exec.Result result = Exec.capture(Exec.Command.of(command.argv()));
        if (!result.ok()) {
            throw new BlockDeviceException(
                    command.argv().get(0) + " for " + fs.describe() + " on " + dev + " failed with exit code "
                            + result.exitCode() + ": " + firstLines(result.tail())
                            + "; check its options (" + String.join(" ", extra) + ")"
                            + content.map(c -> " and that " + c + " fits in " + human(deviceBytes(dev)))
                                    .orElse(""));
        }
        result.stdout().lines().forEach(line -> events.debug(command.argv().get(0) + ": " + line));
        Optional<String> mountPoint = graph.mountOf(fs).map(Mount::mountPoint);
        filesystems.put(
                fs.name(),
                new Filesystem(fs.name(), fs.type(), dev, fs.label(), command.uuid(), mountPoint, Optional.empty()));
        events.info("block device: " + fs.type().keyword() + " '" + fs.label() + "' on " + dev
                + content.map(c -> ", made from " + c + " (mke2fs -d)").orElse(""));
        saveState();
    }

    private void mount(Mount mount) {
        Filesystem fs = filesystems.get(mount.base());
        if (fs == null || fs.type() == FsType.SWAP || !mount.mountPoint().startsWith("/")) {
            return;
        }
        Path target =
                options.mountRoot().resolve(mount.mountPoint().substring(1)).normalize();
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new BlockDeviceException("cannot create mount point " + target + ": " + e.getMessage(), e);
        }
        if (fs.type() == FsType.VFAT) {
            // No vfat in this kernel: the caller fills it with mtools. The directory stays for fstab.
            events.info("block device: vfat '" + fs.label() + "' for " + mount.mountPoint()
                    + " is not mounted; copy files in with mcopy -i " + fs.device());
            return;
        }
        Ledger.Entry entry = mounts.mount(fs.type().keyword(), fs.device(), target, null);
        mounted.add(new Mounted(fs.node(), target, entry));
        filesystems.put(fs.node(), fs.mountedAt(target));
        events.info("block device: mounted " + fs.device() + " at " + target);
        saveState();
    }

    private static long deviceBytes(String dev) {
        Exec.Result size = Exec.capture(Exec.Command.of("blockdev", "--getsize64", dev));
        return size.ok() ? Long.parseLong(size.stdout().strip()) : 0;
    }

    private String device(String node, NodeConfig user) {
        String dev = devices.get(node);
        if (dev == null) {
            throw new BlockDeviceException(user.describe() + " sits on '" + node + "', which has no block device");
        }
        return dev;
    }

    // ---- what callers read

    /** The filesystems made, in creation order. */
    public synchronized List<Filesystem> filesystems() {
        return List.copyOf(filesystems.values());
    }

    public synchronized Optional<Filesystem> filesystem(String mkfsNode) {
        return Optional.ofNullable(filesystems.get(mkfsNode));
    }

    /** The root filesystem (mounted at "/", else the one named mkfs_root). */
    public synchronized Optional<Filesystem> root() {
        return graph.rootMkfs().map(fs -> filesystems.get(fs.name()));
    }

    /** The vfat filesystems: never mounted; fill them with {@code mcopy -i DEVICE}. */
    public synchronized List<Filesystem> vfatFilesystems() {
        return filesystems.values().stream()
                .filter(f -> f.type() == FsType.VFAT)
                .toList();
    }

    /**
     * The device-mapper path ({@code /dev/mapper/VG-LV}) an LV node will have when the image boots;
     * empty for nodes that are no LV.
     */
    public synchronized Optional<String> bootDevice(String node) {
        return Optional.ofNullable(lvDevices.get(node));
    }

    /** The block device made for a node (local_loop, partition, lv: its offset loop here). */
    public synchronized Optional<String> device(String node) {
        return Optional.ofNullable(devices.get(node));
    }

    public Path mountRoot() {
        return options.mountRoot();
    }

    /** The image file of the first local_loop: what the output formats convert. */
    public synchronized Path imageFile() {
        return imageFiles.values().stream()
                .findFirst()
                .orElseThrow(() -> new BlockDeviceException("the block-device config has no local_loop"));
    }

    /** Every local_loop's image file, by node name. */
    public synchronized Map<String, Path> imageFiles() {
        return Map.copyOf(imageFiles);
    }

    /** The lines for etc/fstab, in mount order. */
    public String fstab() {
        return FstabRenderer.render(graph);
    }

    public synchronized BlockDeviceState state() {
        List<FilesystemState> fs = filesystems.values().stream()
                .map(f -> new FilesystemState(
                        f.node(),
                        f.type().keyword(),
                        f.device(),
                        f.label(),
                        f.uuid(),
                        f.mountPoint().orElse(null),
                        f.mountedAt().map(Path::toString).orElse(null)))
                .toList();
        return new BlockDeviceState(
                phase, options.mountRoot().toString(), List.copyOf(loopStates.values()), partitions, fs);
    }

    // ---- undo

    /**
     * Runs {@code fstrim -v} on every mounted filesystem (so the sparse image file loses the blocks
     * the build freed), then unmounts them in reverse order.
     */
    public synchronized List<TrimResult> umount() {
        List<TrimResult> trimmed = new ArrayList<>();
        if (!mounted.isEmpty()) {
            Tools.require("fstrim");
        }
        for (Mounted m : mounted) {
            // Blocks freed in a transaction not yet committed are not free to fstrim: commit first.
            Exec.capture(Exec.Command.of("sync", "--file-system", m.at().toString()));
            Exec.Result result = Exec.capture(Exec.Command.of("fstrim", "-v", m.at().toString()));
            Matcher bytes = TRIMMED.matcher(result.stdout());
            if (result.ok() && bytes.find()) {
                long n = Long.parseLong(bytes.group(1));
                trimmed.add(new TrimResult(m.node(), m.at(), n));
                events.info("block device: fstrim " + m.at() + ": " + human(n) + " (" + n + " bytes) trimmed");
            } else {
                events.warn("fstrim " + m.at() + " failed; the image keeps its freed blocks: "
                        + String.join(" ", result.tail()));
            }
        }
        unmountAll();
        phase = "unmounted";
        saveState();
        return trimmed;
    }

    private void unmountAll() {
        for (int i = mounted.size() - 1; i >= 0; i--) {
            Mounted m = mounted.get(i);
            m.entry().undo();
            filesystems.computeIfPresent(m.node(), (k, f) -> f.mountedAt(null));
            mounted.remove(i);
            events.info("block device: unmounted " + m.at());
            saveState();
        }
    }

    /** Removes the partition mappings and detaches the loop devices; unmounts first if needed. */
    public synchronized void cleanup() {
        unmountAll();
        for (int i = partxEntries.size() - 1; i >= 0; i--) {
            partxEntries.remove(i).undo();
        }
        for (int i = loopEntries.size() - 1; i >= 0; i--) {
            loopEntries.remove(i).undo();
        }
        loopStates.replaceAll((k, l) -> new LoopState(l.node(), l.file(), null, l.sectorSize()));
        for (Path file : imageFiles.values()) {
            List<String> left = Loops.devicesBacking(file);
            if (!left.isEmpty()) {
                events.warn("loop devices " + left + " still hold " + file);
            }
        }
        if (!"creating".equals(phase) || !imageFiles.isEmpty()) {
            phase = "cleaned";
        }
        saveState();
    }

    /** Unmounts (without trimming) and cleans up whatever is left; safe to call more than once. */
    @Override
    public synchronized void close() {
        cleanup();
    }

    private void saveState() {
        state().write(options.imageDir());
    }

    // ---- helpers

    /** What a tool said before its usage text, at most three lines. */
    private static String firstLines(List<String> tail) {
        List<String> said = new ArrayList<>();
        for (String line : tail) {
            if (line.strip().startsWith("Usage") || said.size() == 3) {
                break;
            }
            if (!line.isBlank()) {
                said.add(line.strip());
            }
        }
        return String.join(" | ", said);
    }

    private static List<String> words(String text) {
        String s = text == null ? "" : text.strip();
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\s+"));
    }

    static String human(long bytes) {
        if (bytes % ImageSize.GIB == 0 && bytes > 0) {
            return bytes / ImageSize.GIB + " GiB";
        }
        if (bytes >= ImageSize.MIB) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) ImageSize.MIB);
        }
        return bytes + " bytes";
    }
}
