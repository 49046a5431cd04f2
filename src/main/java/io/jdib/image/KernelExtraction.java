package io.jdib.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.event.EventSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Loops;
import io.jdib.sys.Mounts;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * disk-image-get-kernel: finds the newest kernel (and its initrd) in a built image and copies them
 * out. The image is never written: a non-raw image is converted to a temporary raw file, every
 * filesystem is reached through a read-only offset loop device and mounted read-only without
 * journal replay, and every loop and mount goes through the ledger.
 */
public final class KernelExtraction {
    private static final Set<String> LINUX_FILESYSTEMS = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the kernel was found and the files written. */
    public record Result(String version, String foundIn, Path kernel, Optional<Path> initrd) {}

    /** A byte range of the raw image that may hold a filesystem. */
    record Region(String name, long offset, long size) {}

    private final Ledger ledger;
    private final EventSink events;
    private final Path work;

    /** @param work a scratch directory (temporary raw image, mount points), removed by the caller */
    public KernelExtraction(Ledger ledger, Path work, EventSink events) {
        this.ledger = ledger;
        this.work = work;
        this.events = events;
    }

    public Result extract(Path image, Path outDir, String prefix) {
        if (!Files.isRegularFile(image)) {
            throw new UserError("image " + image + " does not exist or is not a file");
        }
        try {
            Files.createDirectories(work);
            Files.createDirectories(outDir);
            Path raw = raw(image);
            List<Region> regions = regions(raw);
            Candidate best = null;
            int n = 0;
            for (Region region : regions) {
                Candidate found = search(raw, region, work.resolve("mnt" + n++));
                if (found != null && (best == null
                        || KernelFiles.VERSION_ORDER.compare(found.version, best.version) > 0)) {
                    best = found;
                }
            }
            if (best == null) {
                throw new UserError("no kernel (boot/vmlinuz-*) found in any Linux filesystem of " + image + " ("
                        + regions.size() + (regions.size() == 1 ? " filesystem" : " partitions") + " searched)");
            }
            Path kernel = outDir.resolve(prefix + "-vmlinuz");
            Files.move(best.kernel, kernel, StandardCopyOption.REPLACE_EXISTING);
            Optional<Path> initrd = Optional.empty();
            if (best.initrd != null) {
                Path target = outDir.resolve(prefix + "-initrd");
                Files.move(best.initrd, target, StandardCopyOption.REPLACE_EXISTING);
                initrd = Optional.of(target);
            } else {
                events.warn("kernel " + best.version + " in " + best.where + " has no initrd; wrote only " + kernel);
            }
            return new Result(best.version, best.where, kernel, initrd);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Candidate(String version, String where, Path kernel, Path initrd) {}

    /** The image as raw bytes: itself when raw, else a temporary conversion. */
    private Path raw(Path image) throws IOException {
        Exec.Result info = Exec.capture(Exec.Command.of("qemu-img", "info", "--output=json", image.toString()));
        if (!info.ok()) {
            throw new UserError("qemu-img cannot read " + image + ": " + String.join(" ", info.tail()));
        }
        String format = JSON.readTree(info.stdout()).path("format").asText("raw");
        if (format.equals("raw")) {
            return image;
        }
        Path raw = work.resolve("image.raw");
        events.info("converting " + format + " image to a temporary raw file");
        Exec.Result convert = Exec.capture(Exec.Command.of("qemu-img", "convert", "-f", format, "-O", "raw",
                image.toString(), raw.toString()));
        if (!convert.ok()) {
            throw new UserError("qemu-img convert of " + image + " failed: " + String.join(" ", convert.tail()));
        }
        return raw;
    }

    /** The partitions of an MBR or GPT image, or the whole image when it has no partition table. */
    List<Region> regions(Path raw) throws IOException {
        long size = Files.size(raw);
        Exec.Result dump = Exec.capture(Exec.Command.of("sfdisk", "--json", raw.toString()));
        if (!dump.ok() || dump.stdout().isBlank()) {
            return List.of(new Region("whole image", 0, size));
        }
        return parseSfdisk(dump.stdout(), size);
    }

    static List<Region> parseSfdisk(String json, long imageSize) throws IOException {
        JsonNode table = JSON.readTree(json).path("partitiontable");
        long sector = table.path("sectorsize").asLong(512);
        List<Region> regions = new ArrayList<>();
        for (JsonNode p : table.path("partitions")) {
            String type = p.path("type").asText("");
            // Extended MBR containers (5, f, 85) hold other partitions, not a filesystem.
            if (Set.of("5", "f", "85").contains(type.toLowerCase())) {
                continue;
            }
            long offset = p.path("start").asLong() * sector;
            long length = p.path("size").asLong() * sector;
            if (length > 0 && offset + length <= imageSize) {
                String node = p.path("node").asText("");
                String number = node.replaceFirst("^.*?(\\d+)$", "$1");
                regions.add(new Region("partition " + (number.equals(node) ? regions.size() + 1 : number), offset, length));
            }
        }
        if (regions.isEmpty()) {
            regions.add(new Region("whole image", 0, imageSize));
        }
        return regions;
    }

    /** Mounts one region read-only (if it holds a Linux filesystem) and copies out its newest kernel. */
    private Candidate search(Path raw, Region region, Path mountPoint) throws IOException {
        try (Loops.Loop loop = new Loops(ledger).attachReadOnly(raw, region.offset, region.size)) {
            Exec.Result probe = Exec.capture(Exec.Command.of("blkid", "--probe", "--output", "value",
                    "--match-tag", "TYPE", loop.device()));
            String type = probe.stdout().strip();
            if (!LINUX_FILESYSTEMS.contains(type)) {
                events.debug(region.name + ": " + (type.isEmpty() ? "no filesystem" : type) + ", skipped");
                return null;
            }
            Files.createDirectories(mountPoint);
            String options = switch (type) {
                case "ext3", "ext4" -> "ro,noload";
                case "xfs" -> "ro,norecovery";
                default -> "ro";
            };
            Ledger.Entry mount = new Mounts(ledger).mount(type, loop.device(), mountPoint, options);
            try {
                // The root filesystem has boot/; a separate /boot filesystem has the kernels at its top.
                Optional<KernelFiles.Kernel> newest = KernelFiles.newest(mountPoint.resolve("boot"));
                if (newest.isEmpty()) {
                    newest = KernelFiles.newest(mountPoint);
                }
                if (newest.isEmpty()) {
                    events.debug(region.name + ": " + type + ", no kernel");
                    return null;
                }
                KernelFiles.Kernel k = newest.get();
                String where = region.name + " (" + type + ") " + mountPoint.relativize(k.kernel());
                events.info("found kernel " + k.version() + " in " + where);
                Path kernelCopy = work.resolve(mountPoint.getFileName() + ".vmlinuz");
                Files.copy(k.kernel(), kernelCopy, StandardCopyOption.REPLACE_EXISTING);
                Path initrdCopy = null;
                if (k.initrd().isPresent()) {
                    initrdCopy = work.resolve(mountPoint.getFileName() + ".initrd");
                    Files.copy(k.initrd().get(), initrdCopy, StandardCopyOption.REPLACE_EXISTING);
                }
                return new Candidate(k.version(), where, kernelCopy, initrdCopy);
            } finally {
                mount.undo();
            }
        }
    }
}
