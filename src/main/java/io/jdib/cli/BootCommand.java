package io.jdib.cli;

import io.jdib.check.BootRequest;
import io.jdib.check.BootResult;
import io.jdib.check.QemuBoot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "boot",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Boot a disk image (or a kernel) under QEMU (TCG) and wait for a console line.",
            "The image is opened read-only (snapshot): the guest's writes are thrown away.",
            "Exit 0 when the line appears (printing the seconds it took); 1 on timeout or when QEMU"
                    + " stops first, printing the last console lines."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the expected line appeared", "1:timeout, QEMU exited first, or an error", "2:bad usage"})
final class BootCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "IMAGE",
            description = "Disk image in any format qemu reads (qcow2, raw, vhd, vmdk, vhdx).")
    Path image;

    @Option(names = "--kernel", paramLabel = "FILE", description = "Boot this kernel directly instead of an image.")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "Initrd for --kernel.")
    Path initrd;

    @Option(
            names = "--append",
            paramLabel = "ARGS",
            description = "Kernel command line for --kernel (default: ${DEFAULT-VALUE}).",
            defaultValue = BootRequest.DEFAULT_APPEND)
    String append;

    @Option(names = "--uefi", description = "Boot with UEFI firmware (OVMF, Debian package ovmf) instead of BIOS.")
    boolean uefi;

    @Option(
            names = {"-a", "--arch"},
            paramLabel = "ARCH",
            description = "The guest's architecture (default: this host's): picks the QEMU emulator, machine and"
                    + " firmware; arm64 boots qemu-system-aarch64 -M virt with AAVMF (UEFI), armhf qemu-system-arm"
                    + " -M virt with AAVMF32, ppc64el qemu-system-ppc64 -M pseries (SLOF).")
    String arch;

    @Option(
            names = "--memory",
            paramLabel = "MiB",
            defaultValue = "1024",
            description = "Guest memory in MiB (default: ${DEFAULT-VALUE}).")
    int memory;

    @Option(
            names = "--expect",
            paramLabel = "REGEX",
            defaultValue = BootRequest.DEFAULT_EXPECT,
            description = "Success is a console line containing a match (default: ${DEFAULT-VALUE}).")
    String expect;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "300",
            description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
    long timeout;

    @Option(
            names = "--console-log",
            paramLabel = "FILE",
            description = "Write the serial console here (default: a new file under the temp directory).")
    Path consoleLog;

    @Option(names = "-x", description = "Trace: show QEMU's command line and stack traces.")
    boolean trace;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean appendGiven = spec.commandLine().getParseResult().hasMatchedOption("--append");
        BootRequest request = new BootRequest(
                image,
                kernel,
                initrd,
                kernel == null && !appendGiven ? null : append,
                uefi,
                memory,
                BootRequest.pattern(expect),
                Duration.ofSeconds(timeout),
                consoleLog,
                java.util.List.of(),
                0,
                arch == null ? null : io.jdib.sys.Architecture.parse(arch));
        BootResult result;
        try (EventPrinter printer = new EventPrinter(out, trace, null)) {
            result = new QemuBoot(printer).boot(request);
        }
        if (result.matched()) {
            out.printf("booted: /%s/ appeared after %.1f s%n", expect, result.seconds());
            out.flush();
            return 0;
        }
        err.println(
                switch (result.outcome()) {
                    case TIMED_OUT -> String.format("boot failed: /%s/ did not appear within %d s", expect, timeout);
                    case QEMU_EXITED ->
                        String.format(
                                "boot failed: QEMU exited with code %d after %.1f s before /%s/" + " appeared",
                                result.qemuExitCode(), result.seconds(), expect);
                    case MATCHED -> throw new IllegalStateException();
                });
        for (String line : result.qemuMessages()) {
            err.println("  qemu: " + line);
        }
        err.println("last console lines (" + result.consoleLog() + "):");
        for (String line : result.lastLines()) {
            err.println("  | " + line);
        }
        err.flush();
        return 1;
    }
}
