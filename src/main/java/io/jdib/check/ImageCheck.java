package io.jdib.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.check.DiskFacts.Volume;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Loops;
import io.jdib.sys.Mounts;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Opens an image file read-only and runs {@link StaticChecks} on it. A non-raw image is first
 * converted to a sparse raw copy in a scratch directory; the raw disk's partitions get read-only
 * offset loop devices, their filesystems are mounted read-only ({@code noload}/{@code norecovery},
 * so not even a journal is replayed), and the tree is assembled from the image's own fstab.
 *
 * <p>Every loop device and mount is written to a {@link Ledger} in the scratch directory before it
 * is made, and undone on every exit path: normally, on error, and from a shutdown hook on Ctrl-C or
 * SIGTERM; after a SIGKILL, {@code jdib cleanup} finds the ledger when the scratch directory lies in
 * the work root under the build prefix.
 */
public final class ImageCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> MOUNTABLE = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs");
    private static final Set<String> CONTAINER_TYPES = Set.of("5", "f", "85");
    private static final String BIOS_BOOT = "21686148-6449-6E6F-744E-656564454649";

    private final Path scratchParent;
    private final String scratchPrefix;
    private final Consumer<String> events;

    /** Scratch directories are made under {@code scratchParent}, named {@code scratchPrefix} + a suffix. */
    public ImageCheck(Path scratchParent, String scratchPrefix, Consumer<String> events) {
        this.scratchParent = scratchParent;
        this.scratchPrefix = scratchPrefix;
        this.events = events;
    }

    /** Checks {@code image}; the file is never written. */
    public CheckReport check(Path image) {
        long start = System.nanoTime();
        if (!Files.isRegularFile(image)) {
            throw new UserError("no image at " + image + "; give the path of a qcow2, raw, vhd or vmdk file");
        }
        DiskImage.probe(image); // a file that is not a disk image fails here, before anything is attached
        Path scratch = createScratch();
        Ledger ledger = Ledger.create(scratch, events);
        Thread hook = new Thread(() -> teardown(ledger, scratch), "jdib-check-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            JsonNode info = qemuImgJson("info", image);
            String format = info.path("format").asText("raw");
            DiskFacts.Qcow2Clusters clusters = format.equals("qcow2") ? qcow2Clusters(image) : null;
            long allocated = allocatedBytes(image, format);
            Path raw = image;
            if (!format.equals("raw")) {
                raw = scratch.resolve("disk.raw");
                events.accept("converting " + format + " to a temporary raw copy");
                Exec.check(Exec.Command.of("qemu-img", "convert", "-U", "-f", format, "-O", "raw", image.toString(),
                        raw.toString()));
            }
            Opened opened = open(raw.toAbsolutePath(), scratch, ledger);
            DiskFacts disk = new DiskFacts(format, opened.tableLabel, opened.volumes, opened.rootVolume, clusters,
                    allocated, opened.usedBytes, size(raw), opened.tableDiskBytes, opened.rootFsBytes);
            List<RuleResult> results = StaticChecks.run(new ImageTree(opened.root), disk);
            return new CheckReport(image, format, results, (System.nanoTime() - start) / 1e9);
        } finally {
            teardown(ledger, scratch);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs teardown, which is idempotent.
            }
        }
    }

    private Path createScratch() {
        try {
            Files.createDirectories(scratchParent);
            return Files.createTempDirectory(scratchParent, scratchPrefix);
        } catch (IOException e) {
            throw new UserError("cannot make a scratch directory under " + scratchParent + ": " + e.getMessage()
                    + "; set JDIB_WORK_DIR to a writable directory", e);
        }
    }

    private synchronized void teardown(Ledger ledger, Path scratch) {
        ledger.undoAll();
        Mounts.unmountTree(scratch, events);
        if (Files.exists(scratch) && Mounts.mountedUnder(scratch).isEmpty()) {
            Exec.capture(Exec.Command.of("rm", "-rf", "--one-file-system", scratch.toString()));
        }
    }

    private record Opened(String tableLabel, List<Volume> volumes, String rootVolume, Path root, long usedBytes,
            long tableDiskBytes, long rootFsBytes) {
    }

    private Opened open(Path raw, Path scratch, Ledger ledger) {
        Loops loops = new Loops(ledger);
        Mounts mounts = new Mounts(ledger);
        long fileSize = size(raw);
        String tableLabel = null;
        long tableDiskBytes = -1;
        Map<String, Long> fsBytes = new HashMap<>();
        List<Volume> volumes = new ArrayList<>();
        Exec.Result sfdisk = Exec.capture(Exec.Command.of("sfdisk", "--json", raw.toString()));
        if (sfdisk.ok() && !sfdisk.stdout().isBlank()) {
            JsonNode table = readJson(sfdisk.stdout(), "sfdisk --json").path("partitiontable");
            tableLabel = table.path("label").asText();
            long sector = table.path("sectorsize").asLong(512);
            String diskId = table.path("id").asText("").toLowerCase(Locale.ROOT).replaceFirst("^0x", "");
            if (table.has("lastlba")) {
                // GPT: the last usable sector, then 32 sectors of backup entries and the backup header.
                tableDiskBytes = (table.path("lastlba").asLong() + 34) * sector;
            }
            for (JsonNode p : table.path("partitions")) {
                String node = p.path("node").asText();
                String number = node.replaceAll("^.*?(\\d+)$", "$1");
                String type = p.path("type").asText("");
                String partUuid = p.has("uuid") ? p.path("uuid").asText()
                        : diskId.isEmpty() ? "" : diskId + "-" + String.format("%02x", Integer.parseInt(number));
                volumes.add(new Volume("p" + number, p.path("start").asLong() * sector, p.path("size").asLong() * sector,
                        type, "", "", "", partUuid.toLowerCase(Locale.ROOT), ""));
            }
        } else {
            volumes.add(new Volume("disk", 0, fileSize, "", "", "", "", "", ""));
        }
        // Probe and mount every partition holding a Linux filesystem, each on its own read-only loop.
        Map<String, Path> mounted = new LinkedHashMap<>();
        List<Volume> probed = new ArrayList<>();
        for (Volume v : volumes) {
            if (CONTAINER_TYPES.contains(v.partType().toLowerCase(Locale.ROOT)) || v.partType().equalsIgnoreCase(BIOS_BOOT)
                    || v.size() < 64 * 1024) {
                probed.add(v);
                continue;
            }
            Loops.Loop loop = loops.attachReadOnly(raw, v.offset(), v.size());
            Map<String, String> id = blkid(loop.device());
            Volume p = new Volume(v.name(), v.offset(), v.size(), v.partType(), id.getOrDefault("TYPE", ""),
                    id.getOrDefault("LABEL", ""), id.getOrDefault("UUID", "").toLowerCase(Locale.ROOT), v.partUuid(), "");
            probed.add(p);
            fsBytes.put(p.name(), filesystemBytes(loop.device(), p.fsType()));
            if (MOUNTABLE.contains(p.fsType())) {
                Path point = scratch.resolve("fs").resolve(p.name());
                mkdirs(point);
                String options = switch (p.fsType()) {
                    case "ext3", "ext4" -> "ro,noload";
                    case "xfs" -> "ro,norecovery";
                    default -> "ro";
                };
                mounts.mount(p.fsType(), loop.device(), point, options);
                mounted.put(p.name(), point);
            }
        }
        // Root: the filesystem with /etc/fstab, preferring DIB's root labels.
        Volume root = probed.stream().filter(v -> mounted.containsKey(v.name()))
                .filter(v -> Files.isRegularFile(mounted.get(v.name()).resolve("etc/fstab"))
                        || Files.isDirectory(mounted.get(v.name()).resolve("etc")))
                .min(Comparator.comparingInt(v -> v.label().equals("cloudimg-rootfs") || v.label().equals("img-rootfs")
                        ? 0 : Files.isRegularFile(mounted.get(v.name()).resolve("etc/fstab")) ? 1 : 2))
                .orElseThrow(() -> new UserError("no Linux root filesystem found in the image (looked at "
                        + probed.stream().map(v -> v.name() + ":" + (v.fsType().isEmpty() ? "?" : v.fsType())).toList()
                        + ")"));
        Path rootPath = mounted.get(root.name());
        Map<String, String> mountPoints = new HashMap<>();
        mountPoints.put(root.name(), "/");
        // The rest of the tree, as the image's fstab assembles it, shallowest first.
        ImageTree tree = new ImageTree(rootPath);
        List<String[]> fstab = new ArrayList<>();
        for (String line : tree.lines("/etc/fstab")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 3 && !f[0].startsWith("#") && f[1].startsWith("/") && !f[1].equals("/")) {
                fstab.add(f);
            }
        }
        fstab.sort(Comparator.comparingInt(f -> Path.of(f[1]).getNameCount()));
        for (String[] f : fstab) {
            Optional<Volume> v = probed.stream().filter(x -> matches(f[0], x)).findFirst();
            if (v.isPresent() && mounted.containsKey(v.get().name()) && !mountPoints.containsKey(v.get().name())) {
                Path target = tree.resolve(f[1]);
                if (Files.isDirectory(target) && target.startsWith(rootPath)) {
                    mounts.bind(mounted.get(v.get().name()), target, true);
                }
                mountPoints.put(v.get().name(), f[1]);
            } else if (v.isPresent()) {
                mountPoints.putIfAbsent(v.get().name(), f[1]);
            }
        }
        List<Volume> result = new ArrayList<>();
        long used = 0;
        for (Volume v : probed) {
            result.add(new Volume(v.name(), v.offset(), v.size(), v.partType(), v.fsType(), v.label(), v.uuid(),
                    v.partUuid(), mountPoints.getOrDefault(v.name(), "")));
            if (mounted.containsKey(v.name())) {
                used += usedBytes(mounted.get(v.name()));
            }
        }
        return new Opened(tableLabel, result, root.name(), rootPath, used, tableDiskBytes,
                fsBytes.getOrDefault(root.name(), -1L));
    }

    /** A filesystem's own size (its block count times block size), or -1 for a type read here as unknown. */
    private static long filesystemBytes(String device, String fsType) {
        if (fsType.startsWith("ext")) {
            Exec.Result r = Exec.capture(Exec.Command.of("dumpe2fs", "-h", device));
            long blocks = field(r.stdout(), "Block count:");
            long size = field(r.stdout(), "Block size:");
            return blocks > 0 && size > 0 ? blocks * size : -1;
        }
        if (fsType.equals("xfs")) {
            Exec.Result r = Exec.capture(Exec.Command.of("xfs_db", "-r", "-c", "sb 0", "-c", "p dblocks blocksize",
                    device));
            long blocks = field(r.stdout(), "dblocks =");
            long size = field(r.stdout(), "blocksize =");
            return blocks > 0 && size > 0 ? blocks * size : -1;
        }
        return -1;
    }

    private static long field(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.strip().startsWith(key)) {
                try {
                    return Long.parseLong(line.strip().substring(key.length()).strip());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Whether an fstab device spec names this volume. */
    static boolean matches(String spec, Volume v) {
        String s = spec.replace("\"", "");
        String lower = s.toLowerCase(Locale.ROOT);
        if (s.startsWith("LABEL=")) {
            return !v.label().isEmpty() && s.substring(6).equals(v.label());
        }
        if (s.startsWith("/dev/disk/by-label/")) {
            return !v.label().isEmpty() && s.substring(19).equals(v.label());
        }
        if (lower.startsWith("uuid=")) {
            return !v.uuid().isEmpty() && lower.substring(5).equals(v.uuid());
        }
        if (lower.startsWith("/dev/disk/by-uuid/")) {
            return !v.uuid().isEmpty() && lower.substring(18).equals(v.uuid());
        }
        if (lower.startsWith("partuuid=")) {
            return !v.partUuid().isEmpty() && lower.substring(9).equals(v.partUuid());
        }
        return false;
    }

    private Map<String, String> blkid(String device) {
        Exec.Result r = Exec.capture(Exec.Command.of("blkid", "--probe", "--output", "export", device));
        Map<String, String> found = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                found.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return found;
    }

    private static long usedBytes(Path mountPoint) {
        try {
            FileStore store = Files.getFileStore(mountPoint);
            return store.getTotalSpace() - store.getUnallocatedSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    private JsonNode qemuImgJson(String sub, Path image) {
        Exec.Result r = Exec.capture(Exec.Command.of("qemu-img", sub, "-U", "--output=json", image.toString()));
        if (!r.ok()) {
            throw new UserError("qemu-img " + sub + " cannot read " + image + ": " + String.join(" ", r.tail())
                    + "; is it a disk image (qcow2, raw, vhd, vmdk)?");
        }
        return readJson(r.stdout(), "qemu-img " + sub);
    }

    private DiskFacts.Qcow2Clusters qcow2Clusters(Path image) {
        // Exit codes 2 and 3 report corruption or leaks, still with the counts.
        Exec.Result r = Exec.capture(Exec.Command.of("qemu-img", "check", "-U", "-f", "qcow2", "--output=json",
                image.toString()));
        if (r.stdout().isBlank()) {
            return null;
        }
        JsonNode n = readJson(r.stdout(), "qemu-img check");
        return new DiskFacts.Qcow2Clusters(n.path("total-clusters").asLong(), n.path("allocated-clusters").asLong(),
                n.path("compressed-clusters").asLong());
    }

    private long allocatedBytes(Path image, String format) {
        Exec.Result r = Exec.capture(Exec.Command.of("qemu-img", "map", "-U", "-f", format, "--output=json",
                image.toString()));
        if (!r.ok()) {
            return -1;
        }
        long total = 0;
        for (JsonNode extent : readJson(r.stdout(), "qemu-img map")) {
            if (extent.path("data").asBoolean(false)) {
                total += extent.path("length").asLong();
            }
        }
        return total;
    }

    private static JsonNode readJson(String text, String what) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UserError(what + " printed output jdib cannot read: " + e.getMessage());
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
