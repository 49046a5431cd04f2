package io.jdib.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.check.DiskFacts.Volume;
import io.jdib.image.ImageReader;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Mounts;
import io.jdib.sys.UserError;
import java.io.IOException;
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

    private final Path scratch;
    private final Ledger ledger;
    private final Consumer<String> events;

    /**
     * @param scratch a directory for the temporary raw copy and mount points (the command's workspace)
     * @param ledger  where every loop device and mount is recorded before it is made; the caller's
     *                workspace undoes whatever is left of them
     */
    public ImageCheck(Path scratch, Ledger ledger, Consumer<String> events) {
        this.scratch = scratch;
        this.ledger = ledger;
        this.events = events;
    }

    /** Checks {@code image}; the file is never written. */
    public CheckReport check(Path image) {
        long start = System.nanoTime();
        DiskImage.probe(image); // a file that is not a disk image fails here, before anything is attached
        try {
            ImageReader reader = new ImageReader(scratch, ledger, events);
            ImageReader.Opened image0 = reader.open(image);
            String format = image0.format();
            DiskFacts.Qcow2Clusters clusters = format.equals("qcow2") ? qcow2Clusters(image) : null;
            long allocated = allocatedBytes(image, format);
            Opened opened = open(reader, image0);
            DiskFacts disk = new DiskFacts(
                    format,
                    opened.tableLabel,
                    opened.volumes,
                    opened.rootVolume,
                    clusters,
                    allocated,
                    opened.usedBytes,
                    image0.rawBytes(),
                    opened.tableDiskBytes,
                    opened.rootFsBytes,
                    hasBootCode(image0.raw()));
            List<RuleResult> results = StaticChecks.run(new ImageTree(opened.root), disk);
            return new CheckReport(image, format, results, (System.nanoTime() - start) / 1e9);
        } finally {
            ledger.undoAll();
        }
    }

    private record Opened(
            String tableLabel,
            List<Volume> volumes,
            String rootVolume,
            Path root,
            long usedBytes,
            long tableDiskBytes,
            long rootFsBytes) {}

    private Opened open(ImageReader reader, ImageReader.Opened image) {
        Mounts mounts = new Mounts(ledger);
        String tableLabel = image.tableLabel().orElse(null);
        long tableDiskBytes = image.tableDiskBytes();
        Map<String, Long> fsBytes = new HashMap<>();
        // Probe every partition and mount each Linux filesystem, each on its own read-only loop.
        Map<String, Path> mounted = new LinkedHashMap<>();
        List<Volume> probed = new ArrayList<>();
        List<ImageReader.Partition> parts = new ArrayList<>(image.partitions());
        for (int i = 0; i < parts.size(); i++) {
            ImageReader.Partition part = parts.get(i);
            Optional<ImageReader.Probed> found = reader.probe(image, part);
            Volume p = new Volume(
                    part.name(),
                    part.offset(),
                    part.size(),
                    part.type(),
                    found.map(ImageReader.Probed::fsType).orElse(""),
                    found.map(ImageReader.Probed::label).orElse(""),
                    found.map(ImageReader.Probed::uuid).orElse(""),
                    part.partUuid(),
                    "");
            probed.add(p);
            if (found.isPresent()) {
                fsBytes.put(p.name(), filesystemBytes(found.get().device(), p.fsType()));
            }
            if (found.isPresent() && ImageReader.isLvmMember(found.get())) {
                // Its logical volumes are volumes too, each found where LVM's metadata puts it.
                parts.addAll(i + 1, reader.logicalVolumes(found.get()));
            }
            if (found.isPresent() && found.get().mountable()) {
                mounted.put(
                        p.name(),
                        reader.mount(found.get(), scratch.resolve("fs").resolve(p.name())));
            }
        }
        // Root: the filesystem with /etc/fstab, preferring DIB's root labels.
        Volume root = probed.stream()
                .filter(v -> mounted.containsKey(v.name()))
                .filter(v -> Files.isRegularFile(mounted.get(v.name()).resolve("etc/fstab"))
                        || Files.isDirectory(mounted.get(v.name()).resolve("etc")))
                .min(Comparator.comparingInt(
                        v -> v.label().equals("cloudimg-rootfs") || v.label().equals("img-rootfs")
                                ? 0
                                : Files.isRegularFile(mounted.get(v.name()).resolve("etc/fstab")) ? 1 : 2))
                .orElseThrow(() -> new UserError("no Linux root filesystem found in the image (looked at "
                        + probed.stream()
                                .map(v -> v.name() + ":" + (v.fsType().isEmpty() ? "?" : v.fsType()))
                                .toList()
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
            if (v.isPresent()
                    && mounted.containsKey(v.get().name())
                    && !mountPoints.containsKey(v.get().name())) {
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
            result.add(new Volume(
                    v.name(),
                    v.offset(),
                    v.size(),
                    v.partType(),
                    v.fsType(),
                    v.label(),
                    v.uuid(),
                    v.partUuid(),
                    mountPoints.getOrDefault(v.name(), "")));
            if (mounted.containsKey(v.name())) {
                used += usedBytes(mounted.get(v.name()));
            }
        }
        return new Opened(
                tableLabel,
                result,
                root.name(),
                rootPath,
                used,
                tableDiskBytes,
                fsBytes.getOrDefault(root.name(), -1L));
    }

    /** Whether the first 440 bytes of the raw disk (where an MBR keeps its boot code) are not all zero. */
    static boolean hasBootCode(Path raw) {
        try (java.io.InputStream in = Files.newInputStream(raw)) {
            for (byte b : in.readNBytes(440)) {
                if (b != 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return true; // unreadable here: do not blame the image for it
        }
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
            Exec.Result r =
                    Exec.capture(Exec.Command.of("xfs_db", "-r", "-c", "sb 0", "-c", "p dblocks blocksize", device));
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

    private static long usedBytes(Path mountPoint) {
        try {
            FileStore store = Files.getFileStore(mountPoint);
            return store.getTotalSpace() - store.getUnallocatedSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    private DiskFacts.Qcow2Clusters qcow2Clusters(Path image) {
        // Exit codes 2 and 3 report corruption or leaks, still with the counts.
        Exec.Result r = Exec.capture(
                Exec.Command.of("qemu-img", "check", "-U", "-f", "qcow2", "--output=json", image.toString()));
        if (r.stdout().isBlank()) {
            return null;
        }
        JsonNode n = readJson(r.stdout(), "qemu-img check");
        return new DiskFacts.Qcow2Clusters(
                n.path("total-clusters").asLong(),
                n.path("allocated-clusters").asLong(),
                n.path("compressed-clusters").asLong());
    }

    private long allocatedBytes(Path image, String format) {
        Exec.Result r =
                Exec.capture(Exec.Command.of("qemu-img", "map", "-U", "-f", format, "--output=json", image.toString()));
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
}
