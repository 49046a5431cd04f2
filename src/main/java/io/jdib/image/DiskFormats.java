package io.jdib.image;

import io.jdib.event.BuildEvent;
import io.jdib.event.EventSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the finished raw disk image into the requested formats with qemu-img.
 *
 * <p>Each output depends only on the raw image, its format and the request's options, never on
 * which other formats are asked for or in what order (DIB's {@code -t vhd,qcow2} left qcow2
 * uncompressed). Raw is made last, because it may consume the source. Every file is written under
 * {@code NAME.ext.jdib-partial} and renamed when complete, so a failed or killed conversion never
 * leaves a truncated file under the final name.
 *
 * <p>What each format gets:
 * <ul>
 * <li>qcow2: {@code -c} (unless uncompressed), {@code -o compat=1.1}, and {@code -m 2 -W} so two
 *     coroutines compress in parallel;
 * <li>vhd: qemu's {@code vpc}, {@code subformat=dynamic} (what DIB's vhd-util chain made) with
 *     {@code force_size=on} so the virtual size is exactly the raw size, not rounded to CHS geometry;
 * <li>vmdk: qemu-img's default monolithicSparse, as DIB (pass {@code subformat=streamOptimized}
 *     in --qemu-img-options for VMware's stream format);
 * <li>vhdx: qemu-img's defaults;
 * <li>raw: the raw file itself, copied sparsely, or moved when the request allows it.
 * </ul>
 * Extra {@code --qemu-img-options} go last, so they override the defaults above.
 */
public final class DiskFormats {
    private static final Pattern PROGRESS = Pattern.compile("\\((\\d+)(?:\\.\\d+)?/100%\\)");
    private static final int COROUTINES = 2;

    private final EventSink events;
    private final Ledger ledger;

    /** {@code ledger} (may be null) records the qemu-img process groups while they run. */
    public DiskFormats(EventSink events, Ledger ledger) {
        this.events = events;
        this.ledger = ledger;
    }

    public DiskFormats(EventSink events) {
        this(events, null);
    }

    /** Writes every requested format; on the first failure throws {@link DiskFormatError}. */
    public ConversionResult convert(ConversionRequest request) {
        request.validate();
        long virtualSize = size(request.rawImage());
        Map<DiskFormat, ConvertedImage> done = new LinkedHashMap<>();
        List<DiskFormat> order = new ArrayList<>(request.formats());
        if (order.remove(DiskFormat.RAW)) {
            order.add(DiskFormat.RAW);
        }
        for (DiskFormat format : order) {
            long start = System.nanoTime();
            Path target = request.target(format);
            events.info("writing " + format.extension() + " image " + target);
            if (format == DiskFormat.RAW) {
                writeRaw(request, target);
            } else {
                qemuImg(request, format, target);
            }
            long bytes = size(target);
            events.emit(new BuildEvent.OutputWritten(format.extension(), target.toString(), bytes));
            List<Path> sums = request.checksum() ? writeChecksums(target) : List.of();
            done.put(
                    format,
                    new ConvertedImage(
                            format, target, bytes, virtualSize, Duration.ofNanos(System.nanoTime() - start), sums));
        }
        return new ConversionResult(request.formats().stream().map(done::get).toList());
    }

    /** The qemu-img argument list for one conversion (exposed for tests and for --dry-run style output). */
    public static List<String> qemuImgArgs(ConversionRequest request, DiskFormat format, Path source, Path output) {
        if (format == DiskFormat.RAW) {
            throw new IllegalArgumentException("raw is copied, not converted");
        }
        List<String> argv = new ArrayList<>(
                List.of(Tools.require("qemu-img").toString(), "convert", "-p", "-f", "raw", "-O", format.qemuFormat()));
        List<String> options = new ArrayList<>();
        switch (format) {
            case QCOW2 -> {
                if (request.compress()) {
                    argv.add("-c");
                }
                argv.addAll(List.of("-m", Integer.toString(COROUTINES)));
                if (request.parallelWrites()) {
                    argv.add("-W");
                }
                options.add("compat=1.1");
            }
            case VHD -> options.add("subformat=dynamic,force_size=on");
            default -> {}
        }
        // DIB makes vhd with vhd-util, which never sees --qemu-img-options; options such as
        // compat=0.10 are meant for qcow2 and would make qemu-img's vpc driver fail.
        if (request.qemuImgOptions() != null && format != DiskFormat.VHD) {
            options.add(request.qemuImgOptions());
        }
        for (String option : options) {
            argv.addAll(List.of("-o", option));
        }
        argv.add(source.toString());
        argv.add(output.toString());
        return argv;
    }

