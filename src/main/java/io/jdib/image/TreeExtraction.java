package io.jdib.image;

import io.jdib.event.EventSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Tar;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The replace-partition element's root.d: copies the whole file tree of a built disk image into a
 * build's {@code TARGET_ROOT}, so the tree can be laid out again on another block-device layout (or
 * sector size). The image is only read, as {@link KernelExtraction} reads it: every filesystem
 * through a read-only offset loop, mounted read-only without journal replay. The root filesystem is
 * the one with {@code etc/fstab}; the other entries of that fstab are mounted under it (LABEL=,
 * UUID=, PARTUUID= or a device path matched against what blkid found), and vfat ones (an EFI system
 * partition), which this host cannot mount, are copied with mtools. Owners, modes, extended
 * attributes and ACLs are kept (GNU tar).
 */
public final class TreeExtraction {
    /** What was copied: the filesystems, as "where (type) from which partition". */
    public record Result(List<String> copied) {}

    /** One line of the image's /etc/fstab. */
    record Entry(String spec, String mountPoint, String type) {}

    private final ImageReader reader;
    private final EventSink events;
    private final Path work;

    /** @param work a scratch directory (temporary raw image, mount points), removed by the caller's workspace */
    public TreeExtraction(Ledger ledger, Path work, EventSink events) {
        this.work = work;
        this.events = events;
        this.reader = new ImageReader(work, ledger, events::info);
    }

    /**
     * @param sectorSize the logical sector size the image's partition table was written for (512 or
     *     4096; DIB_SOURCE_BLOCK_SIZE)
     */
    public Result extract(Path image, int sectorSize, Path into) {
        ImageReader.Opened opened = reader.open(image, sectorSize);
        List<ImageReader.Probed> found = new ArrayList<>();
        List<ImageReader.Partition> partitions = new ArrayList<>(opened.partitions());
        for (int i = 0; i < partitions.size(); i++) {
            Optional<ImageReader.Probed> probed = reader.probe(opened, partitions.get(i));
            if (probed.isEmpty()) {
                continue;
            }
            if (ImageReader.isLvmMember(probed.get())) {
                partitions.addAll(i + 1, reader.logicalVolumes(probed.get()));
                continue;
            }
            found.add(probed.get());
        }
        Path rootMount = null;
        ImageReader.Probed root = null;
        for (ImageReader.Probed p : found) {
            if (!p.mountable()) {
                continue;
            }
            Path point = reader.mount(p, work.resolve("mnt-" + p.partition().name()));
            if (Files.isRegularFile(point.resolve("etc/fstab"))) {
                root = p;
                rootMount = point;
                break;
            }
        }
        if (root == null) {
            throw new UserError("no root filesystem (one with /etc/fstab) in " + image + " ("
                    + found.size() + " filesystems probed with " + sectorSize + "-byte sectors"
                    + (sectorSize == 512
                            ? "; an image made for 4096-byte sectors needs DIB_SOURCE_BLOCK_SIZE=4096"
                            : "")
                    + ")");
        }
        List<String> copied = new ArrayList<>();
        copied.add("/ (" + root.fsType() + ") from " + root.partition().describe());
        List<Entry> entries = fstab(rootMount.resolve("etc/fstab"));
        List<Entry> vfat = new ArrayList<>();
        List<ImageReader.Probed> used = new ArrayList<>(List.of(root));
        // Parents before children: /boot before /boot/efi.
        entries.sort(Comparator.comparing(e -> e.mountPoint().length()));
        for (Entry e : entries) {
            if (e.mountPoint().equals("/") || !e.mountPoint().startsWith("/")) {
                continue;
            }
            Optional<ImageReader.Probed> match = found.stream()
                    .filter(p -> !used.contains(p) && matches(e.spec(), p))
                    .findFirst();
            if (match.isEmpty()) {
                events.warn("replace-partition: fstab entry " + e.spec() + " " + e.mountPoint()
                        + " matches no filesystem of the image; its mount point stays empty");
                continue;
            }
            ImageReader.Probed p = match.get();
            used.add(p);
            if (p.fsType().equals("vfat")) {
                vfat.add(new Entry(p.device(), e.mountPoint(), "vfat"));
            } else if (p.mountable()) {
                Path at = rootMount.resolve(e.mountPoint().substring(1));
                if (!Files.isDirectory(at)) {
                    events.warn("replace-partition: no directory " + e.mountPoint()
                            + " in the root filesystem to mount " + e.spec() + " on; skipped");
                    continue;
                }
                reader.mount(p, at);
            } else {
                events.warn("replace-partition: " + e.mountPoint() + " holds " + p.fsType() + "; not copied");
                continue;
            }
            copied.add(e.mountPoint() + " (" + p.fsType() + ") from "
                    + p.partition().describe());
        }

        mkdirs(into);
        List<String> create =
                new ArrayList<>(List.of("tar", "--create", "--file", "-", "--directory", rootMount.toString()));
        create.addAll(Tar.KEEP_EVERYTHING);
        create.add(".");
        List<String> extract =
                new ArrayList<>(List.of("tar", "--extract", "--file", "-", "--directory", into.toString()));
        extract.addAll(Tar.KEEP_EVERYTHING);
        extract.add("--preserve-permissions");
        String pipe = shellJoin(create) + " | " + shellJoin(extract);
        Exec.Result tar = Exec.capture(Exec.Command.of("/bin/bash", "-c", "set -o pipefail; " + pipe));
        if (!tar.ok()) {
            throw new UserError("copying the tree of " + image + " failed: " + String.join(" ", tar.tail()));
        }
        for (Entry e : vfat) {
            Path target = into.resolve(e.mountPoint().substring(1));
            mkdirs(target);
            Exec.Result mcopy = Exec.capture(Exec.Command.of(
                    "mcopy", "-s", "-p", "-n", "-m", "-Q", "-i", e.spec(), "::/", target.toString() + "/"));
            if (!mcopy.ok()) {
                throw new UserError("copying " + e.mountPoint() + " (vfat) out of " + image + " failed: "
                        + String.join(" ", mcopy.tail()));
            }
        }
        copied.forEach(c -> events.info("replace-partition: copied " + c));
        return new Result(copied);
    }

    private static boolean matches(String spec, ImageReader.Probed p) {
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.startsWith("label=")) {
            return spec.substring(6).equals(p.label());
        }
        if (lower.startsWith("uuid=")) {
            return lower.substring(5).equals(p.uuid());
        }
        if (lower.startsWith("partuuid=")) {
            return lower.substring(9).equals(p.partition().partUuid());
        }
        return false;
    }

    static List<Entry> fstab(Path file) {
        try {
            List<Entry> entries = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                String[] f = s.split("\\s+");
                if (f.length >= 3 && !f[2].equals("swap")) {
                    entries.add(new Entry(f[0], f[1], f[2]));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String shellJoin(List<String> argv) {
        StringBuilder s = new StringBuilder();
        for (String a : argv) {
            s.append(s.length() == 0 ? "" : " ")
                    .append("'")
                    .append(a.replace("'", "'\\''"))
                    .append("'");
        }
        return s.toString();
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
