package io.jdib.cli;

import io.jdib.build.BuildReport;
import io.jdib.build.BuildSpec;
import io.jdib.image.OutputType;
import io.jdib.ramdisk.Compression;
import io.jdib.sys.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * DIB's ramdisk-image-create: builds a tree from the elements (with the ramdisk element first) and
 * writes {@code NAME.kernel} and {@code NAME.initramfs}.
 */
@Command(
        name = "ramdisk-image-create",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        description = {
            "Build a kernel and initramfs pair (NAME.kernel, NAME.initramfs) from the given elements.",
            "The initramfs holds only the executables of the elements' binary-deps.d files with their libraries,"
                    + " kernel modules for common disks and network cards, udev rules and /init."
        })
final class RamdiskImageCreateCommand implements Callable<Integer>, ImageCommand {
    @Spec
    CommandSpec spec;

    @Mixin
    BuildOptions build = new BuildOptions();

    @Option(
            names = "--ramdisk-element",
            paramLabel = "ELEMENT",
            defaultValue = "ramdisk",
            description = "The element that makes the tree a ramdisk (default: ${DEFAULT-VALUE}).")
    String ramdiskElement;

    @Option(
            names = "--compression",
            paramLabel = "KIND",
            description =
                    "initramfs compression: gzip (default), xz (CRC32 check), zstd, none. Also DIB_RAMDISK_COMPRESSION.")
    String compression;

    // DIB's ramdisk-image-create is disk-image-create under another name, so it takes all of its
    // options. A ramdisk build writes no disk, filesystem or container: those are accepted and
    // ignored (with a warning), as DIB ignores them; the rest reach hooks as under disk-image-create.

    @Option(
            names = "-t",
            paramLabel = "TYPES",
            split = ",",
            description =
                    "Accepted as DIB does; ignored (a ramdisk" + " build writes only NAME.kernel and NAME.initramfs).")
    List<String> types = new ArrayList<>();

    @Option(names = "-u", description = "Accepted as DIB does; nothing to leave uncompressed (see --compression).")
    boolean uncompressed;

    @Option(names = "--checksum", description = "Also write .sha256 and .md5 of NAME.kernel and NAME.initramfs.")
    boolean checksum;

    @Option(names = "--image-size", paramLabel = "SIZE", description = "Exported to hooks as DIB_IMAGE_SIZE.")
    String imageSize;

    @Option(
            names = "--image-extra-size",
            paramLabel = "SIZE",
            description = "Exported to hooks as DIB_IMAGE_EXTRA_SIZE.")
    String imageExtraSize;

    @Option(names = "--max-online-resize", paramLabel = "BLOCKS", description = "Accepted as DIB does; ignored.")
    String maxOnlineResize;

    @Option(names = "--mkfs-journal-size", paramLabel = "MiB", description = "Accepted as DIB does; ignored.")
    String mkfsJournalSize;

    @Option(names = "--mkfs-options", paramLabel = "OPTS", description = "Accepted as DIB does; ignored.")
    String mkfsOptions;

    @Option(names = "--qemu-img-options", paramLabel = "OPTS", description = "Accepted as DIB does; ignored.")
    String qemuImgOptions;

    @Option(names = "--root-label", paramLabel = "LABEL", description = "Exported to hooks as DIB_ROOT_LABEL.")
    String rootLabel;

    @Option(names = "--docker-target", paramLabel = "NAME[:TAG]", description = "Accepted as DIB does; ignored.")
    String dockerTarget;

    /**
     * The options of disk-image-create that ramdisk-image-create takes only because DIB's does: they
     * are about disks (ignored) or only reach hooks. The YAML front end keeps them for disks.
     */
    static final java.util.Set<String> TAKEN_AS_DIB_DOES = java.util.Set.of(
            "-t",
            "-u",
            "--image-size",
            "--image-extra-size",
            "--max-online-resize",
            "--mkfs-journal-size",
            "--mkfs-options",
            "--qemu-img-options",
            "--root-label",
            "--docker-target");

    /** The options given that a ramdisk build has no use for, as the user wrote them. */
    List<String> ignoredOptions() {
        List<String> ignored = new ArrayList<>();
        if (!types.isEmpty()) {
            ignored.add("-t");
        }
        if (uncompressed) {
            ignored.add("-u");
        }
        if (maxOnlineResize != null) {
            ignored.add("--max-online-resize");
        }
        if (mkfsJournalSize != null) {
            ignored.add("--mkfs-journal-size");
        }
        if (mkfsOptions != null) {
            ignored.add("--mkfs-options");
        }
        if (qemuImgOptions != null) {
            ignored.add("--qemu-img-options");
        }
        if (dockerTarget != null) {
            ignored.add("--docker-target");
        }
        return ignored;
    }

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
        if (compression != null) {
            env.put("DIB_RAMDISK_COMPRESSION", compression);
        }
        String kind = env.getOrDefault("DIB_RAMDISK_COMPRESSION", "gzip");
        try {
            env.put("DIB_RAMDISK_COMPRESSION", Compression.parse(kind).name().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + " (--compression or DIB_RAMDISK_COMPRESSION)");
        }
        List<String> all = new ArrayList<>();
        all.add(ramdiskElement);
        build.elements.stream().filter(e -> !e.equals(ramdiskElement)).forEach(all::add);
        String size = imageSize != null ? imageSize : blankToNull(env.get("DIB_IMAGE_SIZE"));
        String extra = imageExtraSize != null ? imageExtraSize : blankToNull(env.get("DIB_IMAGE_EXTRA_SIZE"));
        String checksumEnv = env.getOrDefault("DIB_CHECKSUM", "0").trim();
        boolean wantChecksum = checksum || !(checksumEnv.isEmpty() || checksumEnv.equals("0"));
        BuildSpec buildSpec = build.spec(
                        env, all, spec.commandLine().getParseResult().originalArgs())
                .outputTypes(List.of(OutputType.RAMDISK))
                .disk(new BuildSpec.DiskOptions(
                        size, extra, rootLabel, null, null, null, null, false, wantChecksum, null))
                .build();
        List<String> ignored = ignoredOptions();
        return build.run(buildSpec, spec.commandLine().getOut(), printer -> {
            if (!ignored.isEmpty()) {
                printer.warn(String.join(", ", ignored)
                        + ": accepted as DIB's ramdisk-image-create accepts them, and ignored: a ramdisk build"
                        + " writes only NAME.kernel and NAME.initramfs");
            }
        });
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
