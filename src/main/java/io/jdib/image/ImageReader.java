package io.jdib.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Loops;
import io.jdib.sys.Mounts;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Opens a disk image that jdib must never write: {@code jdib check} and {@code disk-image-get-kernel}
 * read images through it. A non-raw image is first converted to a sparse raw copy in the scratch
 * directory ({@code qemu-img -U}, so an image in use can still be read); each partition is reached by
 * a read-only offset loop device and mounted read-only without journal replay. Every loop and mount
 * is recorded in the caller's ledger before it is made; the caller's workspace undoes them.
 */
public final class ImageReader {
    /** Filesystems a read-only mount can show. */
    public static final Set<String> LINUX_FILESYSTEMS = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs");
    /** Extended MBR partitions hold other partitions, not a filesystem. */
    private static final Set<String> CONTAINER_TYPES = Set.of("5", "f", "85");

    private static final String BIOS_BOOT = "21686148-6449-6e6f-744e-656564454649";
    private static final long SMALLEST_FILESYSTEM = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One byte range of the raw image that may hold a filesystem: a partition ({@code p1}, number 1)
     * or, without a partition table, the whole image ({@code disk}, number 0).
     */
    public record Partition(String name, int number, long offset, long size, String type, String partUuid) {
        /** How messages name it: "partition 1", "whole image" or "logical volume vg-root". */
        public String describe() {
            return number > 0 ? "partition " + number : name.equals("disk") ? "whole image" : "logical volume " + name;
        }

        /** Too small, or a BIOS boot partition: no filesystem to look for. */
        boolean holdsNoFilesystem() {
            return size < SMALLEST_FILESYSTEM || type.equalsIgnoreCase(BIOS_BOOT);
        }
    }

    /**
     * An image opened for reading: its format, the raw bytes to read, its partition table, and the
     * disk size a GPT was written for (from its last usable sector; -1 without a GPT).
     */
    public record Opened(
            Path image,
            String format,
            Path raw,
            Optional<String> tableLabel,
            List<Partition> partitions,
            long tableDiskBytes) {
        /** The size of the raw disk. */
        public long rawBytes() {
            return size(raw);
        }
    }

    /** What blkid found in a partition, and the read-only loop device that reaches it. */
    public record Probed(Partition partition, String device, String fsType, String label, String uuid) {
        public boolean mountable() {
            return LINUX_FILESYSTEMS.contains(fsType);
        }
    }

    private final Path scratch;
    private final Ledger ledger;
    private final Consumer<String> progress;

    public ImageReader(Path scratch, Ledger ledger, Consumer<String> progress) {
        this.scratch = scratch;
        this.ledger = ledger;
        this.progress = progress;
    }

    /** Checks {@code image} is a disk image qemu-img can read, converts it to raw if needed, reads its table. */
    public Opened open(Path image) {
        return open(image, 512);
    }

    /**
     * The same, for an image whose partition table was written for {@code sectorSize}-byte logical
     * sectors (4096 for a 4Kn disk; the file itself does not say).
     */
    public Opened open(Path image, int sectorSize) {
        if (!Files.isRegularFile(image)) {
            throw new UserError("no image at " + image + "; give the path of a qcow2, raw, vhd, vhdx or vmdk file");
        }
        String format = qemuImgInfo(image).path("format").asText("raw");
        Path raw = image;
        if (!format.equals("raw")) {
            raw = scratch.resolve("image.raw");
            mkdirs(scratch);
            progress.accept("converting " + format + " image to a temporary raw file");
            Exec.Result convert = Exec.capture(Exec.Command.of(
                    "qemu-img", "convert", "-U", "-f", format, "-O", "raw", image.toString(), raw.toString()));
            if (!convert.ok()) {
                throw new UserError("qemu-img convert of " + image + " failed: " + String.join(" ", convert.tail()));
            }
        }
        long size = size(raw);
        Exec.Result sfdisk;
        if (sectorSize == 512) {
            sfdisk = Exec.capture(Exec.Command.of("sfdisk", "--json", raw.toString()));
        } else {
            // sfdisk reads a file with 512-byte sectors; a loop device gives it the image's own.
            try (Loops.Loop loop = new Loops(ledger).attachReadOnly(raw, sectorSize)) {
                sfdisk = Exec.capture(Exec.Command.of("sfdisk", "--json", loop.device()));
            }
        }
        if (!sfdisk.ok() || sfdisk.stdout().isBlank()) {
            return new Opened(
                    image, format, raw, Optional.empty(), List.of(new Partition("disk", 0, 0, size, "", "")), -1);
        }
        JsonNode table = readJson(sfdisk.stdout(), "sfdisk --json").path("partitiontable");
        // GPT: the last usable sector, then 32 sectors of backup entries and the backup header.
        long tableDiskBytes = table.has("lastlba")
                ? (table.path("lastlba").asLong() + 34)
                        * table.path("sectorsize").asLong(512)
                : -1;
        return new Opened(
                image, format, raw, Optional.of(table.path("label").asText()), partitions(table, size), tableDiskBytes);
    }

