package io.jdib.cli;

import io.jdib.element.PackageInstalls;
import io.jdib.element.PackagePlan;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Helpers that element hooks call back into; not for users. */
@Command(name = "internal", hidden = true, subcommands = InternalCommand.Squash.class)
final class InternalCommand {

    @Command(name = "package-installs-squash",
            description = "Squash every element's package-installs.yaml and pkg-map for the in-chroot hooks.")
    static final class Squash implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--hooks", required = true)
        Path hooks;

        @Override
        public Integer call() {
            Map<String, String> env = System.getenv();
            List<String> extra = Arrays.stream(env.getOrDefault("INSTALL_PACKAGES", "").split("[,\\s]+"))
                    .filter(s -> !s.isEmpty()).toList();
            List<PackageInstalls.Op> ops = PackagePlan.write(
                    PackagePlan.parseImageElementYaml(env.getOrDefault("IMAGE_ELEMENT_YAML", "{}")), env, extra, hooks);
            for (PackageInstalls.Op op : ops) {
                spec.commandLine().getOut().println(op.phase() + ": " + (op.uninstall() ? "uninstall " : "install ")
                        + op.pkg() + " (" + op.element() + ")");
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
