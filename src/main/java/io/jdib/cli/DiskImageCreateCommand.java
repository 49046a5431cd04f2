package io.jdib.cli;

import io.jdib.build.Build;
import io.jdib.build.BuildReport;
import io.jdib.build.BuildSpec;
import io.jdib.sys.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** DIB's disk-image-create, with its option names and meanings. */
@Command(name = "disk-image-create", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Build an image from the given elements.")
final class DiskImageCreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "-a", paramLabel = "ARCH", description = "Architecture (default amd64; x86_64 and aarch64 accepted).")
    String arch = "amd64";

    @Option(names = "-o", paramLabel = "NAME", description = "Output name without extension (default: image).")
    Path imageName = Path.of("image");

    @Option(names = "-t", paramLabel = "TYPES", split = ",",
            description = "Output types, comma separated: qcow2 (default), raw, vhd, vmdk, vhdx (disks); tar, tgz,"
                    + " squashfs (NAME.squash), docker (NAME.docker.tar, a docker archive), oci (NAME.oci.tar, an OCI"
                    + " image layout).")
    List<String> types = new ArrayList<>();

    @Option(names = "-x", description = "Trace: show debug output and run hooks with bash -x (sets DIB_DEBUG_TRACE).")
    boolean[] trace = new boolean[0];

    @Option(names = "-u", description = "Do not compress the qcow2 output.")
    boolean uncompressed;

    @Option(names = "-c", description = "Clear the environment before the build (keeps PATH, HOME, ELEMENTS_PATH, DIB_*).")
    boolean clearEnv;

    @Option(names = "-n", description = "Skip the implicit base element.")
    boolean skipBase;

    @Option(names = "-p", paramLabel = "PACKAGES", split = ",", description = "Extra packages to install, comma separated.")
    List<String> packages = new ArrayList<>();

    @Option(names = "--checksum", description = "Write .sha256 and .md5 of each output.")
    boolean checksum;

    @Option(names = "--image-size", paramLabel = "SIZE", description = "Image size in GiB (fractions and units like 800MiB allowed; default: from the tree).")
    String imageSize;

    @Option(names = "--image-extra-size", paramLabel = "SIZE", description = "GiB to add to the size computed from the tree.")
    String imageExtraSize;

    @Option(names = "--image-cache", paramLabel = "DIR", description = "Cache directory (default ~/.cache/image-create).")
    Path imageCache;

    @Option(names = "--max-online-resize", paramLabel = "BLOCKS", description = "ext root: blocks the filesystem can grow to online (mkfs -E resize=).")
    String maxOnlineResize;

    @Option(names = "--min-tmpfs", paramLabel = "GiB", description = "Use tmpfs only with this much memory free (default 2).")
    int minTmpfs = 2;

    @Option(names = "--mkfs-journal-size", paramLabel = "MiB", description = "ext3/ext4 root journal size.")
    String mkfsJournalSize;

    @Option(names = "--mkfs-options", paramLabel = "OPTS", description = "Extra mkfs options for the root filesystem.")
    String mkfsOptions;

    @Option(names = "--no-tmpfs", description = "Do not build on tmpfs.")
    boolean noTmpfs;

    @Option(names = "--offline", description = "Use only cached downloads (sets DIB_OFFLINE).")
    boolean offline;

    @Option(names = "--qemu-img-options", paramLabel = "OPTS", description = "qemu-img -o options for the disk outputs.")
    String qemuImgOptions;

    @Option(names = "--root-label", paramLabel = "LABEL", description = "Root filesystem label (default cloudimg-rootfs; xfs: img-rootfs).")
    String rootLabel;

    @Option(names = "--ramdisk-element", paramLabel = "ELEMENT", description = "Not supported yet.")
    String ramdiskElement;

    @Option(names = "--install-type", paramLabel = "TYPE", description = "Default install type: package or source.")
    String installType;

    @Option(names = "--docker-target", paramLabel = "NAME[:TAG]",
            description = "Name and tag of the docker and oci outputs (default: the -o file name, tag latest).")
    String dockerTarget;

    @Option(names = "--docker-import", description = "Load the docker output into the local docker engine (skipped,"
            + " with a warning, when none is running).")
    boolean dockerImport;

    @Option(names = "--logfile", paramLabel = "FILE", description = "Also write the build log to FILE.")
    Path logfile;

    @Parameters(arity = "1..*", paramLabel = "ELEMENT", description = "Elements to build from.")
    List<String> elements;

    @Override
    public Integer call() {
        rejectUnsupported();
        Map<String, String> env = environment();
        int traceLevel = trace.length;
        if (traceLevel == 0 && env.containsKey("DIB_DEBUG_TRACE")) {
            traceLevel = parseInt(env.get("DIB_DEBUG_TRACE"));
        }
        BuildSpec buildSpec = BuildSpec.builder()
                .imageName(imageName)
                .types(types)
                .arch(io.jdib.element.PackageInstalls.normalizeArch(arch))
                .elements(elements)
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
                .disk(new BuildSpec.DiskOptions(imageSize, imageExtraSize, rootLabel, mkfsOptions,
                        mkfsJournalSize == null ? null : parseMib(mkfsJournalSize), maxOnlineResize, qemuImgOptions,
                        uncompressed, checksum))
                .container(new BuildSpec.ContainerOptions(
                        dockerTarget == null ? null : io.jdib.image.ImageReference.parse(dockerTarget), dockerImport))
                .build();
        try (EventPrinter printer = new EventPrinter(spec.commandLine().getOut(), traceLevel > 0, logfile)) {
            if (dockerTarget != null && !buildSpec.wantsContainer()) {
                printer.warn("--docker-target names the docker and oci outputs, and -t asks for neither; it is ignored");
            }
            BuildReport report = new Build(buildSpec, printer).run();
            printer.line("build finished in " + EventPrinter.seconds(report.total()));
        }
        return 0;
    }

    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (clearEnv) {
            System.getenv().forEach((k, v) -> {
                if (k.startsWith("DIB_") || List.of("PATH", "HOME", "ELEMENTS_PATH", "JDIB_WORK_DIR", "LANG").contains(k)) {
                    env.put(k, v);
                }
            });
        } else {
            env.putAll(System.getenv());
        }
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

    private void rejectUnsupported() {
        Map<String, Boolean> unsupported = new LinkedHashMap<>();
        unsupported.put("--ramdisk-element", ramdiskElement != null);
        List<String> given = unsupported.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        if (!given.isEmpty()) {
            throw new UserError("option " + String.join(", ", given) + " is not supported yet in this version of jdib"
                    + " (leave it out)");
        }
        if (installType != null && !Arrays.asList("package", "source").contains(installType)) {
            throw new UserError("--install-type must be package or source, not '" + installType + "'");
        }
    }

    private static int parseMib(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new UserError("--mkfs-journal-size takes a whole number of MiB, not '" + s + "'");
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