    /** The partitions of {@code sfdisk --json}'s table that lie inside the image, or the whole image. */
    static List<Partition> partitions(JsonNode table, long imageSize) {
        long sector = table.path("sectorsize").asLong(512);
        String diskId = table.path("id").asText("").toLowerCase(Locale.ROOT).replaceFirst("^0x", "");
        List<Partition> partitions = new ArrayList<>();
        for (JsonNode p : table.path("partitions")) {
            String type = p.path("type").asText("");
            long offset = p.path("start").asLong() * sector;
            long length = p.path("size").asLong() * sector;
            if (CONTAINER_TYPES.contains(type.toLowerCase(Locale.ROOT)) || length <= 0 || offset + length > imageSize) {
                continue;
            }
            String node = p.path("node").asText("");
            String digits = node.replaceFirst("^.*?(\\d+)$", "$1");
            int number = digits.equals(node) ? partitions.size() + 1 : Integer.parseInt(digits);
            // MBR partitions have no UUID of their own; Linux names them DISKID-NN (PARTUUID=).
            String partUuid = p.has("uuid")
                    ? p.path("uuid").asText()
                    : diskId.isEmpty() ? "" : diskId + "-" + String.format("%02x", number);
            partitions.add(
                    new Partition("p" + number, number, offset, length, type, partUuid.toLowerCase(Locale.ROOT)));
        }
        if (partitions.isEmpty()) {
            partitions.add(new Partition("disk", 0, 0, imageSize, "", ""));
        }
        return partitions;
    }

    /** Same, from {@code sfdisk --json} text (for tests). */
    static List<Partition> partitions(String sfdiskJson, long imageSize) {
        return partitions(readJson(sfdiskJson, "sfdisk --json").path("partitiontable"), imageSize);
    }

    /** Attaches a read-only loop to the partition and asks blkid what it holds; empty for none. */
    public Optional<Probed> probe(Opened opened, Partition partition) {
        if (partition.holdsNoFilesystem()) {
            return Optional.empty();
        }
        Loops.Loop loop = new Loops(ledger).attachReadOnly(opened.raw(), partition.offset(), partition.size());
        Map<String, String> id = blkid(loop.device());
        return Optional.of(new Probed(
                partition,
                loop.device(),
                id.getOrDefault("TYPE", ""),
                id.getOrDefault("LABEL", ""),
                id.getOrDefault("UUID", "").toLowerCase(Locale.ROOT)));
    }

    /**
     * The logical volumes of an LVM physical volume, each as the one byte range of the raw image that
     * jdib's layouts give it, named as device-mapper would ({@code vg-lv}), read with lvm2's own tools
     * (reading only: nothing is activated). LVs of several segments are left out. Empty, with a note,
     * when lvm2 is missing or the metadata cannot be read.
     */
    public List<Partition> logicalVolumes(Probed pv) {
        String filter = "devices{filter=[\"a|^" + pv.device() + "$|\",\"r|.*|\"]}";
        List<String> report =
                List.of("--config", filter, "--noheadings", "--units", "b", "--nosuffix", "--separator", "|");
        Exec.Result pvs = lvm("pvs", report, "pe_start,vg_extent_size");
        Exec.Result lvs = lvm("lvs", report, "vg_name,lv_name,lv_size,seg_count,seg_pe_ranges");
        if (pvs == null || lvs == null) {
            progress.accept("cannot read the LVM metadata of " + pv.partition().describe()
                    + " (is lvm2 installed?); its logical volumes are not read");
            return List.of();
        }
        String[] pe = pvs.stdout().strip().split("\\|");
        if (pe.length < 2) {
            return List.of();
        }
        long peStart = Long.parseLong(pe[0].strip());
        long extent = Long.parseLong(pe[1].strip());
        List<Partition> found = new ArrayList<>();
        for (String line : lvs.stdout().split("\n")) {
            String[] f = line.strip().split("\\|");
            if (f.length < 5 || !f[3].strip().equals("1")) {
                continue;
            }
            String first = f[4].strip().replaceAll("^.*:(\\d+)-\\d+$", "$1");
            if (!first.matches("\\d+")) {
                continue;
            }
            String name = f[0].strip().replace("-", "--") + "-" + f[1].strip().replace("-", "--");
            found.add(new Partition(
                    name,
                    0,
                    pv.partition().offset() + peStart + Long.parseLong(first) * extent,
                    Long.parseLong(f[2].strip()),
                    "",
                    ""));
        }
        return found;
    }

    private static Exec.Result lvm(String command, List<String> report, String fields) {
        List<String> argv = new ArrayList<>(List.of(command));
        argv.addAll(report);
        argv.addAll(List.of("-o", fields));
        try {
            Exec.Result r = Exec.capture(Exec.Command.of(argv));
            return r.ok() ? r : null;
        } catch (RuntimeException e) {
            return null; // no lvm2 on this host
        }
    }

    /** Whether blkid found an LVM physical volume. */
    public static boolean isLvmMember(Probed probed) {
        return probed.fsType().equals("LVM2_member");
    }

    /** Mounts a probed Linux filesystem read-only at {@code point}: no journal replay, no log recovery. */
    public Path mount(Probed probed, Path point) {
        if (!probed.mountable()) {
            throw new IllegalArgumentException(
                    probed.partition().describe() + " holds " + probed.fsType() + ", not a filesystem jdib mounts");
        }
        mkdirs(point);
        String options = switch (probed.fsType()) {
            case "ext3", "ext4" -> "ro,noload";
            case "xfs" -> "ro,norecovery";
            default -> "ro";
        };
        new Mounts(ledger).mount(probed.fsType(), probed.device(), point, options);
        return point;
    }

    private static JsonNode qemuImgInfo(Path image) {
        Exec.Result r = Exec.capture(Exec.Command.of("qemu-img", "info", "-U", "--output=json", image.toString()));
        if (!r.ok()) {
            throw new UserError(image + " is not a disk image qemu-img can read (" + String.join(" ", r.tail())
                    + "); give a qcow2, raw, vhd, vhdx or vmdk file");
        }
        return readJson(r.stdout(), "qemu-img info");
    }

    private static Map<String, String> blkid(String device) {
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

    static JsonNode readJson(String text, String what) {
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
