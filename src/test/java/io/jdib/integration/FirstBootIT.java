package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.check.BootRequest;
import io.jdib.check.BootResult;
import io.jdib.check.QemuBoot;
import io.jdib.event.EventSink;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DIB's legacy first-boot.d phase, for real: debian-minimal vm with the first-boot-test element,
 * built once (qcow2 and a tar of the same tree) and booted once under QEMU. Its two first-boot.d
 * scripts print to the console, in order, before the login prompt.
 */
@Tag("integration")
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class FirstBootIT {
    @TempDir
    static Path dir;

    static JdibProcess.Result build;
    static BootResult boot;
    static String console;

    @BeforeAll
    static void buildAndBootOnce() throws Exception {
        Path out = dir.resolve("out/fb");
        build = JdibProcess.run(
                Duration.ofMinutes(30),
                Map.of(
                        "ELEMENTS_PATH",
                        JdibProcess.testElements().toString(),
                        "JDIB_WORK_DIR",
                        dir.resolve("work").toString()),
                "disk-image-create",
                "-o",
                out.toString(),
                "-t",
                "qcow2,tar",
                "debian-minimal",
                "vm",
                "first-boot-test");
        assertThat(build.exitCode()).as(build.output()).isZero();
        boot = new QemuBoot(EventSink.NONE)
                .boot(BootRequest.ofImage(dir.resolve("out/fb.qcow2"))
                        .withTimeout(Duration.ofMinutes(10))
                        .withConsoleLog(dir.resolve("fb.console")));
        console = Files.readString(dir.resolve("fb.console"));
    }

    @Test
    void theScriptsRunOnceInOrderBeforeTheLoginPrompt() {
        assertThat(boot.matched()).as(String.join("\n", boot.lastLines())).isTrue();
        int first = console.indexOf("first-boot-test: 20 ran as root, no login yet: inactive");
        int second = console.indexOf("first-boot-test: 50 ran after 20");
        int done = console.indexOf("dib-first-boot: done");
        int login = console.indexOf(boot.matchedLine());
        assertThat(first).as(console).isNotNegative();
        assertThat(second).as(console).isGreaterThan(first);
        assertThat(done).as(console).isGreaterThan(second);
        assertThat(login).as(console).isGreaterThan(done);
    }

    @Test
    void theImageHoldsTheScriptsAndAnEnabledOneShotUnit() {
        String tar = dir.resolve("out/fb.tar").toString();
        String list = HostState.run("tar", "--list", "--file", tar);
        assertThat(list.lines())
                .contains(
                        "./etc/first-boot.d/20-first-boot-test",
                        "./etc/first-boot.d/50-first-boot-test",
                        "./usr/local/sbin/dib-first-boot",
                        "./etc/systemd/system/multi-user.target.wants/dib-first-boot.service")
                .noneMatch(l -> l.startsWith("./var/lib/dib-first-boot/"));
        String unit = HostState.run(
                "tar", "--extract", "--to-stdout", "--file", tar, "./usr/lib/systemd/system/dib-first-boot.service");
        assertThat(unit)
                .contains("Type=oneshot")
                .contains("ConditionPathExists=!/var/lib/dib-first-boot/done")
                .contains("Before=systemd-user-sessions.service");
        // The scripts were not run during the build.
        assertThat(build.output()).doesNotContain("first-boot-test: 20 ran");
    }

    @Test
    void nothingLeftBehind() {
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
    }
}
