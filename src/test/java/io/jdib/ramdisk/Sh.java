package io.jdib.ramdisk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Runs a host command for tests; fails the test when it exits non-zero. */
final class Sh {
    private Sh() {}

    record Result(int exit, String out, String err) {}

    /** Runs {@code command} in {@code dir} with {@code stdin} (may be null); returns stdout. */
    static String run(Path dir, Path stdin, String... command) throws IOException, InterruptedException {
        Result r = exec(dir, stdin, command);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + ": " + r.err());
        }
        return r.out();
    }

    static Result exec(Path dir, Path stdin, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir == null ? null : dir.toFile());
        pb.redirectInput(
                stdin == null
                        ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                        : ProcessBuilder.Redirect.from(stdin.toFile()));
        Path err = java.nio.file.Files.createTempFile("jdib-test", ".err");
        try {
            pb.redirectError(err.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            return new Result(rc, out, java.nio.file.Files.readString(err));
        } finally {
            java.nio.file.Files.deleteIfExists(err);
        }
    }

    /** Whether {@code program} is on PATH. */
    static boolean has(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (java.nio.file.Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
