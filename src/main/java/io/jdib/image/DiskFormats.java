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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * <li>qcow2: {@code -c} (unless uncompressed), {@code -o compat=1.1}, and {@code -m N -W} with N
 *     the number of cores (at least 2, at most qemu-img's 16). qemu-img still compresses on one
 *     core, so on several cores a compressed qcow2 is made in parts, one qemu-img per core, and
 *     joined ({@link SplitQcow2});
 * <li>vhd: qemu's {@code vpc}, {@code subformat=dynamic} (what DIB's vhd-util chain made) with
 *     {@code force_size=on} so the virtual size is exactly the raw size, not rounded to CHS geometry;
 * <li>vmdk: qemu-img's default monolithicSparse, as DIB (pass {@code subformat=streamOptimized}
 *     in --qemu-img-options for VMware's stream format);
 * <li>vhdx: qemu-img's defaults;
 * <li>raw: the raw file itself, copied sparsely, or moved when the request allows it.
 * </ul>
 * Extra {@code --qemu-img-options} go last, so they override the defaults above. Options only
 * qcow2 knows ({@code compat}, {@code compression_type}, {@code cluster_size}, ...) are given to the
 * qcow2 conversion only, so {@code -t qcow2,vmdk --qemu-img-options compression_type=zstd} works.
 *
 * <p>The qemu-img conversions run at the same time, one process each (the uncompressed formats are
 * bound by I/O, the compressed qcow2 by CPU), and raw is made after them.
 */
public final class DiskFormats {
    private static final Pattern PROGRESS = Pattern.compile("\\((\\d+)(?:\\.\\d+)?/100%\\)");
    /** qemu-img convert takes -m 1 to 16. */
    private static final int MAX_COROUTINES = 16;

    /** Options of qemu-img's qcow2 driver that the other formats jdib writes would refuse. */
    static final Set<String> QCOW2_ONLY = Set.of(
            "compat",
            Qcow2Compression.OPTION,
            "cluster_size",
            "lazy_refcounts",
            "refcount_bits",
            "extended_l2",
            "data_file",
            "data_file_raw");

