package io.jdib.cli;

import io.jdib.build.Build;
import io.jdib.build.BuildReport;
import io.jdib.build.BuildSpec;
import io.jdib.element.PackageInstalls;
import io.jdib.ramdisk.Compression;
import io.jdib.sys.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * DIB's ramdisk-image-create: builds a tree from the elements (with the ramdisk element first) and
 * writes {@code NAME.kernel} and {@code NAME.initramfs}.
 */
@Command(name = "ramdisk-image-create", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build a kernel and initramfs pair (NAME.kernel, NAME.initramfs) from the given elements.",
            "The initramfs holds only the executables of the elements' binary-deps.d files with their libraries,"
                    + " kernel modules for common disks and network cards, udev rules and /init."})
final class RamdiskImageCreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "-a", paramLabel = "ARCH", description = "Architecture (default amd64).")
    String arch = "amd64";

    @Option(names = "-o", paramLabel = "NAME", description = "Output name without extension (default: image).")
    Path imageName = Path.of("image");

    @Option(names = "-x", description = "Trace: show debug output and run hooks with bash -x (sets DIB_DEBUG_TRACE).")
    boolean[] trace = new boolean[0];

    @Option(names = "-c", description = "Clear the environment before the build (keeps PATH, HOME, ELEMENTS_PATH, DIB_*).")
    boolean clearEnv;

    @Option(names = "-n", description = "Skip the implicit base element.")
    boolean skipBase;

    @Option(names = "-p", paramLabel = "PACKAGES", split = ",", description = "Extra packages to install in the tree, comma separated.")
    List<String> packages = new ArrayList<>();

    @Option(names = "--ramdisk-element", paramLabel = "ELEMENT", defaultValue = "ramdisk",
            description = "The element that makes the tree a ramdisk (default: ${DEFAULT-VALUE}).")
    String ramdiskElement;

    @Option(names = "--compression", paramLabel = "KIND",
            description = "initramfs compression: gzip (default), xz (CRC32 check), zstd, none. Also DIB_RAMDISK_COMPRESSION.")
    String compression;

    @Option(names = "--image-cache", paramLabel = "DIR", description = "Cache directory (default ~/.cache/image-create).")
    Path imageCache;

    @Option(names = "--min-tmpfs", paramLabel = "GiB", description = "Use tmpfs only with this much memory free (default 2).")
    int minTmpfs = 2;

    @Option(names = "--no-tmpfs", description = "Do not build on tmpfs.")
    boolean noTmpfs;

    @Option(names = "--offline", description = "Use only cached downloads (sets DIB_OFFLINE).")
    boolean offline;

    @Option(names = "--install-type", paramLabel = "TYPE", description = "Default install type: package or source.")
    String installType;

    @Option(names = "--logfile", paramLabel = "FILE", description = "Also write the build log to FILE.")
    Path logfile;

    @Parameters(arity = "1..*", paramLabel = "ELEMENT", description = "Elements to build from.")
    List<String> elements;

    @Override
    public Integer call() {
        if (installType != null && !List.of("package", "source").contains(installType)) {
            throw new UserError("--install-type must be package or source, not '" + installType + "'");
        }
        Map<String, String> env = environment();
        String kind = env.getOrDefault("DIB_RAMDISK_COMPRESSION", "gzip");
        try {
            env.put("DIB_RAMDISK_COMPRESSION", Compression.parse(kind).name().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + " (--compression or DIB_RAMDISK_COMPRESSION)");
        }
        int traceLevel = trace.length;
        if (traceLevel == 0 && env.containsKey("DIB_DEBUG_TRACE")) {
            try {
                traceLevel = Integer.parseInt(env.get("DIB_DEBUG_TRACE").trim());
            } catch (NumberFormatException e) {
                traceLevel = 0;
            }
        }
        List<String> all = new ArrayList<>();
        all.add(ramdiskElement);
        elements.stream().filter(e -> !e.equals(ramdiskElement)).forEach(all::add);
        BuildSpec buildSpec = BuildSpec.builder()
                .imageName(imageName)
                .types(List.of("ramdisk"))
                .arch(PackageInstalls.normalizeArch(arch))
                .elements(all)
                .withBase(!skipBase)
                .extraPackages(packages)
                .offline(offline || !env.getOrDefault("DIB_OFFLINE", "").isEmpty())
                .imageCache(imageCache)
                .useTmpfs(!noTmpfs)
                .minTmpfsGiB(minTmpfs)
                .traceLevel(traceLevel)
                .jdibHome(Home.locate())
                .environment(env)
                .arguments(spec.commandLine().getParseResult().originalArgs())
                .build();
        try (EventPrinter printer = new EventPrinter(spec.commandLine().getOut(), traceLevel > 0, logfile)) {
            BuildReport report = new Build(buildSpec, printer).run();
            printer.line("build finished in " + EventPrinter.seconds(report.total()));
        }
        return 0;
    }

    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        System.getenv().forEach((k, v) -> {
            if (!clearEnv || k.startsWith("DIB_")
                    || List.of("PATH", "HOME", "ELEMENTS_PATH", "JDIB_WORK_DIR", "LANG").contains(k)) {
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
        if (compression != null) {
            env.put("DIB_RAMDISK_COMPRESSION", compression);
        }
        return env;
    }
}
