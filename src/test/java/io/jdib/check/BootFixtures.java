package io.jdib.check;

import io.jdib.ramdisk.CpioWriter;
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
 * What the boot tests boot: the host's kernel (or Debian's, fetched once into target/) and tiny
 * initramfs images whose /init is a busybox script.
 */
final class BootFixtures {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path KERNEL_CACHE = Path.of("target", "test-kernel");

    private BootFixtures() {
    }

    /** $JDIB_TEST_KERNEL, else a kernel from /boot, else Debian's linux-image-amd64 kernel, downloaded once. */
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
            // no /boot: fetch one below
        }
        Path cached = KERNEL_CACHE.resolve("vmlinuz").toAbsolutePath();
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        return download(cached);
    }

    private static Path download(Path cached) {
        try {
            Path dir = cached.getParent();
            Files.createDirectories(dir);
            String depends = sh(dir, "apt-cache", "depends", "linux-image-amd64");
            String pkg = depends.lines().map(String::trim).filter(l -> l.startsWith("Depends: linux-image-"))
                    .map(l -> l.substring("Depends: ".length())).findFirst()
                    .orElseThrow(() -> new AssertionError("no kernel package behind linux-image-amd64: " + depends));
            sh(dir, "apt-get", "download", pkg);
            Path deb;
            try (DirectoryStream<Path> debs = Files.newDirectoryStream(dir, pkg + "_*.deb")) {
                deb = debs.iterator().next();
            }
            Path tree = dir.resolve("tree");
            sh(dir, "dpkg-deb", "-x", deb.toString(), tree.toString());
            try (DirectoryStream<Path> vmlinuz = Files.newDirectoryStream(tree.resolve("boot"), "vmlinuz-*")) {
                Files.copy(vmlinuz.iterator().next(), cached);
            }
            sh(dir, "rm", "-rf", tree.toString(), deb.toString());
            return cached;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch a test kernel; set JDIB_TEST_KERNEL", e);
        }
    }

    /** An initramfs whose /init runs {@code script} (busybox sh; busybox applets are on PATH). */
    static Path initramfs(Path dir, String name, String script) {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new AssertionError(BUSYBOX + " is missing: apt-get install busybox-static");
        }
        Path out = dir.resolve(name + ".cpio");
        String init = "#!/bin/busybox sh\n/bin/busybox --install -s /bin\nexport PATH=/bin\n" + script + "\n";
        try (OutputStream stream = Files.newOutputStream(out); CpioWriter cpio = new CpioWriter(stream, 0)) {
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
                Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
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
