package io.jdib.cli;

import io.jdib.element.PackageInstalls;
import io.jdib.element.PackagePlan;
import io.jdib.element.PkgMap;
import io.jdib.element.SvcMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Helpers that element hooks call back into; not for users. */
@Command(
        name = "internal",
        hidden = true,
        subcommands = {
            InternalCommand.Squash.class,
            InternalCommand.InstallPkgMaps.class,
            InternalCommand.MergeSvcMaps.class,
            InternalCommand.ExtractTree.class
        })
final class InternalCommand {

    @Command(
            name = "package-installs-squash",
            description = "Squash every element's package-installs.yaml and pkg-map for the in-chroot hooks.")
    static final class Squash implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--hooks", required = true)
        Path hooks;

        @Override
        public Integer call() {
            Map<String, String> env = System.getenv();
            List<String> extra = Arrays.stream(
                            env.getOrDefault("INSTALL_PACKAGES", "").split("[,\\s]+"))
                    .filter(s -> !s.isEmpty())
                    .toList();
            List<PackageInstalls.Op> ops = PackagePlan.write(
                    PackagePlan.parseImageElementYaml(env.getOrDefault("IMAGE_ELEMENT_YAML", "{}")), env, extra, hooks);
            for (PackageInstalls.Op op : ops) {
                spec.commandLine()
                        .getOut()
                        .println(op.phase() + ": " + (op.uninstall() ? "uninstall " : "install ") + op.pkg() + " ("
                                + op.element() + ")");
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "pkg-map-install",
            description =
                    "Copy every element's pkg-map to ROOT/usr/share/pkg-map/ELEMENT, with the table pkg-map reads.")
    static final class InstallPkgMaps implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--root", required = true)
        Path root;

        @Override
        public Integer call() {
            Map<String, Path> elements =
                    PackagePlan.parseImageElementYaml(System.getenv().getOrDefault("IMAGE_ELEMENT_YAML", "{}"));
            Path dir = root.resolve("usr/share/pkg-map");
            try {
                Files.createDirectories(dir.resolve(".tsv"));
                for (Map.Entry<String, Path> e : elements.entrySet()) {
                    Path map = e.getValue().resolve("pkg-map");
                    if (!Files.isRegularFile(map)) {
                        continue;
                    }
                    List<String> table = PkgMap.flatten(map);
                    Files.copy(map, dir.resolve(e.getKey()), StandardCopyOption.REPLACE_EXISTING);
                    Files.write(dir.resolve(".tsv").resolve(e.getKey()), table);
                    spec.commandLine().getOut().println("pkg-map of " + e.getKey() + ": " + table.size() + " mappings");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "svc-map-merge",
            description = "Merge every element's svc-map for DISTRO_NAME into ROOT/usr/share/svc-map/services.")
    static final class MergeSvcMaps implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--root", required = true)
        Path root;

        @Override
        public Integer call() {
            Map<String, String> env = System.getenv();
            Map<String, String> merged = SvcMap.merge(
                    PackagePlan.parseImageElementYaml(env.getOrDefault("IMAGE_ELEMENT_YAML", "{}")),
                    env.getOrDefault("DISTRO_NAME", ""));
            try {
                Path services = root.resolve("usr/share/svc-map/services");
                Files.createDirectories(services.getParent());
                Files.writeString(services, SvcMap.render(merged));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            spec.commandLine().getOut().println("svc-map: " + merged.size() + " services");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(
            name = "image-extract",
            description = "Copy the file tree of a built disk image (all its filesystems, read-only) into ROOT.")
    static final class ExtractTree implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--image", required = true)
        Path image;

        @Option(names = "--sector-size", defaultValue = "512")
        int sectorSize;

        @Option(names = "--root", required = true)
        Path root;

        @Override
        public Integer call() {
            if (sectorSize != 512 && sectorSize != 4096) {
                throw new io.jdib.sys.UserError(
                        "DIB_SOURCE_BLOCK_SIZE is " + sectorSize + "; an image's sectors are 512 or 4096 bytes");
            }
            Path workRoot = Path.of(System.getenv().getOrDefault("JDIB_WORK_DIR", "/var/tmp/jdib"))
                    .toAbsolutePath();
            try (EventPrinter printer = new EventPrinter(spec.commandLine().getOut(), false, null);
                    io.jdib.sys.Workspace workspace = io.jdib.sys.Workspace.open(workRoot, "extract", printer::warn)) {
                new io.jdib.image.TreeExtraction(workspace.ledger(), workspace.work(), printer)
                        .extract(image.toAbsolutePath(), sectorSize, root.toAbsolutePath());
            }
            return 0;
        }
    }
}
