package io.jdib.ramdisk;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * How an initramfs is compressed. Every variant is one the kernel can unpack and gives the same
 * bytes for the same input.
 */
public enum Compression {
    /** A plain cpio archive. */
    NONE(""),
    /** gzip at level 9 (java.util.zip; the header carries no time or name). */
    GZIP(".gz"),
    /** xz, preset 6, with a CRC32 check: the kernel's xz decoder does not support CRC64. */
    XZ(".xz"),
    /** zstd level 15 through the host's {@code zstd} (as dracut does). */
    ZSTD(".zst");

    private final String suffix;

    Compression(String suffix) {
        this.suffix = suffix;
    }

    /** The usual file name suffix, "" for {@link #NONE}. */
    public String suffix() {
        return suffix;
    }

    /** Parses "none", "gzip"/"gz", "xz", "zstd"/"zst", ignoring case. */
    public static Compression parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "none", "cat", "" -> NONE;
            case "gzip", "gz" -> GZIP;
            case "xz" -> XZ;
            case "zstd", "zst" -> ZSTD;
            default ->
                throw new IllegalArgumentException(
                        "unknown ramdisk compression '" + name + "'; use one of none, gzip, xz, zstd");
        };
    }

    /**
     * A stream that compresses into {@code out}. Closing it finishes the compressed stream and
     * closes {@code out}.
     *
     * @throws CompressorNotFoundException for {@link #ZSTD} when the host has no {@code zstd}
     */
    public OutputStream wrap(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP ->
                new GZIPOutputStream(out, 1 << 16) {
                    {
                        def.setLevel(Deflater.BEST_COMPRESSION);
                    }
                };
            case XZ -> new XZOutputStream(out, new LZMA2Options(6), org.tukaani.xz.XZ.CHECK_CRC32);
            case ZSTD -> external(out, "zstd", "zstd", List.of("-q", "-c", "-15", "-T0"));
        };
    }

    /** Pipes through a host program found on PATH; package-private so tests can name another. */
    static OutputStream external(OutputStream out, String program, String debianPackage, List<String> args)
            throws IOException {
        Path exe = findOnPath(program);
        if (exe == null) {
            throw new CompressorNotFoundException(program, debianPackage, System.getenv("PATH"));
        }
        List<String> command = new java.util.ArrayList<>();
        command.add(exe.toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).start();
        return new ProcessOutputStream(p, out, program);
    }

    private static Path findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Writes to a process's stdin; a thread copies its stdout to the target. */
    private static final class ProcessOutputStream extends FilterOutputStream {
        private final Process process;
        private final OutputStream target;
        private final String program;
        private final Thread pump;
        private final Thread errPump;
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private volatile IOException pumpFailure;
        private boolean closed;

        ProcessOutputStream(Process process, OutputStream target, String program) {
            super(process.getOutputStream());
            this.process = process;
            this.target = target;
            this.program = program;
            this.pump = new Thread(
                    () -> {
                        try (InputStream in = process.getInputStream()) {
                            in.transferTo(target);
                        } catch (IOException e) {
                            pumpFailure = e;
                            process.destroyForcibly(); // else it blocks on a full pipe, and so would we
                        }
                    },
                    program + "-stdout");
            this.errPump = new Thread(
                    () -> {
                        try (InputStream in = process.getErrorStream()) {
                            in.transferTo(stderr);
                        } catch (IOException e) {
                            // stderr is only used for the error message
                        }
                    },
                    program + "-stderr");
            pump.setDaemon(true);
            errPump.setDaemon(true);
            pump.start();
            errPump.start();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw failure("stopped reading its input", e);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                try {
                    out.close();
                } catch (IOException e) {
                    throw failure("stopped reading its input", e);
                }
                int rc;
                try {
                    pump.join();
                    errPump.join();
                    rc = process.waitFor();
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                    throw new IOException(program + " interrupted", e);
                }
                if (pumpFailure != null) {
                    throw new IOException(
                            "writing " + program + " output failed: " + pumpFailure.getMessage(), pumpFailure);
                }
                if (rc != 0) {
                    throw failure("exited with " + rc, null);
                }
            } finally {
                target.close();
            }
        }

        private IOException failure(String what, IOException cause) {
            String err = stderr.toString(Charset.defaultCharset()).strip().replace('\n', ' ');
            return new IOException(program + " " + what + (err.isEmpty() ? "" : ": " + err), cause);
        }
    }
}
