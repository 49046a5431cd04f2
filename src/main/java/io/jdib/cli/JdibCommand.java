package io.jdib.cli;

import picocli.CommandLine.Command;

@Command(
        name = "jdib",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Builds operating-system images from diskimage-builder elements.",
        subcommands = {
            DiskImageCreateCommand.class,
            ElementInfoCommand.class,
            CleanupCommand.class,
            CacheCommand.class,
            BootCommand.class,
            MatrixCommand.class,
            CheckCommand.class,
            RamdiskImageCreateCommand.class,
            DiskImageGetKernelCommand.class,
            BuildCommand.class,
            LintCommand.class,
            InternalCommand.class
        })
final class JdibCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
