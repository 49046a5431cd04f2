package io.jdib.cli;

import io.jdib.image.KernelExtraction;
import io.jdib.sys.UserError;
import io.jdib.sys.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** DIB's disk-image-get-kernel: copies the newest kernel and its initrd out of a built image, read-only. */
@Command(
        name = "disk-image-get-kernel",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        description = {
            "Extract the newest kernel and its initrd from a disk image (qcow2, raw, ...; partitioned or not)"
                    + " into DIR as PREFIX-vmlinuz and PREFIX-initrd.",
            "The image is only read: non-raw images are converted to a temporary raw file and every filesystem is"
                    + " mounted read-only through a read-only loop device."
        })
final class DiskImageGetKernelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "-d",
            paramLabel = "DIR",
            required = true,
            description = "Directory to write the kernel and initrd to.")
    Path dir;

    @Option(names = "-i", paramLabel = "IMAGE", required = true, description = "The disk image.")
    Path image;

    @Option(
            names = "-o",
            paramLabel = "PREFIX",
            description = "Output name prefix (default: the image name without extension).")
    String prefix;

    @Option(names = "-x", description = "Trace: show debug output and stack traces.")
    boolean trace;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(image)) {
            throw new UserError("image " + image + " does not exist or is not a file");
        }
        String name =
                prefix != null ? prefix : stripExtension(image.getFileName().toString());
        Path workRoot = Path.of(System.getenv().getOrDefault("JDIB_WORK_DIR", "/var/tmp/jdib"))
                .toAbsolutePath();
        try (EventPrinter printer = new EventPrinter(spec.commandLine().getOut(), trace, null)) {
            try (Workspace workspace = Workspace.open(workRoot, "kernel", printer::warn)) {
                KernelExtraction.Result result = new KernelExtraction(workspace.ledger(), workspace.work(), printer)
                        .extract(image.toAbsolutePath(), dir.toAbsolutePath(), name);
                printer.line("kernel " + result.version() + " (" + result.foundIn() + ") -> " + result.kernel());
                result.initrd().ifPresent(i -> printer.line("initrd -> " + i));
            }
        }
        return 0;
    }

    static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
