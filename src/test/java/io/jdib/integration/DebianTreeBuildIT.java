package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real build: debootstrapped Debian plus a test element exercising environment.d,
 * package-installs (when, uninstall, arch), pkg-map, static/ and install.d, written as tar and tgz.
 * Built once; every test reads the same outputs.
 */
@Tag("integration")
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class DebianTreeBuildIT {
    @TempDir
    static Path dir;

    static Path out;
    static Path work;
    static JdibProcess.Result build;

    @BeforeAll
    static void build() {
        out = dir.resolve("out");
        work = dir.resolve("work");
        build = JdibProcess.run(
                Duration.ofMinutes(20),
                Map.of(
                        "ELEMENTS_PATH",
                        JdibProcess.testElements().toString(),
                        "JDIB_WORK_DIR",
                        work.toString(),
                        "DIB_RELEASE",
                        "bookworm", // the default is DIB's "stable"; this tree is bookworm's
                        // Its own shared .deb directory, to see what apt in the chroot left there.
                        "JDIB_APT_ARCHIVE_CACHE",
                        dir.resolve("debs").toString()),
                "disk-image-create",
                "-o",
                out.resolve("dm").toString(),
                "-t",
                "tar,tgz",
                "-p",
                "zstd",
                "--logfile",
                dir.resolve("build.log").toString(),
                "debian-minimal",
                "jdib-test");
        assertThat(build.exitCode()).as(build.output()).isZero();
    }

    private static String tarFile(String member) {
        return HostState.run(
                "tar",
                "--extract",
                "--to-stdout",
                "--file",
                out.resolve("dm.tar").toString(),
                member);
    }

    @Test
    void treeIsDebianBookworm() {
        assertThat(tarFile("./etc/debian_version")).startsWith("12.");
        assertThat(tarFile("./usr/lib/os-release")).contains("VERSION_CODENAME=bookworm");
    }

    @Test
    void packageInstallsHonoursWhenUninstallArchAndPkgMap() {
        String status = tarFile("./var/lib/dpkg/status");
        assertThat(status)
                .contains("Package: less\n") // "pager" mapped by the family section
                .contains("Package: jq\n") // when: JDIB_TEST_FLAVOUR = blue holds
                .contains("Package: zstd\n") // -p
                .contains("Package: systemd-sysv\n")
                .doesNotContain("Package: nano\n") // when: != blue does not hold
                .doesNotContain("Package: file\n") // installed in install.d, removed in post-install.d
                .doesNotContain("Package: vim-tiny\n"); // not-arch: amd64
    }

    @Test
    void baseInstallsDibsBaselinePackagesAndUpgradesEverything() {
        String status = tarFile("./var/lib/dpkg/status");
        assertThat(status)
                .contains("Package: apt-transport-https\n")
                .contains("Package: software-properties-common\n") // bookworm still has it
                .contains("Package: open-iscsi\n"); // base's pkg-map: iscsi_package
        assertThat(build.output()).containsPattern("\\[base/00-up-to-date\\] .*Calculating upgrade");
        // sysprep: no initiator name shared by every instance; iscsid makes one at its first start.
        assertThat(tarFile("./etc/iscsi/initiatorname.iscsi")).isEqualTo("GenerateName=yes\n");
    }

    @Test
    void packagesAptDownloadedInTheChrootAreKeptWhereTheAptElementsSayNotInTheImage() throws Exception {
        try (var debs = java.nio.file.Files.list(dir.resolve("debs"))) {
            assertThat(debs.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("open-iscsi_") && n.endsWith(".deb"));
        }
        assertThat(HostState.run(
                                "tar", "--list", "--file", out.resolve("dm.tar").toString())
                        .lines())
                .noneMatch(e -> e.startsWith("./var/cache/apt/archives/") && e.endsWith(".deb"));
    }

    @Test
    void sysprepLeavesNoBuildSpecificLdconfigCache() {
        List<String> entries = HostState.run(
                        "tar", "--list", "--file", out.resolve("dm.tar").toString())
                .lines()
                .toList();
        assertThat(entries).contains("./var/cache/ldconfig/").doesNotContain("./var/cache/ldconfig/aux-cache");
    }

    @Test
    void staticFilesAndInstallHookRan() {
        assertThat(tarFile("./etc/jdib-test/static.conf")).isEqualTo("static content from jdib-test\n");
        assertThat(tarFile("./etc/jdib-test/flavour")).isEqualTo("blue\n");
        assertThat(tarFile("./etc/jdib-test/pkg-map")).isEqualTo("less\n");
        assertThat(tarFile("./etc/jdib-test/init-system")).isEqualTo("systemd\n");
        assertThat(build.output()).contains("  [jdib-test/50-jdib-test] jdib-test install.d ran with flavour blue");
    }

    @Test
    void noHostDevicesOrMountedFilesystemsInTheTar() {
        Set<String> allowedDev = Set.of(
                "./dev/",
                "./dev/console",
                "./dev/full",
                "./dev/null",
                "./dev/ptmx",
                "./dev/random",
                "./dev/tty",
                "./dev/urandom",
                "./dev/zero",
                "./dev/fd",
                "./dev/stdin",
                "./dev/stdout",
                "./dev/stderr",
                "./dev/pts/",
                "./dev/shm/");
        List<String> entries = HostState.run(
                        "tar", "--list", "--file", out.resolve("dm.tar").toString())
                .lines()
                .toList();

        assertThat(entries).filteredOn(e -> e.startsWith("./dev/")).isSubsetOf(allowedDev);
        assertThat(entries)
                .filteredOn(e -> e.startsWith("./proc/") || e.startsWith("./sys/"))
                .containsOnly("./proc/", "./sys/");
        assertThat(entries).noneMatch(e -> e.startsWith("./tmp/in_target.d/"));
        assertThat(entries).doesNotContain("./usr/sbin/policy-rc.d", "./etc/resolv.conf.ORIG");
        assertThat(tarFile("./etc/machine-id")).isEmpty();
    }

    @Test
    void tgzHoldsTheSameTree() {
        String tar =
                HostState.run("tar", "--list", "--file", out.resolve("dm.tar").toString());
        String tgz = HostState.run(
                "tar", "--list", "--gzip", "--file", out.resolve("dm.tgz").toString());
        assertThat(tgz).isEqualTo(tar);
        assertThat(tar.lines().count()).isGreaterThan(5000);
    }

    @Test
    void manifestsAreWrittenNextToTheImage() throws Exception {
        Path manifests = out.resolve("dm.d");
        assertThat(Files.readString(manifests.resolve("dib-manifest-dpkg")))
                .contains("\nless ")
                .contains("\njq ");
        assertThat(Files.readString(manifests.resolve("dib_arguments")))
                .contains("-t tar,tgz")
                .contains("debian-minimal jdib-test");
        assertThat(Files.readString(manifests.resolve("dib_environment")))
                .contains("declare -x DIB_RELEASE=\"bookworm\"");
        assertThat(Files.readAllLines(manifests.resolve("dib-element-manifest")))
                .contains("jdib-test", "base");
        // The step times, as JSON, and as the table the build ends with.
        assertThat(Files.readString(manifests.resolve("build-times.json")))
                .contains("\"step\": \"root.d\"")
                .contains("\"step\": \"write outputs\"")
                .contains("\"total_seconds\": ");
        assertThat(build.output()).containsPattern("step times:\n\\s+\\d+\\.\\d s\\s+resolve elements");
    }

    @Test
    void progressShowsEveryPhaseAndTimings() {
        for (String phase : List.of(
                "root.d",
                "extra-data.d",
                "pre-install.d",
                "install.d",
                "post-install.d",
                "post-root.d",
                "block-device.d",
                "pre-finalise.d",
                "finalise.d",
                "cleanup.d")) {
            assertThat(build.output()).contains("==> " + phase);
        }
        assertThat(build.output())
                .contains("    install.d timings:")
                .containsPattern("\\d+\\.\\d s  jdib-test/50-jdib-test");
        assertThat(build.output()).containsPattern("wrote .*dm\\.tar \\(\\d+\\.\\d MiB\\)");
    }

    @Test
    void logfileHoldsTheBuildWithTimestamps() throws Exception {
        List<String> log = Files.readAllLines(dir.resolve("build.log"));
        assertThat(log).anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ==> root\\.d"));
        assertThat(log).anyMatch(l -> l.endsWith("[jdib-test/50-jdib-test] jdib-test install.d ran with flavour blue"));
    }

    @Test
    void nothingLeftBehind() throws Exception {
        assertThat(HostState.mountsUnder(work)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(work)).isEmpty();
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("dm.tar", "dm.tgz", "dm.d");
        }
    }
}
