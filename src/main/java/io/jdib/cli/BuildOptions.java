package io.jdib.cli;

import io.jdib.build.Build;
import io.jdib.build.BuildReport;
import io.jdib.build.BuildSpec;
import io.jdib.sys.Architecture;
import io.jdib.sys.UserError;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options disk-image-create and ramdisk-image-create share (DIB's names and meanings), and
 * what both do with them: the build environment, the common BuildSpec fields, and running the build.
 */
final class BuildOptions {
    @Option(
            names = "-a",
            paramLabel = "ARCH",
            description = "Architecture (default: this host's): amd64 (x86_64),"
                    + " arm64 (aarch64), i386, armhf, ppc64el (ppc64le), s390x.")
    String arch;

    @Option(names = "-o", paramLabel = "NAME", description = "Output name without extension (default: image).")
    Path imageName = Path.of("image");

    @Option(names = "-x", description = "Trace: show debug output and run hooks with bash -x (sets DIB_DEBUG_TRACE).")
    boolean[] trace = new boolean[0];

    @Option(
            names = "-c",
            description = "Clear the environment before the build (keeps PATH, HOME, ELEMENTS_PATH, DIB_*).")
    boolean clearEnv;

    @Option(names = "-n", description = "Skip the implicit base element.")
    boolean skipBase;

    @Option(
            names = "-p",
            paramLabel = "PACKAGES",
            split = ",",
            description = "Extra packages to install, comma separated.")
    List<String> packages = new ArrayList<>();

    @Option(
            names = "--image-cache",
            paramLabel = "DIR",
            description = "Cache directory (default ~/.cache/image-create).")
    Path imageCache;

    @Option(
            names = "--min-tmpfs",
            paramLabel = "GiB",
            description = "Use tmpfs only with this much memory free (default 2; DIB_MIN_TMPFS).")
    Integer minTmpfs;

    @Option(names = "--no-tmpfs", description = "Do not build on tmpfs.")
    boolean noTmpfs;

    @Option(
            names = "--no-cache",
            description = "Build the whole tree even when a checkpoint of it is cached (a new one is saved);"
                    + " JDIB_CHECKPOINTS=0 turns checkpoints off.")
    boolean noCache;

    @Option(names = "--offline", description = "Use only cached downloads (sets DIB_OFFLINE).")
    boolean offline;

    @Option(names = "--install-type", paramLabel = "TYPE", description = "Default install type: package or source.")
    String installType;

    @Option(names = "--logfile", paramLabel = "FILE", description = "Also write the build log to FILE.")
    Path logfile;

    @Parameters(arity = "1..*", paramLabel = "ELEMENT", description = "Elements to build from.")
    List<String> elements;

    /** The environment the build starts from: the caller's, plus (jdib build) the image definition's. */
    Map<String, String> inherited = System.getenv();

    /** The environment hooks see: the caller's (or, with -c, its DIB_* and a few basics) plus what options set. */
    Map<String, String> environment() {
        if (installType != null && !List.of("package", "source").contains(installType)) {
            throw new UserError("--install-type must be package or source, not '" + installType + "'");
        }
        Map<String, String> env = new LinkedHashMap<>();
        inherited.forEach((k, v) -> {
            if (!clearEnv
                    || k.startsWith("DIB_")
                    || List.of("PATH", "HOME", "ELEMENTS_PATH", "JDIB_WORK_DIR", "LANG", BuildSpec.CHECKPOINTS_VARIABLE)
                            .contains(k)) {
                env.put(k, v);
            }
        });
        if (installType != null) {
            env.put("DIB_DEFAULT_INSTALLTYPE", installType);
        }
        if (offline) {
            env.put("DIB_OFFLINE", "1");
        }
        if (trace.length > 0) {
            env.put("DIB_DEBUG_TRACE", Integer.toString(trace.length));
        }
        return env;
    }

    /** A BuildSpec builder with everything these options decide; the command adds types and its own parts. */
    BuildSpec.Builder spec(Map<String, String> env, List<String> allElements, List<String> originalArgs) {
        return BuildSpec.builder()
                .imageName(imageName)
                .arch((arch == null ? Architecture.host() : Architecture.parse(arch)).debianName())
                .elements(allElements)
                .withBase(!skipBase)
                .extraPackages(packages)
                .offline(offline || !env.getOrDefault("DIB_OFFLINE", "").isEmpty())
                .imageCache(imageCache)
                .noCache(noCache)
                .useTmpfs(!noTmpfs
                        && !"1".equals(env.getOrDefault("DIB_NO_TMPFS", "0").trim()))
                .minTmpfsGiB(minTmpfs != null ? minTmpfs : minTmpfsFromEnv(env))
                .traceLevel(traceLevel(env))
                .jdibHome(Home.locate())
                .environment(env)
                .arguments(argumentsOnly(originalArgs));
    }

    private static int minTmpfsFromEnv(Map<String, String> env) {
        String value = env.getOrDefault("DIB_MIN_TMPFS", "2").trim();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UserError("DIB_MIN_TMPFS=" + value + " is not a whole number of GiB");
        }
    }

    /** DIB_ARGS holds the arguments only, not the command's name that the jdib launcher passes first. */
    static List<String> argumentsOnly(List<String> originalArgs) {
        if (!originalArgs.isEmpty()
                && List.of("disk-image-create", "ramdisk-image-create").contains(originalArgs.get(0))) {
            return originalArgs.subList(1, originalArgs.size());
        }
        return originalArgs;
    }

    /** Runs the build, printing its events (and to --logfile); {@code beforeBuild} may warn first. */
    BuildReport run(BuildSpec buildSpec, PrintWriter out, Consumer<EventPrinter> beforeBuild) {
        try (EventPrinter printer = new EventPrinter(out, buildSpec.traceLevel() > 0, logfile)) {
            beforeBuild.accept(printer);
            BuildReport report = new Build(buildSpec, printer).run();
            printer.line("step times:");
            for (BuildReport.StepTime step : report.steps()) {
                printer.line(String.format("  %8s  %s", EventPrinter.seconds(step.took()), step.step()));
            }
            printer.line("build finished in " + EventPrinter.seconds(report.total()));
            return report;
        }
    }

    /** -x given once per level; else DIB_DEBUG_TRACE from the environment. */
    private int traceLevel(Map<String, String> env) {
        if (trace.length > 0) {
            return trace.length;
        }
        try {
            return Integer.parseInt(env.getOrDefault("DIB_DEBUG_TRACE", "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
