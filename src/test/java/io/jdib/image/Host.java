package io.jdib.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host tools for the tests: qemu-img and the coreutils checkers judge our outputs. */
final class Host {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Host() {}

    record Result(int exitCode, String out) {}

    /** Runs {@code command} in {@code dir} (null: current), stdout and stderr merged. */
    static Result run(Path dir, String... command) {
        try {
            Path out = Files.createTempFile("jdib-host", ".out");
            try {
                Process p = new ProcessBuilder(List.of(command))
                        .directory(dir == null ? null : dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + String.join(" ", command));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String ok(Path dir, String... command) {
        Result r = run(dir, command);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exitCode() + ": " + r.out());
        }
        return r.out();
    }

    static JsonNode info(Path image) {
        try {
            return JSON.readTree(ok(null, "qemu-img", "info", "--output=json", image.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code qemu-img compare -f raw RAW OTHER}: exit 0 means the guest sees identical disks. */
    static Result compare(Path raw, Path other) {
        return run(null, "qemu-img", "compare", "-f", "raw", raw.toString(), other.toString());
    }
}
