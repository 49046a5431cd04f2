package io.jdib.cli;

import io.jdib.build.BuildReport;
import io.jdib.event.BuildEvent;
import io.jdib.frontend.ImageDefinition;
import io.jdib.frontend.ImageDefinitions;
import io.jdib.frontend.ImageKey;
import io.jdib.frontend.ImageQueue;
import io.jdib.sys.JdibError;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * DIB's YAML front end ({@code diskimage-builder}): builds every image the files define, one after
 * another, each through disk-image-create or ramdisk-image-create exactly as its command line would,
 * and ends with a table of the images.
 */
@Command(
        name = "build",
        aliases = "diskimage-builder",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        description = {
            "Build the images that YAML files define (DIB's diskimage-builder), one after another, and print a"
                    + " table of them at the end.",
            "A file is a list of images; an image without imagename adds to the one before it, and images of"
                    + " one name are merged (lists extended, mappings updated, values replaced)."
        })
final class BuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dry-run", description = "Print the command that builds each image, and build nothing.")
    boolean dryRun;

    @Option(names = "--stop-on-failure", description = "Build no more images once one fails.")
    boolean stopOnFailure;

    @Parameters(arity = "1..*", paramLabel = "FILE.yaml", description = "Image definition files.")
    List<Path> files;

    /** The keys of an image, for --help: {@code ImageKey} is their one definition. */
    static void describeKeys(CommandLine build) {
        List<String> footer = new ArrayList<>();
        footer.add("");
        footer.add("Keys of an image (DIB's; docker-import and compression are jdib's own):");
        footer.addAll(ImageKey.help());
        build.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<ImageDefinition> images = ImageDefinitions.load(files);
        if (dryRun) {
            images.forEach(image -> out.println(image.commandLine()));
            out.flush();
            return 0;
        }
        List<ImageQueue.Outcome> outcomes;
        try (EventPrinter printer = new EventPrinter(out, false, null)) {
            outcomes = ImageQueue.run(images, stopOnFailure, this::build, printer);
        }
        return outcomes.stream()
                .filter(o -> o.status() == BuildEvent.ImageStatus.FAILED)
                .findFirst()
                .flatMap(ImageQueue.Outcome::failure)
                .map(e -> e instanceof JdibError known ? known.exitCode() : JdibError.Kind.INTERNAL.exitCode())
                .orElse(0);
    }

    /** One image, through the same command and options its command line would use. */
    private List<Path> build(ImageDefinition image) {
        PrintWriter err = spec.commandLine().getErr();
        try {
            ImageCommand command = image.ramdisk() ? new RamdiskImageCreateCommand() : new DiskImageCreateCommand();
            CommandLine line = new CommandLine(command);
            line.setOut(spec.commandLine().getOut());
            line.setErr(err);
            try {
                line.parseArgs(image.arguments().toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                // The definition was checked against the same options: this is jdib's bug, not the file's.
                throw new IllegalStateException(
                        image.command() + " rejects " + image.arguments() + ": " + e.getMessage(), e);
            }
            Map<String, String> env = new HashMap<>(System.getenv());
            env.putAll(image.environment());
            command.options().inherited = env;
            BuildReport report = command.build();
            return report.outputs();
        } catch (RuntimeException e) {
            Main.report(e, image.traceLevel() > 0, err);
            throw e;
        }
    }
}
