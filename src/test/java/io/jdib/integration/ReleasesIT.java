package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.build.AptRelease;
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

/** Debian releases against the real mirror: trixie built once and booted; a release the mirror lacks. */
@Tag("integration")
class ReleasesIT {
    private static final String MIRROR = "http://deb.debian.org/debian";

    @TempDir
    static Path dir;

    private static JdibProcess.Result trixie;

    private static Map<String, String> env(String release) {
        return Map.of("JDIB_WORK_DIR", dir.resolve("work").toString(), "DIB_RELEASE", release);
    }

    private static Path out(String name) {
        return dir.resolve("out").resolve(name);
    }

    @BeforeAll
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    static void buildTrixie() {
        long start = System.nanoTime();
        trixie = JdibProcess.run(
                Duration.ofMinutes(30),
                env("trixie"),
                "disk-image-create",
                "-o",
                out("trixie").toString(),
                "-t",
                "qcow2,tar",
                "debian-minimal",
                "vm");
        System.out.printf("trixie debian-minimal vm: built in %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static void assertNothingLeft() {
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void trixieBuildsWithDeb822Sources() throws Exception {
        assertThat(trixie.exitCode()).as(trixie.output()).isZero();
        assertThat(trixie.output())
                .contains("release: trixie from " + MIRROR + ", amd64")
                .containsAnyOf("bootstrapping Debian trixie (amd64)", "using cached Debian trixie bootstrap")
                .doesNotContain("Debian bookworm");
        String sources = HostState.run(
                "tar",
                "--extract",
                "--to-stdout",
                "--file",
                out("trixie.tar").toString(),
                "./etc/apt/sources.list.d/debian.sources");
        assertThat(sources)
                .contains("Suites: trixie trixie-updates")
                .contains("Suites: trixie-security")
                .contains("Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg");
        String osRelease = HostState.run(
                "tar", "--extract", "--to-stdout", "--file", out("trixie.tar").toString(), "./usr/lib/os-release");
        assertThat(osRelease).contains("VERSION_CODENAME=trixie");
        assertNothingLeft();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void trixieBootsToLogin() throws Exception {
        assertThat(trixie.exitCode()).as(trixie.output()).isZero();
        BootResult booted = new QemuBoot(EventSink.NONE)
                .boot(BootRequest.ofImage(out("trixie.qcow2"))
                        .withTimeout(Duration.ofMinutes(8))
                        .withConsoleLog(dir.resolve("trixie.console")));
        assertThat(booted.matched()).as(String.join("\n", booted.lastLines())).isTrue();
        System.out.printf(
                "trixie qcow2 %d bytes, login after %.1f s%n", Files.size(out("trixie.qcow2")), booted.seconds());
        assertThat(Files.readString(dir.resolve("trixie.console"), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("Debian GNU/Linux 13");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aReleaseTheMirrorDoesNotServeFailsInOneLineBeforeBootstrapping() {
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(3),
                env("nosuchrelease"),
                "disk-image-create",
                "-o",
                out("nosuch").toString(),
                "debian-minimal",
                "vm");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output().lines().filter(l -> l.startsWith("error: ")).toList())
                .singleElement()
                .asString()
                .startsWith("error: release 'nosuchrelease' is not served by the mirror " + MIRROR);
        assertThat(r.output()).doesNotContain("==> root.d").doesNotContain("mmdebstrap");
        assertThat(Files.exists(out("nosuch.qcow2"))).isFalse();
        assertNothingLeft();
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void suitesResolveToCodenamesOnTheRealMirror() {
        AptRelease stable = AptRelease.resolve(MIRROR, "stable", "amd64");
        AptRelease oldstable = AptRelease.resolve(MIRROR, "oldstable", "arm64");
        assertThat(stable.codename()).matches("[a-z]+").isNotEqualTo("stable");
        assertThat(oldstable.codename()).matches("[a-z]+").isNotEqualTo(stable.codename());
        assertThat(AptRelease.resolve(MIRROR, "unstable", "amd64").codename()).isEqualTo("sid");
    }
}
