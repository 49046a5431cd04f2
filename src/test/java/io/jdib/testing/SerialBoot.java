package io.jdib.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Boots QEMU (TCG) with drives {@link io.jdib.check.QemuBoot} does not attach (a CD-ROM, a disk with
 * 4096-byte sectors) and waits for a line on the serial console. The guest is killed once the line
 * appears or the time is up.
 */
public final class SerialBoot {
    private SerialBoot() {}

    /** What the console showed: whether {@code expect} appeared, after how long, and the whole log. */
    public record Result(boolean matched, double seconds, String console) {}

    /** OVMF's code and a private copy of its variable store in {@code dir}, as pflash drives. */
    public static List<String> ovmf(Path dir) {
        Path vars = dir.resolve("OVMF_VARS.fd");
        try {
            Files.copy(
                    Path.of("/usr/share/OVMF/OVMF_VARS.fd"), vars, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of(
                "-drive",
                "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd",
                "-drive",
                "if=pflash,format=raw,unit=1,file=" + vars);
    }

    public static Result boot(List<String> drives, Path console, String expect, Duration limit) {
        List<String> argv = new ArrayList<>(List.of(
                "qemu-system-x86_64",
                "-accel",
                "tcg",
                "-m",
                "1024",
                "-nographic",
                "-monitor",
                "none",
                "-serial",
                "file:" + console,
                "-no-reboot",
                "-nic",
                "user,model=virtio-net-pci"));
        argv.addAll(drives);
        Pattern pattern = Pattern.compile(expect);
        long start = System.nanoTime();
        Process qemu;
        try {
            Files.deleteIfExists(console);
            qemu = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(console.resolveSibling(console.getFileName() + ".qemu")
                            .toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            long deadline = start + limit.toNanos();
            while (System.nanoTime() < deadline && qemu.isAlive()) {
                if (Files.exists(console) && pattern.matcher(read(console)).find()) {
                    return new Result(true, (System.nanoTime() - start) / 1e9, read(console));
                }
                Thread.sleep(1000);
            }
            return new Result(false, (System.nanoTime() - start) / 1e9, Files.exists(console) ? read(console) : "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, (System.nanoTime() - start) / 1e9, "");
        } finally {
            qemu.destroyForcibly();
            try {
                qemu.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
