package io.jdib.check;

import io.jdib.ramdisk.CpioWriter;
import io.jdib.testing.SharedBuilds;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the boot tests boot: the host's kernel (or the shared build's) and tiny
 * initramfs images whose /init is a busybox script.
 */
final class BootFixtures {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    private BootFixtures() {}

    /**
     * $JDIB_TEST_KERNEL, else a kernel from the host's /boot, else the kernel of the run's shared
     * {@code debian-minimal vm baremetal} build: never a download of its own.
     */
    static synchronized Path kernel() {
        String configured = System.getenv("JDIB_TEST_KERNEL");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (DirectoryStream<Path> boot = Files.newDirectoryStream(Path.of("/boot"), "vmlinuz-*")) {
            for (Path candidate : boot) {
                if (Files.isReadable(candidate)) {
                    return candidate;
                }
            }
        } catch (IOException e) {
            // no /boot on this host: use the shared build's kernel
        }
        return SharedBuilds.minimalVm().requireSuccess().output("vmlinuz");
    }

    /** An initramfs whose /init runs {@code script} (busybox sh; busybox applets are on PATH). */
    static Path initramfs(Path dir, String name, String script) {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new AssertionError(BUSYBOX + " is missing: apt-get install busybox-static");
        }
        Path out = dir.resolve(name + ".cpio");
        String init = "#!/bin/busybox sh\n/bin/busybox --install -s /bin\nexport PATH=/bin\n" + script + "\n";
        try (OutputStream stream = Files.newOutputStream(out);
                CpioWriter cpio = new CpioWriter(stream, 0)) {
            cpio.directory("bin", CpioWriter.Attrs.root(0755));
            cpio.directory("dev", CpioWriter.Attrs.root(0755));
            cpio.charDevice("dev/console", CpioWriter.Attrs.root(0600), 5, 1);
            cpio.file("bin/busybox", CpioWriter.Attrs.root(0755), BUSYBOX);
            cpio.file("init", CpioWriter.Attrs.root(0755), init.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** QEMU processes whose command line mentions {@code needle} (a test's own console log path). */
    static List<Long> qemuProcessesMentioning(String needle) {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path proc : procs) {
                String pid = proc.getFileName().toString();
                if (!pid.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    String stat = Files.readString(proc.resolve("stat"));
                    boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
                    if (!zombie && cmdline.contains("qemu-system") && cmdline.contains(needle)) {
                        found.add(Long.parseLong(pid));
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    static String sh(Path dir, String... command) {
        try {
            Path out = Files.createTempFile("jdib-sh", ".out");
            try {
                Process p = new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                if (!p.waitFor(600, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + String.join(" ", command));
                }
                String text = Files.readString(out);
                if (p.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + text);
                }
                return text;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
