package io.jdib.check;

import io.jdib.event.EventSink;
import io.jdib.sys.Architecture;
import io.jdib.sys.Ledger;
import io.jdib.sys.MissingToolError;
import io.jdib.sys.ProcessGroups;
import io.jdib.sys.Tools;
import io.jdib.sys.UserError;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Boots an image (or a kernel) under the QEMU system emulator of its architecture ({@code
 * qemu-system-x86_64}, {@code qemu-system-aarch64 -M virt} with AAVMF...), {@code -accel tcg}, and watches the serial
 * console for a line matching the request's pattern.
 *
 * <p>QEMU runs in its own process group (via setsid), recorded in the ledger when one is given,
 * and that whole group is stopped on every way out: match, timeout, QEMU's own exit, an exception,
 * and the JVM being told to stop (a shutdown hook). A disk image is opened with {@code snapshot=on},
 * so the guest's writes go to a throw-away overlay and the image is never changed. UEFI boots use
 * Debian's OVMF with a private copy of its variable store.
 */
public final class QemuBoot {
    public static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE.fd");
    public static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS.fd");
    private static final long POLL_MILLIS = 50;
    private static final int QEMU_TAIL = 20;

    private final EventSink events;
    private final Ledger ledger;

    /** {@code ledger} (may be null) records QEMU's process group while it runs. */
    public QemuBoot(EventSink events, Ledger ledger) {
        this.events = events;
        this.ledger = ledger;
    }

    public QemuBoot(EventSink events) {
        this(events, null);
    }

    /** Boots, waits for the pattern, and stops QEMU. Never leaves a QEMU process behind. */
    public BootResult boot(BootRequest request) {
        return boot(request, null);
    }