    private void qemuImg(ConversionRequest request, DiskFormat format, Path target) {
        Path partial = TarOutput.partial(target);
        deleteQuietly(partial);
        List<String> argv = qemuImgArgs(request, format, request.rawImage(), partial);
        events.debug("running " + String.join(" ", argv));
        String task = "convert to " + format.extension();
        int[] last = {-1};
        Exec.Result result;
        try {
            result = Exec.stream(Exec.Command.of(argv), ledger, line -> {
                Matcher m = PROGRESS.matcher(line);
                if (m.find()) {
                    int percent = Integer.parseInt(m.group(1));
                    if (percent != last[0]) {
                        last[0] = percent;
                        events.emit(new BuildEvent.Progress(task, percent));
                    }
                } else if (!line.isBlank()) {
                    events.emit(new BuildEvent.OutputLine("qemu-img", line));
                }
            });
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
        if (!result.ok()) {
            deleteQuietly(partial);
            List<String> messages = result.tail().stream()
                    .filter(l -> !l.isBlank() && !PROGRESS.matcher(l).find())
                    .toList();
            throw new DiskFormatError("writing " + target + " failed: qemu-img exited " + result.exitCode()
                    + (messages.isEmpty() ? "" : ": " + String.join(" | ", messages))
                    + (request.qemuImgOptions() == null
                            ? ""
                            : " (check --qemu-img-options '" + request.qemuImgOptions() + "' against"
                                    + " 'qemu-img create -f " + format.qemuFormat() + " -o help')"));
        }
        publish(partial, target);
    }

    private void writeRaw(ConversionRequest request, Path target) {
        Path source = request.rawImage();
        if (sameFile(source, target)) {
            return;
        }
        if (request.consumeSource()) {
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return;
            } catch (AtomicMoveNotSupportedException e) {
                events.debug("cannot move " + source + " to " + target + " (another file system); copying");
            } catch (IOException e) {
                throw new DiskFormatError("cannot move " + source + " to " + target + ": " + e.getMessage(), e);
            }
        }
        Path partial = TarOutput.partial(target);
        deleteQuietly(partial);
        Exec.Result result = Exec.capture(Exec.Command.of(
                Tools.require("cp").toString(), "--sparse=always", source.toString(), partial.toString()));
        if (!result.ok()) {
            deleteQuietly(partial);
            throw new DiskFormatError(
                    "copying " + source + " to " + target + " failed: " + String.join(" | ", result.tail()));
        }
        publish(partial, target);
    }

    /** Writes {@code FILE.sha256} and {@code FILE.md5} in sha256sum/md5sum format, naming the file by its base name. */
    static List<Path> writeChecksums(Path file) {
        MessageDigest sha256 = digest("SHA-256");
        MessageDigest md5 = digest("MD5");
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha256.update(buffer, 0, n);
                md5.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new DiskFormatError("cannot read " + file + " to checksum it: " + e.getMessage(), e);
        }
        String base = file.getFileName().toString();
        Path shaFile = file.resolveSibling(base + ".sha256");
        Path md5File = file.resolveSibling(base + ".md5");
        writeAtomically(shaFile, HexFormat.of().formatHex(sha256.digest()) + "  " + base + "\n");
        writeAtomically(md5File, HexFormat.of().formatHex(md5.digest()) + "  " + base + "\n");
        return List.of(shaFile, md5File);
    }

    private static void writeAtomically(Path target, String content) {
        Path partial = TarOutput.partial(target);
        try {
            Files.writeString(partial, content, StandardCharsets.US_ASCII);
            publish(partial, target);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new DiskFormatError("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void publish(Path partial, Path target) {
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new DiskFormatError("cannot rename " + partial + " to " + target + ": " + e.getMessage(), e);
        }
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        TarOutput.deleteQuietly(file);
    }
}
