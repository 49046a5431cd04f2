package io.jdib.cli;

import io.jdib.check.BootRequest;
import io.jdib.check.BootResult;
import io.jdib.check.QemuBoot;
import io.jdib.event.EventSink;
import io.jdib.sys.Architecture;
import io.jdib.sys.UserError;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Builds one configuration for many targets (release x architecture), each as its own
 * disk-image-create process with its own log, at most {@code -j} at a time, optionally boots each
 * disk image, and ends with a table of results.
 */
@Command(
        name = "matrix",
        mixinStandardHelpOptions = true,
        description = {
            "Build the same elements for every release x architecture, at most -j at once, and print a"
                    + " table: result, build time, size and (with --boot) seconds to the login prompt."
        })
final class MatrixCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--release",
            paramLabel = "RELEASE",
            split = ",",
            description = "DIB_RELEASE values, comma separated (default: $DIB_RELEASE, else stable).")
    List<String> releases = new ArrayList<>();

    @Option(
            names = "-a",
            paramLabel = "ARCH",
            split = ",",
            description = "Architectures, comma separated (default: this host's).")
    List<String> archs = new ArrayList<>();

    @Option(names = "-t", paramLabel = "TYPES", description = "Image types of every target (default: qcow2).")
    String types = "qcow2";

    @Option(names = "-o", paramLabel = "DIR", description = "Directory of the outputs and logs (default: matrix).")
    Path outDir = Path.of("matrix");

    @Option(names = "-j", paramLabel = "N", description = "Builds at once (default: 1).")
    int parallel = 1;

    @Option(names = "--boot", description = "Boot each qcow2 under QEMU (TCG) and wait for the login prompt.")
    boolean boot;

    @Option(
            names = "--boot-timeout",
            paramLabel = "SECONDS",
            defaultValue = "900",
            description = "With --boot: seconds to wait for the login prompt (default: ${DEFAULT-VALUE}).")
    long bootTimeout;

    @Parameters(arity = "1..*", paramLabel = "ELEMENT", description = "Elements of every build.")
    List<String> elements;

    /** One cell of the matrix. */
    record Target(String release, Architecture arch) {
        String name() {
            return release + "-" + arch.debianName();
        }
    }

    /** What became of one target. */
    record Outcome(Target target, int exitCode, double buildSeconds, long qcow2Bytes, String boot) {
        boolean ok() {
            return exitCode == 0 && !boot.startsWith("FAIL");
        }
    }

    static List<Target> targets(List<String> releases, List<String> archs) {
        List<Target> all = new ArrayList<>();
        for (String release : releases) {
            for (String arch : archs) {
                all.add(new Target(release.trim(), Architecture.parse(arch)));
            }
        }
        return all;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (parallel < 1) {
            throw new UserError("-j must be at least 1, not " + parallel);
        }
        List<String> rels =
                releases.isEmpty() ? List.of(System.getenv().getOrDefault("DIB_RELEASE", "stable")) : releases;
        List<String> arches = archs.isEmpty() ? List.of(Architecture.host().debianName()) : archs;
        List<Target> targets = targets(rels, arches);
        Files.createDirectories(outDir);
        out.println("matrix: " + targets.size() + " target(s), " + parallel + " at once, logs in " + outDir);
        out.flush();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<Outcome>> futures = new ArrayList<>();
        try {
            for (Target t : targets) {
                futures.add(pool.submit(() -> run(t, out)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get());
            }
            out.print(table(outcomes));
            out.flush();
            return outcomes.stream().allMatch(Outcome::ok) ? 0 : 1;
        } finally {
            pool.shutdownNow();
        }
    }

    private Outcome run(Target t, PrintWriter out) {
        Path image = outDir.toAbsolutePath().resolve(t.name());
        Path log = outDir.toAbsolutePath().resolve(t.name() + ".log");
        List<String> argv = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "disk-image-create",
                "-a",
                t.arch().debianName(),
                "-t",
                types,
                "-o",
                image.toString()));
        argv.addAll(elements);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("DIB_RELEASE", t.release());
        synchronized (out) {
            out.println("building " + t.name() + " (log: " + log + ")");
            out.flush();
        }
        long start = System.nanoTime();
        int code;
        try {
            code = builder.start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 130;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Path qcow2 = image.resolveSibling(image.getFileName() + ".qcow2");
        long size = code == 0 && Files.isRegularFile(qcow2) ? size(qcow2) : -1;
        String booted = "-";
        if (boot && size >= 0) {
            BootResult r = new QemuBoot(EventSink.NONE)
                    .boot(BootRequest.ofImage(qcow2)
                            .withArch(t.arch())
                            .withTimeout(Duration.ofSeconds(bootTimeout))
                            .withConsoleLog(image.resolveSibling(t.name() + ".console")));
            booted = r.matched()
                    ? String.format(Locale.ROOT, "%.0f s", r.seconds())
                    : "FAIL (" + r.outcome().name().toLowerCase(Locale.ROOT) + ")";
        }
        synchronized (out) {
            out.printf(
                    Locale.ROOT,
                    "%s: %s after %.0f s%n",
                    t.name(),
                    code == 0 ? "built" : "FAILED (exit " + code + ")",
                    seconds);
            out.flush();
        }
        return new Outcome(t, code, seconds, size, booted);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    static String table(List<Outcome> outcomes) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT, "%-12s %-8s %-10s %8s %10s  %s%n", "release", "arch", "result", "build", "qcow2", "boot"));
        for (Outcome o : outcomes) {
            s.append(String.format(
                    Locale.ROOT,
                    "%-12s %-8s %-10s %7.0fs %10s  %s%n",
                    o.target().release(),
                    o.target().arch().debianName(),
                    o.exitCode() == 0 ? "ok" : "FAILED",
                    o.buildSeconds(),
                    o.qcow2Bytes() < 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", o.qcow2Bytes() / 1048576.0),
                    o.boot()));
        }
        return s.toString();
    }
}
