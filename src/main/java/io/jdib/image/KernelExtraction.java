package io.jdib.image;

import io.jdib.event.EventSink;
import io.jdib.sys.Ledger;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * disk-image-get-kernel: finds the newest kernel (and its initrd) in a built image and copies them
 * out. The image is never written: a non-raw image is converted to a temporary raw file, every
 * filesystem is reached through a read-only offset loop device and mounted read-only without
 * journal replay, and every loop and mount goes through the ledger.
 */
public final class KernelExtraction {
    /** Where the kernel was found and the files written. */
    public record Result(String version, String foundIn, Path kernel, Optional<Path> initrd) {}

    private final ImageReader reader;
    private final EventSink events;
    private final Path work;

    /** @param work a scratch directory (temporary raw image, mount points), removed by the caller's workspace */
    public KernelExtraction(Ledger ledger, Path work, EventSink events) {
        this.work = work;
        this.events = events;
        this.reader = new ImageReader(work, ledger, events::info);
    }

    public Result extract(Path image, Path outDir, String prefix) {
        if (!Files.isRegularFile(image)) {
            throw new UserError("image " + image + " does not exist or is not a file");
        }
        try {
            Files.createDirectories(outDir);
            ImageReader.Opened opened = reader.open(image);
            Candidate best = null;
            List<ImageReader.Partition> partitions = new ArrayList<>(opened.partitions());
            for (int i = 0; i < partitions.size(); i++) {
                Candidate found = search(opened, partitions.get(i), partitions, i);
                if (found != null
                        && (best == null || KernelFiles.VERSION_ORDER.compare(found.version, best.version) > 0)) {
                    best = found;
                }
            }
            if (best == null) {
                int n = opened.partitions().size();
                throw new UserError("no kernel (boot/vmlinuz-*) found in any Linux filesystem of " + image + " (" + n
                        + (opened.tableLabel().isEmpty() ? " filesystem" : " partitions") + " searched)");
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

    /** Mounts one partition read-only (if it holds a Linux filesystem) and copies out its newest kernel. */
    private Candidate search(
            ImageReader.Opened opened,
            ImageReader.Partition partition,
            List<ImageReader.Partition> partitions,
            int index)
            throws IOException {
        Optional<ImageReader.Probed> probed = reader.probe(opened, partition);
        if (probed.isPresent() && ImageReader.isLvmMember(probed.get())) {
            // An LVM physical volume: its logical volumes are searched next, in place.
            partitions.addAll(index + 1, reader.logicalVolumes(probed.get()));
            return null;
        }
        if (probed.isEmpty() || !probed.get().mountable()) {
            events.debug(partition.describe() + ": "
                    + probed.map(p -> p.fsType().isEmpty() ? "no filesystem" : p.fsType())
                            .orElse("no filesystem") + ", skipped");
            return null;
        }
        String type = probed.get().fsType();
        Path mountPoint = reader.mount(probed.get(), work.resolve("mnt-" + partition.name()));
        // The root filesystem has boot/; a separate /boot filesystem has the kernels at its top.
        Optional<KernelFiles.Kernel> newest = KernelFiles.newest(mountPoint.resolve("boot"));
        if (newest.isEmpty()) {
            newest = KernelFiles.newest(mountPoint);
        }
        if (newest.isEmpty()) {
            events.debug(partition.describe() + ": " + type + ", no kernel");
            return null;
        }
        KernelFiles.Kernel k = newest.get();
        String where = partition.describe() + " (" + type + ") " + mountPoint.relativize(k.kernel());
        events.info("found kernel " + k.version() + " in " + where);
        Path kernelCopy = work.resolve(partition.name() + ".vmlinuz");
        Files.copy(k.kernel(), kernelCopy, StandardCopyOption.REPLACE_EXISTING);
        Path initrdCopy = null;
        if (k.initrd().isPresent()) {
            initrdCopy = work.resolve(partition.name() + ".initrd");
            Files.copy(k.initrd().get(), initrdCopy, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Candidate(k.version(), where, kernelCopy, initrdCopy);
    }
}
