package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.testing.ForwardProxy;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bookworm debian-minimal tree built with the Debian and apt variables a default build leaves
 * alone: comma-separated components, a security mirror of the caller's, extra apt keys, and a build
 * behind an HTTP proxy (a forward proxy the test runs) that must not reach the image.
 */
@Tag("integration")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class DebianAptVariablesIT {
    private static final String SECURITY = "http://deb.debian.org/debian-security/";

    @TempDir
    static Path dir;

    private static ForwardProxy proxy;
    private static JdibProcess.Result build;
    private static Path tar;
    private static List<String> entries;

    @BeforeAll
    static void build() throws Exception {
        proxy = ForwardProxy.start();
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Files.copy(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg"), keys.resolve("jdib-extra-debian.gpg"));
        long start = System.nanoTime();
        build = JdibProcess.run(
                Duration.ofMinutes(25),
                Map.of(
                        "JDIB_WORK_DIR",
                        dir.resolve("work").toString(),
                        "DIB_RELEASE",
                        "bookworm",
                        "DIB_DEBIAN_COMPONENTS",
                        "main,contrib",
                        "DIB_DEBIAN_SECURITY_MIRROR",
                        SECURITY,
                        "DIB_ADD_APT_KEYS",
                        keys.toString(),
                        "DIB_AVOID_PACKAGES_UPDATE",
                        "1",
                        "DIB_SKIP_BASE_PACKAGE_INSTALL",
                        "1",
                        "http_proxy",
                        proxy.url(),
                        "no_proxy",
                        ""),
                "disk-image-create",
                "-o",
                dir.resolve("out/dm").toString(),
                "-t",
                "tar",
                "debian-minimal");
        System.out.printf("debian-minimal with apt variables: built in %.0f s%n", (System.nanoTime() - start) / 1e9);
        tar = dir.resolve("out/dm.tar");
        entries = build.exitCode() == 0
                ? HostState.run("tar", "--list", "--file", tar.toString())
                        .lines()
                        .toList()
                : List.of();
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static String file(String member) {
        return HostState.run("tar", "--extract", "--to-stdout", "--file", tar.toString(), "." + member);
    }

    @Test
    void baseLeavesOutItsPackagesAndTheUpgradeWhenAsked() {
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(file("/var/lib/dpkg/status"))
                .contains("Package: apt\n")
                .doesNotContain("Package: open-iscsi\n")
                .doesNotContain("Package: software-properties-common\n");
        assertThat(build.output()).doesNotContain("Calculating upgrade");
    }

    @Test
    void sourcesHaveEveryComponentAndTheCallersSecurityMirror() {
        assertThat(build.exitCode()).as(build.output()).isZero();
        // A bootstrap made for these components, now or by an earlier run (the cache key holds them).
        assertThat(build.output())
                .containsAnyOf(
                        "bootstrapping Debian bookworm (amd64) from http://deb.debian.org/debian with mmdebstrap",
                        "using cached Debian bookworm bootstrap");
        if (build.output().contains("bootstrapping Debian bookworm")) {
            assertThat(build.output()).contains("--components=main,contrib");
        }
        assertThat(file("/etc/apt/sources.list"))
                .isEqualTo("deb http://deb.debian.org/debian bookworm main contrib\n"
                        + "deb http://deb.debian.org/debian bookworm-updates main contrib\n"
                        + "deb " + SECURITY + " bookworm-security main contrib\n");
        assertThat(entries).doesNotContain("./etc/apt/sources.list.d/debian.sources");
    }

    @Test
    void theExtraKeysAreTrusted() throws Exception {
        assertThat(build.exitCode()).as(build.output()).isZero();
        Path extracted = Files.createDirectories(dir.resolve("keys-out"));
        HostState.run(
                "tar",
                "--extract",
                "--file",
                tar.toString(),
                "--directory",
                extracted.toString(),
                "./etc/apt/trusted.gpg.d/jdib-extra-debian.gpg");
        assertThat(extracted.resolve("etc/apt/trusted.gpg.d/jdib-extra-debian.gpg"))
                .hasSameBinaryContentAs(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg"));
    }

    @Test
    void theProxyCarriedTheBuildsAptTrafficAndIsNotInTheImage() throws Exception {
        assertThat(build.exitCode()).as(build.output()).isZero();
        // apt-get update inside the chroot (pre-install.d) asked the security suite through the proxy.
        assertThat(proxy.uris()).anyMatch(u -> u.startsWith(SECURITY + "dists/bookworm-security/"));
        assertThat(entries).doesNotContain("./etc/apt/apt.conf.d/60img-build-proxy");
        Path extracted = Files.createDirectories(dir.resolve("apt-out"));
        HostState.run("tar", "--extract", "--file", tar.toString(), "--directory", extracted.toString(), "./etc/apt");
        try (var files = Files.walk(extracted)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (!f.getFileName().toString().endsWith(".gpg")) {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContainIgnoringCase("proxy");
                }
            }
        }
    }

    @Test
    void aptIsCleanedUpByDefault() {
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(entries)
                .noneMatch(e -> e.startsWith("./var/lib/apt/lists/") && e.endsWith("InRelease"))
                .noneMatch(e -> e.startsWith("./var/cache/apt/archives/") && e.endsWith(".deb"));
    }
}
