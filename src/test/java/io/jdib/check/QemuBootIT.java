package io.jdib.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.event.RecordingSink;
import io.jdib.sys.Ledger;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real boots under qemu-system-x86_64 -accel tcg: the host's kernel with a busybox initramfs. */
@Tag("integration")
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class QemuBootIT {
    static final String MARKER = "JDIB-BOOT-MARKER";

    @TempDir
    static Path shared;

    static Path kernel;
    /** Prints the marker, then idles: QEMU only stops when we stop it. */
    static Path sleeper;
    /** Prints the marker and a goodbye, then powers the machine off: QEMU exits by itself. */
    static Path poweroff;

    @BeforeAll
    static void fixtures() {
        kernel = BootFixtures.kernel();
        sleeper = BootFixtures.initramfs(shared, "sleeper", "echo " + MARKER + "\nexec sleep 3600");
        poweroff = BootFixtures.initramfs(shared, "poweroff", "echo " + MARKER + "\necho JDIB-GOODBYE\npoweroff -f");
    }

    static BootRequest kernelBoot(Path initrd, Path console) {
        return BootRequest.ofKernel(kernel, initrd)
                .withAppend("console=ttyS0 quiet")
                .withConsoleLog(console)
                .withMemoryMiB(256)
                .withTimeout(Duration.ofSeconds(120));
    }

    @Test
    void aKernelBootFindsTheMarkerAndLeavesNoQemuRunning(@TempDir Path dir) throws IOException {
        Path console = dir.resolve("console.log");
        Ledger ledger = Ledger.create(dir.resolve("build"), line -> {});
        BootResult result = new QemuBoot(new RecordingSink(), ledger)
                .boot(kernelBoot(sleeper, console).withExpect(MARKER));

        assertThat(result.matched()).as("console: %s", result.lastLines()).isTrue();
        assertThat(result.matchedLine()).contains(MARKER);
        assertThat(result.seconds()).isPositive().isLessThan(120);
        assertThat(result.consoleLog()).isEqualTo(console);
        assertThat(Files.readString(console)).contains(MARKER);
        assertThat(BootFixtures.qemuProcessesMentioning(console.toString())).isEmpty();
        // QEMU's process group was on the ledger while it ran, and is marked undone now
        assertThat(Files.readString(ledger.file())).contains("\tpgroup\t");
        assertThat(Ledger.pending(ledger.file())).isEmpty();
        System.out.printf("kernel + initramfs boot to marker (BIOS): %.1f s%n", result.seconds());
    }

    @Test
    void aPatternThatNeverAppearsTimesOutWithTheConsoleTail(@TempDir Path dir) throws IOException {
        Path console = dir.resolve("console.log");
        BootResult result = new QemuBoot(new RecordingSink())
                .boot(kernelBoot(sleeper, console)
                        .withExpect("THIS-NEVER-APPEARS")
                        .withTimeout(Duration.ofSeconds(20)));

        assertThat(result.outcome()).isEqualTo(BootResult.Outcome.TIMED_OUT);
        assertThat(result.matched()).isFalse();
        assertThat(result.seconds()).isBetween(20.0, 60.0);
        // However far a loaded host let the guest get in 20 s, the tail holds the marker once it was printed.
        String log = new String(Files.readAllBytes(console), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(result.lastLines()).isNotEmpty().hasSizeLessThanOrEqualTo(20);
        if (log.contains(MARKER)) {
            assertThat(result.lastLines()).anyMatch(l -> l.contains(MARKER));
        }
        assertThat(BootFixtures.qemuProcessesMentioning(console.toString())).isEmpty();
    }

    @Test
    void whenTheGuestPowersOffFirstTheResultSaysQemuExited(@TempDir Path dir) {
        Path console = dir.resolve("console.log");
        BootResult result = new QemuBoot(new RecordingSink())
                .boot(kernelBoot(poweroff, console).withExpect("THIS-NEVER-APPEARS"));

        assertThat(result.outcome()).isEqualTo(BootResult.Outcome.QEMU_EXITED);
        assertThat(result.qemuExitCode()).isZero();
        assertThat(result.seconds()).isLessThan(100);
        assertThat(result.lastLines()).anyMatch(l -> l.contains("JDIB-GOODBYE"));
    }

    @Test
    void aLineWrittenJustBeforeQemuExitsStillMatches(@TempDir Path dir) {
        Path console = dir.resolve("console.log");
        BootResult result = new QemuBoot(new RecordingSink())
                .boot(kernelBoot(poweroff, console).withExpect("reboot: Power down|JDIB-GOODBYE"));
        assertThat(result.matched()).as("console: %s", result.lastLines()).isTrue();
    }

    @Test
    void aDiskImageBootsUnderSeaBiosAndIsNeverWritten(@TempDir Path dir) throws IOException {
        // No boot loader on it: SeaBIOS reports on the serial console that it tries the disk.
        Path image = dir.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(8L << 20);
        }
        BootFixtures.sh(dir, "sh", "-c", "printf 'label: dos\\n,\\n' | sfdisk -q disk.raw");
        byte[] before = Files.readAllBytes(image);
        Path console = dir.resolve("console.log");
        BootResult result = new QemuBoot(new RecordingSink())
                .boot(BootRequest.ofImage(image)
                        .withExpect("Booting from Hard Disk")
                        .withConsoleLog(console)
                        .withMemoryMiB(128)
                        .withTimeout(Duration.ofSeconds(120)));

        assertThat(result.matched()).as("console: %s", result.lastLines()).isTrue();
        assertThat(Files.readString(console)).contains("SeaBIOS");
        assertThat(Files.readAllBytes(image)).isEqualTo(before);
        assertThat(BootFixtures.qemuProcessesMentioning(console.toString())).isEmpty();
    }

    @Test
    void uefiBootsTheKernelThroughOvmfWithAPrivateVariableStore(@TempDir Path dir) throws IOException {
        byte[] vars = Files.readAllBytes(QemuBoot.OVMF_VARS);
        Path console = dir.resolve("console.log");
        BootResult result = new QemuBoot(new RecordingSink())
                .boot(kernelBoot(sleeper, console).withUefi(true).withExpect(MARKER));

        assertThat(result.matched()).as("console: %s", result.lastLines()).isTrue();
        // OVMF clears the screen with escape sequences; they are gone from what we report
        assertThat(result.matchedLine()).isEqualTo(MARKER);
        assertThat(Files.readString(console)).contains("\u001b[");
        assertThat(Files.readAllBytes(QemuBoot.OVMF_VARS)).isEqualTo(vars);
        assertThat(BootFixtures.qemuProcessesMentioning(console.toString())).isEmpty();
        System.out.printf("kernel + initramfs boot to marker (UEFI): %.1f s%n", result.seconds());
    }
}
