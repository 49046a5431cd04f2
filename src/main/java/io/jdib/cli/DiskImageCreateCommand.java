package io.jdib.cli;

import io.jdib.build.BuildReport;
import io.jdib.build.BuildSpec;
import io.jdib.image.Qcow2Compression;
import io.jdib.sys.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** DIB's disk-image-create, with its option names and meanings. */
@Command(
        name = "disk-image-create",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        description = "Build an image from the given elements.")
final class DiskImageCreateCommand implements Callable<Integer>, ImageCommand {
    @Spec
    CommandSpec spec;

    @Mixin
    BuildOptions build = new BuildOptions();

    @Option(
            names = "-t",
            paramLabel = "TYPES",
            split = ",",
            description = "Output types, comma separated: qcow2 (default), raw, vhd, vmdk, vhdx (disks); tar, tgz,"
                    + " squashfs (NAME.squash), docker (NAME.docker.tar, a docker archive), oci (NAME.oci.tar, an OCI"
                    + " image layout).")
    List<String> types = new ArrayList<>();

    @Option(names = "-u", description = "Do not compress the qcow2 output.")
    boolean uncompressed;

    @Option(names = "--checksum", description = "Write .sha256 and .md5 of each output.")
    boolean checksum;

    @Option(
            names = "--image-size",
            paramLabel = "SIZE",
            description = "Image size in GiB (fractions and units like 800MiB allowed; default: from the tree).")
    String imageSize;

    @Option(
            names = "--image-extra-size",
            paramLabel = "SIZE",
            description = "GiB to add to the size computed from the tree.")
    String imageExtraSize;

    @Option(
            names = "--max-online-resize",
            paramLabel = "BLOCKS",
            description = "ext root: blocks the filesystem can grow to online (mkfs -E resize=).")
    String maxOnlineResize;

    @Option(names = "--mkfs-journal-size", paramLabel = "MiB", description = "ext3/ext4 root journal size.")
    String mkfsJournalSize;

    @Option(names = "--mkfs-options", paramLabel = "OPTS", description = "Extra mkfs options for the root filesystem.")
    String mkfsOptions;

    @Option(
            names = "--qemu-img-options",
            paramLabel = "OPTS",
            description = "qemu-img -o options for the disk outputs.")
    String qemuImgOptions;

    @Option(
            names = "--qcow2-compression",
            paramLabel = "TYPE",
            description = "zlib (default; every reader) or zstd (several times faster to write, a little smaller;"
                    + " needs QEMU 5.1 or later to read). Also DIB_QCOW2_COMPRESSION_TYPE.")
    String qcow2Compression;

    @Option(
            names = "--root-label",
            paramLabel = "LABEL",
            description = "Root filesystem label (default cloudimg-rootfs; xfs: img-rootfs).")
    String rootLabel;

    @Option(
            names = "--ramdisk-element",
            paramLabel = "ELEMENT",
            description =
                    "Accepted as DIB does (exported as RAMDISK_ELEMENT); it matters only to ramdisk-image-create.")
    String ramdiskElement;

    @Option(
            names = "--docker-target",
            paramLabel = "NAME[:TAG]",
            description = "Name and tag of the docker and oci outputs (default: the -o file name, tag latest).")
    String dockerTarget;

    @Option(
            names = "--docker-import",
            description = "Load the docker output into the local docker engine (skipped,"
                    + " with a warning, when none is running).")
    boolean dockerImport;

    @Override
    public Integer call() {
        build();
        return 0;
    }

    @Override
    public BuildOptions options() {
        return build;
    }

    @Override
    public BuildReport build() {
        Map<String, String> env = build.environment();
        if (ramdiskElement != null) {
            env.put("RAMDISK_ELEMENT", ramdiskElement);
        }
        // Options DIB also takes from the environment.
        String size = imageSize != null ? imageSize : blankToNull(env.get("DIB_IMAGE_SIZE"));
        String extra = imageExtraSize != null ? imageExtraSize : blankToNull(env.get("DIB_IMAGE_EXTRA_SIZE"));
        String journal = mkfsJournalSize != null ? mkfsJournalSize : blankToNull(env.get("DIB_JOURNAL_SIZE"));
        String compression =
                qcow2Compression != null ? qcow2Compression : blankToNull(env.get(Qcow2Compression.VARIABLE));
        Qcow2Compression qcow2 = compression == null ? null : Qcow2Compression.parse(compression);
        String checksumEnv = env.getOrDefault("DIB_CHECKSUM", "0").trim();
        boolean wantChecksum = checksum || !(checksumEnv.isEmpty() || checksumEnv.equals("0"));
        BuildSpec buildSpec = build.spec(
                        env, build.elements, spec.commandLine().getParseResult().originalArgs())
                .imageName(withoutTypeExtension(build.imageName, types.isEmpty() ? List.of("qcow2") : types))
                .types(types)
                .disk(new BuildSpec.DiskOptions(
                        size,
                        extra,
                        rootLabel,
                        mkfsOptions,
                        journal == null ? null : parseMib(journal),
                        maxOnlineResize,
                        qemuImgOptions,
                        uncompressed,
                        wantChecksum,
                        qcow2))
                .container(new BuildSpec.ContainerOptions(
                        dockerTarget == null ? null : io.jdib.image.ImageReference.parse(dockerTarget), dockerImport))
                .build();
        return build.run(buildSpec, spec.commandLine().getOut(), printer -> {
            if (dockerTarget != null && !buildSpec.wantsContainer()) {
                printer.warn(
                        "--docker-target names the docker and oci outputs, and -t asks for neither; it is ignored");
            }
        });
    }

    /** As DIB: with one output type, {@code -o x.qcow2} names {@code x.qcow2}, not {@code x.qcow2.qcow2}. */
    static java.nio.file.Path withoutTypeExtension(java.nio.file.Path name, List<String> types) {
        if (types.size() != 1) {
            return name;
        }
        String file = name.getFileName().toString();
        String suffix = "." + types.get(0);
        if (file.endsWith(suffix) && file.length() > suffix.length()) {
            return name.resolveSibling(file.substring(0, file.length() - suffix.length()));
        }
        return name;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static int parseMib(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new UserError("--mkfs-journal-size takes a whole number of MiB, not '" + s + "'");
        }
    }
}