    /**
     * Boots and waits for the pattern; once it appears, runs {@code whileUp} with the guest still
     * running (to log in over ssh, say), then stops QEMU. Never leaves a QEMU process behind.
     */
    public BootResult boot(BootRequest request, java.util.function.Consumer<BootResult> whileUp) {
        checkInputs(request);
        Architecture arch = request.arch();
        Path qemu = Tools.find(arch.qemuSystem())
                .orElseThrow(() -> new MissingToolError(arch.qemuSystem(), arch.systemPackages()));
        Path setsid = Tools.require("setsid");
        Path scratch = createTempDirectory();
        try {
            Path console = request.consoleLog() != null ? request.consoleLog() : createTempFile();
            Files.write(console, new byte[0]); // create or truncate: QEMU appends to what is there
            Path vars = null;
            if (request.bootsUefi()) {
                vars = scratch.resolve("VARS.fd");
                Files.copy(varsTemplate(arch), vars);
            }
            String format = request.image() == null ? null : imageFormat(request.image());
            List<String> argv = new ArrayList<>();
            argv.add(setsid.toString());
            argv.addAll(qemuArgs(qemu, request, console, vars, format));
            return run(argv, request, console, whileUp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(scratch);
        }
    }

    /** QEMU's command line for {@code request} (without setsid). */
    public static List<String> qemuArgs(
            Path qemu, BootRequest request, Path console, Path varsCopy, String imageFormat) {
        List<String> argv = new ArrayList<>(List.of(qemu.toString(), "-accel", "tcg"));
        argv.addAll(request.arch().machineArgs());
        argv.addAll(List.of(
                "-m",
                Integer.toString(request.memoryMiB()),
                "-nographic", // firmware (SeaBIOS, OVMF) writes to the serial port too
                "-monitor",
                "none",
                "-chardev",
                "file,id=console,path=" + escape(console.toString()),
                "-serial",
                "chardev:console",
                "-no-reboot"));
        // Extra arguments that bring their own network card replace the default one.
        if (!request.extraQemuArgs().contains("-nic")) {
            argv.addAll(List.of(
                    "-nic",
                    "user,model=" + request.arch().nicModel()
                            + (request.sshForwardPort() > 0
                                    ? ",hostfwd=tcp:127.0.0.1:" + request.sshForwardPort() + "-:22"
                                    : "")));
        }
        if (request.bootsUefi()) {
            argv.addAll(List.of(
                    "-drive",
                            "if=pflash,format=raw,unit=0,readonly=on,file="
                                    + escape(codeImage(request.arch()).toString()),
                    "-drive", "if=pflash,format=raw,unit=1,file=" + escape(varsCopy.toString())));
        }
        if (request.image() != null) {
            argv.addAll(List.of(
                    "-drive",
                    "file=" + escape(request.image().toString()) + ",format=" + imageFormat
                            + ",if=virtio,snapshot=on"));
        } else {
            argv.addAll(List.of("-kernel", request.kernel().toString()));
            if (request.initrd() != null) {
                argv.addAll(List.of("-initrd", request.initrd().toString()));
            }
            argv.addAll(List.of("-append", request.append()));
        }
        argv.addAll(request.extraQemuArgs());
        return argv;
    }

    private BootResult run(
            List<String> argv, BootRequest request, Path console, java.util.function.Consumer<BootResult> whileUp) {
        events.info("booting " + (request.image() != null ? request.image() : request.kernel())
                + " (" + request.arch() + ", " + firmwareName(request) + "), waiting up to "
                + request.timeout().toSeconds()
                + " s for /" + request.expect().pattern() + "/; console: " + console);
        events.debug("running " + String.join(" ", argv));
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        AtomicLong pgid = new AtomicLong(-1);
        Thread hook = new Thread(
                () -> {
                    if (pgid.get() > 0) {
                        ProcessGroups.kill(pgid.get());
                    }
                },
                "jdib-qemu-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Process process = null;
        Ledger.Entry recorded = null;
        Deque<String> qemuOutput = new ArrayDeque<>();
        long start = System.nanoTime();
        try {
            process = builder.start();
            pgid.set(process.pid()); // setsid execs QEMU in place: its pid is the group id
            recorded = ledger == null ? null : ledger.recordProcessGroup(process.pid());
            Thread output = readQemuOutput(process, qemuOutput);
            try (ConsoleReader screen = new ConsoleReader(console, request.expect())) {
                long deadline = start + request.timeout().toNanos();
                while (true) {
                    String line = screen.poll();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (line != null) {
                        events.debug(String.format(
                                "matched /%s/ after %.1f s: %s",
                                request.expect().pattern(), seconds, line));
                        BootResult matched = new BootResult(
                                BootResult.Outcome.MATCHED,
                                seconds,
                                line,
                                console,
                                screen.lastLines(),
                                -1,
                                tail(qemuOutput));
                        if (whileUp != null) {
                            whileUp.accept(matched); // QEMU keeps running until this returns
                        }
                        return matched;
                    }
                    if (!process.isAlive()) {
                        line = screen.poll(); // what QEMU wrote just before it ended
                        output.join(1000);
                        if (line != null) {
                            return new BootResult(
                                    BootResult.Outcome.MATCHED,
                                    seconds,
                                    line,
                                    console,
                                    screen.lastLines(),
                                    -1,
                                    tail(qemuOutput));
                        }
                        events.debug(String.format(
                                "QEMU exited with code %d after %.1f s before /%s/ appeared",
                                process.exitValue(), seconds, request.expect().pattern()));
                        return new BootResult(
                                BootResult.Outcome.QEMU_EXITED,
                                seconds,
                                null,
                                console,
                                screen.lastLines(),
                                process.exitValue(),
                                tail(qemuOutput));
                    }
                    if (System.nanoTime() >= deadline) {
                        events.debug(String.format(
                                "/%s/ did not appear within %d s",
                                request.expect().pattern(), request.timeout().toSeconds()));
                        return new BootResult(
                                BootResult.Outcome.TIMED_OUT,
                                seconds,
                                null,
                                console,
                                screen.lastLines(),
                                -1,
                                tail(qemuOutput));
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            }
        } catch (IOException e) {
            throw new BootError("cannot start " + argv.get(1) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while waiting for the guest", e);
        } finally {
            if (process != null) {
                ProcessGroups.kill(process.pid());
                process.destroyForcibly();
                waitQuietly(process);
            }
            if (recorded != null) {
                recorded.markUndone();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already stopping; the hook runs (harmlessly) on a group that is gone
            }
        }
    }

    private static Thread readQemuOutput(Process process, Deque<String> lines) {
        Thread thread = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            synchronized (lines) {
                                lines.addLast(ConsoleReader.clean(line));
                                if (lines.size() > QEMU_TAIL) {
                                    lines.removeFirst();
                                }
                            }
                        }
                    } catch (IOException e) {
                        // QEMU closed its output
                    }
                },
                "qemu-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static List<String> tail(Deque<String> lines) {
        synchronized (lines) {
            return lines.stream().filter(l -> !l.isBlank()).toList();
        }
    }

    private static void checkInputs(BootRequest request) {
        for (Path file : Stream.of(request.image(), request.kernel(), request.initrd())
                .filter(p -> p != null)
                .toList()) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new BootError(file + " does not exist or is not a readable file");
            }
        }
        Architecture arch = request.arch();
        if (request.bootsUefi() && !(Files.isRegularFile(codeImage(arch)) && Files.isRegularFile(varsTemplate(arch)))) {
            throw new BootError((arch.uefiOnly() ? "booting " + arch : "--uefi") + " needs " + codeImage(arch) + " and "
                    + varsTemplate(arch) + "; install them with: apt-get install "
                    + (arch.firmwareCode() != null ? arch.systemPackages() : "ovmf"));
        }
    }

    /** What firmware the guest starts in, for the boot's first line: UEFI, BIOS (SeaBIOS), SLOF... */
    static String firmwareName(BootRequest request) {
        if (request.bootsUefi()) {
            return "UEFI";
        }
        return switch (request.arch()) {
            case AMD64, I386 -> "BIOS";
            case PPC64EL -> "SLOF";
            case S390X -> "s390-ccw IPL";
            default -> "QEMU's firmware";
        };
    }

    /** The UEFI firmware for {@code arch}: its own (AAVMF for arm64), else OVMF. */
    static Path codeImage(Architecture arch) {
        return arch.firmwareCode() != null ? arch.firmwareCode() : OVMF_CODE;
    }

    static Path varsTemplate(Architecture arch) {
        return arch.firmwareVars() != null ? arch.firmwareVars() : OVMF_VARS;
    }

    /**
     * What qemu-img says the image is, so QEMU never guesses (guessing raw is unsafe and warned about);
     * a file that is not a disk image is refused here, before QEMU starts.
     */
    static String imageFormat(Path image) {
        return DiskImage.probe(image).format();
    }

    /** QEMU's option syntax: a comma in a value is written twice. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("jdib-boot");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createTempFile() throws IOException {
        return Files.createTempFile("jdib-boot-console-", ".log");
    }

    private static void waitQuietly(Process process) {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
