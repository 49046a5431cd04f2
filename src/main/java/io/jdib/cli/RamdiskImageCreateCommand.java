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
        BuildSpec buildSpec = build.spec(
                        env, all, spec.commandLine().getParseResult().originalArgs())
                .outputTypes(List.of(OutputType.RAMDISK))
                .build();
        return build.run(buildSpec, spec.commandLine().getOut(), printer -> {});
    }
}
