package io.jdib.cli;

import io.jdib.build.BuildSpec;
import io.jdib.sys.UserError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** DIB's disk-image-create, with its option names and meanings. */
@Command(name = "disk-image-create", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Build an image from the given elements.")
final class DiskImageCreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BuildOptions build = new BuildOptions();

    @Option(names = "-t", paramLabel = "TYPES", split = ",",
            description = "Output types, comma separated: qcow2 (default), raw, vhd, vmdk, vhdx (disks); tar, tgz,"
                    + " squashfs (NAME.squash), docker (NAME.docker.tar, a docker archive), oci (NAME.oci.tar, an OCI"
                    + " image layout).")
    List<String> types = new ArrayList<>();

    @Option(names = "-u", description = "Do not compress the qcow2 output.")
    boolean uncompressed;

    @Option(names = "--checksum", description = "Write .sha256 and .md5 of each output.")
    boolean checksum;

    @Option(names = "--image-size", paramLabel = "SIZE", description = "Image size in GiB (fractions and units like 800MiB allowed; default: from the tree).")
    String imageSize;

    @Option(names = "--image-extra-size", paramLabel = "SIZE", description = "GiB to add to the size computed from the tree.")
    String imageExtraSize;

    @Option(names = "--max-online-resize", paramLabel = "BLOCKS", description = "ext root: blocks the filesystem can grow to online (mkfs -E resize=).")
    String maxOnlineResize;

    @Option(names = "--mkfs-journal-size", paramLabel = "MiB", description = "ext3/ext4 root journal size.")
    String mkfsJournalSize;

    @Option(names = "--mkfs-options", paramLabel = "OPTS", description = "Extra mkfs options for the root filesystem.")
    String mkfsOptions;

    @Option(names = "--qemu-img-options", paramLabel = "OPTS", description = "qemu-img -o options for the disk outputs.")
    String qemuImgOptions;

    @Option(names = "--root-label", paramLabel = "LABEL", description = "Root filesystem label (default cloudimg-rootfs; xfs: img-rootfs).")
    String rootLabel;

    @Option(names = "--ramdisk-element", paramLabel = "ELEMENT", description = "Not supported yet.")
    String ramdiskElement;

    @Option(names = "--docker-target", paramLabel = "NAME[:TAG]",
            description = "Name and tag of the docker and oci outputs (default: the -o file name, tag latest).")
    String dockerTarget;

    @Option(names = "--docker-import", description = "Load the docker output into the local docker engine (skipped,"
            + " with a warning, when none is running).")
    boolean dockerImport;

    @Override
    public Integer call() {
        rejectUnsupported();
        Map<String, String> env = build.environment();
        BuildSpec buildSpec = build.spec(env, build.elements, spec.commandLine().getParseResult().originalArgs())
                .types(types)
                .disk(new BuildSpec.DiskOptions(imageSize, imageExtraSize, rootLabel, mkfsOptions,
                        mkfsJournalSize == null ? null : parseMib(mkfsJournalSize), maxOnlineResize, qemuImgOptions,
                        uncompressed, checksum))
                .container(new BuildSpec.ContainerOptions(
                        dockerTarget == null ? null : io.jdib.image.ImageReference.parse(dockerTarget), dockerImport))
                .build();
        build.run(buildSpec, spec.commandLine().getOut(), printer -> {
            if (dockerTarget != null && !buildSpec.wantsContainer()) {
                printer.warn("--docker-target names the docker and oci outputs, and -t asks for neither; it is ignored");
            }
        });
        return 0;
    }

    private void rejectUnsupported() {
        Map<String, Boolean> unsupported = new LinkedHashMap<>();
        unsupported.put("--ramdisk-element", ramdiskElement != null);
        List<String> given = unsupported.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        if (!given.isEmpty()) {
            throw new UserError("option " + String.join(", ", given) + " is not supported yet in this version of jdib"
                    + " (leave it out)");
        }
    }

    private static int parseMib(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new UserError("--mkfs-journal-size takes a whole number of MiB, not '" + s + "'");
        }
    }

}
