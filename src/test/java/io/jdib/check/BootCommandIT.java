package io.jdib.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code jdib boot} as a user runs it: exit codes, what it prints, and no QEMU left behind. */
@Tag("integration")
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class BootCommandIT {
    private static InProcessCli.Run jdib(String... args) {
        return InProcessCli.jdib(args);
    }

    @TempDir
    static Path shared;

    static Path kernel;
    static Path sleeper;

    @BeforeAll
    static void fixtures() {
        kernel = BootFixtures.kernel();
        sleeper = BootFixtures.initramfs(shared, "sleeper", "echo " + QemuBootIT.MARKER + "\nexec sleep 3600");
    }

    @Test
    void bootPrintsTheSecondsToTheMatchAndExitsZero(@TempDir Path dir) {
        Path console = dir.resolve("console.log");
        InProcessCli.Run run = jdib(
                "boot",
                "--kernel",
                kernel.toString(),
                "--initrd",
                sleeper.toString(),
                "--append",
                "console=ttyS0 quiet",
                "--memory",
                "256",
                "--expect",
                "JDIB-BOOT-M.RKER",
                "--timeout",
                "120",
                "--console-log",
                console.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("booted: /JDIB-BOOT-M\\.RKER/ appeared after \\d+\\.\\d s");
        assertThat(BootFixtures.qemuProcessesMentioning(console.toString())).isEmpty();
    }

    @Test
    void aTimeoutExitsNonZeroWithTheLastConsoleLines(@TempDir Path dir) throws IOException {
        Path console = dir.resolve("console.log");
        InProcessCli.Run run = jdib(
                "boot",
                "--kernel",
                kernel.toString(),
                "--initrd",
                sleeper.toString(),
                "--append",
                "console=ttyS0 quiet",
                "--memory",
                "256",
                "--expect",
                "NEVER-THERE",
                "--timeout",
                "15",
                "--console-log",
                console.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err())
                .contains("/NEVER-THERE/ did not appear within 15 s")
                .contains("last console lines (" + console + "):")
                .containsPattern("(?m)^  \\| .+");
        // However far a loaded host let the guest get in 15 s, the tail shown is the console's end.
        String log = new String(Files.readAllBytes(console), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (log.contains(QemuBootIT.MARKER)) {
            assertThat(run.err())
                    .containsPattern("(?m)^  \\| .*" + QemuBootIT.MARKER); // firmware may not end its line first
        }
        assertThat(BootFixtures.qemuProcessesMentioning(console.toString())).isEmpty();
    }

    @Test
    void badUsageIsOneLineAndNonZero(@TempDir Path dir) {
        InProcessCli.Run neither = jdib("boot");
        assertThat(neither.exit()).isNotZero();
        assertThat(neither.err()).startsWith("error: ").contains("--kernel").doesNotContain("Exception");
        InProcessCli.Run missing = jdib("boot", dir.resolve("missing.qcow2").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("missing.qcow2 does not exist");
        InProcessCli.Run append = jdib("boot", "--append", "quiet", dir.toString());
        assertThat(append.exit()).isEqualTo(1);
        assertThat(append.err()).contains("--initrd and --append need --kernel");
        InProcessCli.Run regex = jdib("boot", "--expect", "(", "--kernel", kernel.toString());
        assertThat(regex.exit()).isEqualTo(1);
        assertThat(regex.err()).contains("--expect is not a valid regular expression");
    }

    @Test
    void sigtermToJdibStopsQemuToo(@TempDir Path dir) throws IOException, InterruptedException {
        Path console = dir.resolve("console.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jdib = new ProcessBuilder(List.of(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.jdib.cli.Main",
                        "boot",
                        "--kernel",
                        kernel.toString(),
                        "--initrd",
                        sleeper.toString(),
                        "--append",
                        "console=ttyS0 quiet",
                        "--memory",
                        "256",
                        "--expect",
                        "NEVER-THERE",
                        "--timeout",
                        "300",
                        "--console-log",
                        console.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("jdib.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(Files.exists(console) && Files.readString(console).contains(QemuBootIT.MARKER))) {
                assertThat(System.nanoTime())
                        .as("guest never printed the marker")
                        .isLessThan(deadline);
                assertThat(jdib.isAlive())
                        .as(Files.readString(dir.resolve("jdib.out")))
                        .isTrue();
                Thread.sleep(200);
            }
            assertThat(BootFixtures.qemuProcessesMentioning(console.toString())).hasSize(1);
            jdib.destroy(); // SIGTERM
            assertThat(jdib.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(BootFixtures.qemuProcessesMentioning(console.toString())).isEmpty();
        } finally {
            jdib.destroyForcibly();
            for (long pid : BootFixtures.qemuProcessesMentioning(console.toString())) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