    private static final Pattern OPTION_SEPARATOR = Pattern.compile("(?<!,),(?!,)");

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
        Map<DiskFormat, ConvertedImage> done = new ConcurrentHashMap<>();
        List<DiskFormat> converted =
                request.formats().stream().filter(f -> f != DiskFormat.RAW).toList();
        if (converted.size() == 1) {
            done.put(converted.get(0), write(request, converted.get(0), virtualSize));
        } else if (!converted.isEmpty()) {
            convertTogether(request, converted, virtualSize, done);
        }
        if (request.formats().contains(DiskFormat.RAW)) {
            done.put(DiskFormat.RAW, write(request, DiskFormat.RAW, virtualSize));
        }
        return new ConversionResult(request.formats().stream().map(done::get).toList());
    }

    /** One qemu-img per format, all at once; the first failure is thrown once all have ended. */
    private void convertTogether(
            ConversionRequest request,
            List<DiskFormat> formats,
            long virtualSize,
            Map<DiskFormat, ConvertedImage> done) {
        events.info("converting to "
                + String.join(", ", formats.stream().map(DiskFormat::extension).toList()) + " at once");
        ExecutorService pool = Executors.newFixedThreadPool(formats.size(), runnable -> {
            Thread thread = new Thread(runnable, "jdib-convert");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<ConvertedImage>> running = new ArrayList<>();
            for (DiskFormat format : formats) {
                running.add(pool.submit(() -> write(request, format, virtualSize)));
            }
            RuntimeException failed = null;
            for (Future<ConvertedImage> future : running) {
                try {
                    ConvertedImage image = future.get();
                    done.put(image.format(), image);
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r
                            ? r
                            : new DiskFormatError("conversion failed: " + e.getCause(), e.getCause());
                    if (failed == null) {
                        failed = cause;
                    } else {
                        failed.addSuppressed(cause);
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
            throw new DiskFormatError("interrupted while converting the disk image", e);
        } finally {
            pool.shutdown();
        }
    }

    private ConvertedImage write(ConversionRequest request, DiskFormat format, long virtualSize) {
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
        return new ConvertedImage(
                format, target, bytes, virtualSize, Duration.ofNanos(System.nanoTime() - start), sums);
    }

    /** qemu-img's -m: one coroutine per core, at least two, at most sixteen. */
    static int coroutines(int cores) {
        return Math.max(2, Math.min(MAX_COROUTINES, cores));
    }

    /** {@code a=1,b=2} as its options; {@code ,,} (qemu's escaped comma) does not split. */
    static List<String> splitOptions(String options) {
        return OPTION_SEPARATOR
                .splitAsStream(options)
                .map(String::strip)
                .filter(o -> !o.isEmpty())
                .toList();
    }

    /** The key of a {@code key=value} option. */
    static String key(String option) {
        int eq = option.indexOf('=');
        return (eq < 0 ? option : option.substring(0, eq)).strip();
    }

    /** The qemu-img argument list for one conversion (exposed for tests and for --dry-run style output). */
    public static List<String> qemuImgArgs(ConversionRequest request, DiskFormat format, Path source, Path output) {
        return qemuImgArgs(request, format, List.of("-f", "raw"), source.toString(), output);
    }

    /**
     * The qemu-img argument list reading {@code source} as {@code sourceFormat} says ({@code -f raw},
     * or {@code --image-opts} for a range of the raw image).
     */
    private static List<String> qemuImgArgs(
            ConversionRequest request, DiskFormat format, List<String> sourceFormat, String source, Path output) {
        if (format == DiskFormat.RAW) {
            throw new IllegalArgumentException("raw is copied, not converted");
        }
        List<String> argv = new ArrayList<>(List.of(Tools.require("qemu-img").toString(), "convert", "-p"));
        argv.addAll(sourceFormat);
        argv.addAll(List.of("-O", format.qemuFormat()));
        List<String> options = new ArrayList<>();
        switch (format) {
            case QCOW2 -> {
                if (request.compress()) {
                    argv.add("-c");
                }
                argv.addAll(List.of(
                        "-m", Integer.toString(coroutines(Runtime.getRuntime().availableProcessors()))));
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
        String given = format == DiskFormat.QCOW2 ? request.qcow2Options() : request.qemuImgOptions();
        if (given != null && format != DiskFormat.VHD) {
            List<String> extra = splitOptions(given).stream()
                    .filter(o -> format == DiskFormat.QCOW2 || !QCOW2_ONLY.contains(key(o)))
                    .toList();
            if (!extra.isEmpty()) {
                options.add(String.join(",", extra));
            }
        }
        for (String option : options) {
            argv.addAll(List.of("-o", option));
        }
        argv.add(source);
        argv.add(output.toString());
        return argv;
    }

    private void qemuImg(ConversionRequest request, DiskFormat format, Path target) {
        Path partial = TarOutput.partial(target);
        deleteQuietly(partial);
        if (format == DiskFormat.QCOW2 && splits(request, Runtime.getRuntime().availableProcessors())) {
            try {
                compressInParts(request, partial, Runtime.getRuntime().availableProcessors());
                publish(partial, target);
                return;
            } catch (SplitQcow2.Unsupported e) {
                deleteQuietly(partial);
                events.warn("could not compress the qcow2 on every core (" + e.getMessage() + "); using one");
            }
        }
        List<String> argv = qemuImgArgs(request, format, request.rawImage(), partial);
        String task = "convert to " + format.extension();
        runQemuImg(
                request,
                format,
                target,
                argv,
                new int[] {-1},
                0,
                percent -> events.emit(new BuildEvent.Progress(task, percent)));
        publish(partial, target);
    }

    /** Runs one qemu-img, reporting its progress; a failure removes what it wrote and says why. */
    private void runQemuImg(
            ConversionRequest request,
            DiskFormat format,
            Path target,
            List<String> argv,
            int[] percents,
            int index,
            java.util.function.IntConsumer progress) {
        Path output = Path.of(argv.get(argv.size() - 1));
        events.debug("running " + String.join(" ", argv));
        Exec.Result result;
        try {
            result = Exec.stream(Exec.Command.of(argv), ledger, line -> {
                Matcher m = PROGRESS.matcher(line);
                if (m.find()) {
                    int percent = Integer.parseInt(m.group(1));
                    if (percent != percents[index]) {
                        percents[index] = percent;
                        progress.accept(percent);
                    }
                } else if (!line.isBlank()) {
                    events.emit(new BuildEvent.OutputLine("qemu-img", line));
                }
            });
        } catch (RuntimeException e) {
            deleteQuietly(output);
            throw e;
        }
        if (!result.ok()) {
            deleteQuietly(output);
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
    }

    /** Below this a second qemu-img costs more than it saves. */
    static final long SPLIT_MIN_BYTES = 64L << 20;

    /** qcow2 options a split conversion keeps as they are; any other makes it one qemu-img. */
    private static final Set<String> SPLIT_OPTIONS = Set.of(Qcow2Compression.OPTION, "cluster_size", "compat");

    /**
     * Whether a compressed qcow2 is made from several ranges at once: on more than one core, for a
     * raw image worth it, with only options the join understands ({@code compat=1.1}, the
     * compression type, the cluster size).
     */
    static boolean splits(ConversionRequest request, int cores) {
        if (!request.compress() || cores < 2 || size(request.rawImage()) < SPLIT_MIN_BYTES) {
            return false;
        }
        if (request.qcow2Options() == null) {
            return true;
        }
        return splitOptions(request.qcow2Options()).stream()
                .allMatch(o ->
                        SPLIT_OPTIONS.contains(key(o)) && !o.replace(" ", "").equals("compat=0.10"));
    }

    /**
     * {@code count} qemu-img processes (one per core) each compress a range of the raw image holding its
     * share of the data; the parts are joined into {@code partial} and checked with {@code qemu-img check}.
     */
    void compressInParts(ConversionRequest request, Path partial, int count) throws SplitQcow2.Unsupported {
        Path raw = request.rawImage();
        long virtualSize = size(raw);
        List<SplitQcow2.Range> ranges = SplitQcow2.ranges(dataExtents(raw), virtualSize, 1 << 21, count);
        events.info("compressing the qcow2 in " + ranges.size() + " parts at once");
        List<Path> parts = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            parts.add(raw.resolveSibling(raw.getFileName() + ".part" + i + ".qcow2"));
        }
        int[] percents = new int[ranges.size()];
        int[] shown = {-1};
        ExecutorService pool = Executors.newFixedThreadPool(ranges.size(), runnable -> {
            Thread thread = new Thread(runnable, "jdib-compress");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < ranges.size(); i++) {
                SplitQcow2.Range range = ranges.get(i);
                int index = i;
                String source = "driver=raw,offset=" + range.offset() + ",size=" + range.length()
                        + ",file.driver=file,file.filename=" + raw.toString().replace(",", ",,");
                List<String> argv =
                        qemuImgArgs(request, DiskFormat.QCOW2, List.of("--image-opts"), source, parts.get(i));
                running.add(pool.submit(() ->
                        runQemuImg(request, DiskFormat.QCOW2, partial, argv, percents, index, percent -> {
                            int overall;
                            synchronized (percents) {
                                overall = (int) java.util.Arrays.stream(percents)
                                        .map(p -> Math.max(p, 0))
                                        .average()
                                        .orElse(0);
                                if (overall == shown[0]) {
                                    return;
                                }
                                shown[0] = overall;
                            }
                            events.emit(new BuildEvent.Progress("convert to qcow2", overall));
                        })));
            }
            awaitAll(running);
            List<SplitQcow2.Part> joined = new ArrayList<>();
            for (int i = 0; i < ranges.size(); i++) {
                joined.add(new SplitQcow2.Part(parts.get(i), ranges.get(i).offset()));
            }
            SplitQcow2.join(joined, virtualSize, partial);
        } catch (SplitQcow2.Unsupported e) {
            throw e;
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new DiskFormatError("cannot join the qcow2 parts into " + partial + ": " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
            parts.forEach(DiskFormats::deleteQuietly);
        }
        Exec.Result check = Exec.capture(Exec.Command.of(
                Tools.require("qemu-img").toString(), "check", "-q", "-f", "qcow2", partial.toString()));
        if (!check.ok()) {
            throw new SplitQcow2.Unsupported(
                    "qemu-img check found the joined image inconsistent: " + String.join(" | ", check.tail()));
        }
    }

    /** The allocated extents of a raw image, from {@code qemu-img map}. */
    private static List<SplitQcow2.Range> dataExtents(Path raw) {
        Exec.Result map = Exec.capture(Exec.Command.of(
                Tools.require("qemu-img").toString(), "map", "--output=json", "-f", "raw", raw.toString()));
        if (!map.ok()) {
            throw new DiskFormatError("qemu-img map " + raw + " failed: " + String.join(" | ", map.tail()));
        }
        Object doc = new org.snakeyaml.engine.v2.api.Load(
                        org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
                .loadFromString(map.stdout());
        List<SplitQcow2.Range> extents = new ArrayList<>();
        if (doc instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> extent && Boolean.TRUE.equals(extent.get("data"))) {
                    extents.add(new SplitQcow2.Range(
                            ((Number) extent.get("start")).longValue(), ((Number) extent.get("length")).longValue()));
                }
            }
        }
        return extents;
    }

    /** Waits for every task; the first failure is thrown once all have ended. */
    private static void awaitAll(List<Future<?>> running) {
        RuntimeException failed = null;
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r
                        ? r
                        : new DiskFormatError("conversion failed: " + e.getCause(), e.getCause());
                if (failed == null) {
                    failed = cause;
                } else {
                    failed.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DiskFormatError("interrupted while converting the disk image", e);
            }
        }
        if (failed != null) {
            throw failed;
        }
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
    public static List<Path> writeChecksums(Path file) {
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
