package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import io.jdib.testing.LocalAptArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * ubuntu (ubuntu-minimal and the cloud pieces on top) built for real against a local archive in Ubuntu's layout (this machine cannot reach
 * Ubuntu's): dists/noble, -updates, -security and -backports with components main and universe,
 * signed by a throwaway key handed over as DIB_APT_KEYRING, holding Debian trixie's packages plus a
 * stand-in linux-image-generic. One tree build, with the dpkg and debootstrap variables set that a
 * Debian build leaves at their defaults: a build proxy (http_proxy: the same server), extra apt keys,
 * extra bootstrap arguments, no shared .deb cache, no apt clean-up.
 */
@Tag("integration")
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class UbuntuMinimalIT {
    @TempDir
    static Path dir;

    private static LocalAptArchive archive;
    private static JdibProcess.Result build;
    private static Path tar;
    private static List<String> entries;

    @BeforeAll
    static void buildAgainstTheLocalArchive() throws Exception {
        // apt checks signatures as its unprivileged _apt user, who must be able to read the keyring.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        archive = LocalAptArchive.create(
                dir.resolve("repo"),
                "ubuntu",
                "Ubuntu",
                "noble",
                List.of("noble", "noble-updates", "noble-security", "noble-backports"),
                List.of("main", "universe"),
                "amd64",
                "trixie",
                List.of(new LocalAptArchive.StandIn(
                        "linux-image-generic",
                        "6.8.0.1+jdibtest",
                        "amd64",
                        "stand-in for Ubuntu's kernel meta package (jdib test archive)")));
        Path extraKeys = Files.createDirectories(dir.resolve("extra-keys"));
        Files.copy(archive.keyring(), extraKeys.resolve("jdib-extra.gpg"));
        long start = System.nanoTime();
        build = JdibProcess.run(
                Duration.ofMinutes(35),
                Map.ofEntries(
                        Map.entry("JDIB_WORK_DIR", dir.resolve("work").toString()),
                        // Its own cache: the key is new each run, so its bootstrap is never reused.
                        Map.entry("DIB_IMAGE_CACHE", dir.resolve("cache").toString()),
                        Map.entry("DIB_RELEASE", "noble"),
                        Map.entry("DIB_DISTRIBUTION_MIRROR", archive.url()),
                        Map.entry("DIB_APT_KEYRING", archive.keyring().toString()),
                        Map.entry("DIB_ADD_APT_KEYS", extraKeys.toString()),
                        Map.entry("DIB_DEBOOTSTRAP_EXTRA_ARGS", "--include=less"),
                        Map.entry("DIB_APT_LOCAL_CACHE", "0"),
                        Map.entry("DIB_DISABLE_APT_CLEANUP", "1"),
                        Map.entry("http_proxy", archive.proxyUrl()),
                        Map.entry("no_proxy", "")),
                "disk-image-create",
                "-o",
                dir.resolve("out/ubuntu").toString(),
                "-t",
                "tar",
                "ubuntu");
        System.out.printf("ubuntu (local archive): built in %.0f s%n", (System.nanoTime() - start) / 1e9);
        tar = dir.resolve("out/ubuntu.tar");
        if (Files.exists(tar)) {
            System.out.printf("ubuntu tree tar: %d MiB%n", Files.size(tar) >> 20);
        }
        entries = build.exitCode() == 0
                ? HostState.run("tar", "--list", "--file", tar.toString())
                        .lines()
                        .toList()
                : List.of();
    }

    @AfterAll
    static void stopServer() {
        if (archive != null) {
            archive.close();
        }
    }

    private static String file(String member) {
        return HostState.run("tar", "--extract", "--to-stdout", "--file", tar.toString(), "." + member);
    }

    @Test
    void theBootstrapIsUbuntusReleaseComponentsAndKeyringFromTheMirror() {
        assertThat(build.exitCode()).as(build.output()).isZero();
        String bootstrap = build.output()
                .lines()
                .filter(l ->
                        l.contains("bootstrapping Ubuntu noble (amd64) from " + archive.url() + " with mmdebstrap"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no bootstrap line in:\n" + build.output()));
        assertThat(bootstrap)
                .contains("--variant=minbase", "--components=main,universe", "--include=systemd-sysv")
                .contains("--keyring=" + archive.keyring(), "--include=less")
                .contains(" noble ")
                .doesNotContain("sync-in");
        assertThat(entries).contains("./usr/bin/less");
        assertThat(file("/etc/hostname")).isEqualTo("ubuntu\n");
    }

    @Test
    void aptSourcesAreDibsUbuntuLinesOnTheMirror() {
        assertThat(build.exitCode()).as(build.output()).isZero();
        String mirror = archive.url();
        assertThat(file("/etc/apt/sources.list"))
                .isEqualTo("deb " + mirror + " noble main universe\n"
                        + "deb " + mirror + " noble-updates main universe\n"
                        + "deb " + mirror + " noble-security main universe\n"
                        + "deb " + mirror + " noble-backports main universe\n");
        assertThat(entries.stream().filter(e -> e.startsWith("./etc/apt/sources.list.d/") && !e.endsWith("/")))
                .isEmpty();
        // apt inside the chroot read every suite's signed index (mmdebstrap alone asks only noble).
        for (String suite : List.of("noble-updates", "noble-security", "noble-backports")) {
            assertThat(archive.requests())
                    .anyMatch(r -> r.uri().endsWith("/ubuntu/dists/" + suite + "/InRelease") && r.status() == 200);
        }
    }

    @Test
    void theArchiveKeyringAndTheExtraKeysAreTrustedInTheImage() throws Exception {
        assertThat(build.exitCode()).as(build.output()).isZero();
        byte[] keyring = Files.readAllBytes(archive.keyring());
        Path extracted = Files.createDirectories(dir.resolve("extracted"));
        HostState.run(
                "tar",
                "--extract",
                "--file",
                tar.toString(),
                "--directory",
                extracted.toString(),
                "./etc/apt",
                "./var/lib/dpkg/status");
        assertThat(extracted.resolve("etc/apt/trusted.gpg.d/dib-apt-keyring.gpg"))
                .hasBinaryContent(keyring);
        assertThat(extracted.resolve("etc/apt/trusted.gpg.d/jdib-extra.gpg")).hasBinaryContent(keyring);
    }

    @Test
    void ubuntusPackageNamesAreInstalled() throws Exception {
        assertThat(build.exitCode()).as(build.output()).isZero();
        String status = file("/var/lib/dpkg/status");
        List<String> stanzas = List.of(status.split("\n\n"));
        for (String name : List.of("linux-image-generic", "initramfs-tools", "systemd-sysv", "less")) {
            assertThat(stanzas)
                    .as(name)
                    .anyMatch(st -> st.startsWith("Package: " + name + "\n")
                            && st.contains("\nStatus: install ok installed\n"));
        }
        assertThat(status).contains("Version: 6.8.0.1+jdibtest");
        assertThat(file("/etc/sysctl.d/99-cloudimg-ipv6.conf")).contains("net.ipv6.conf.all.use_tempaddr=0");
    }

    @Test
    void theBuildProxyWasUsedAndIsNotInTheImage() throws Exception {
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(archive.requests()).anyMatch(r -> r.viaProxy() && r.uri().contains("/ubuntu/pool/"));
        assertThat(archive.requests())
                .anyMatch(r -> r.viaProxy() && r.uri().endsWith("/ubuntu/dists/noble-security/InRelease"));
        assertThat(entries).doesNotContain("./etc/apt/apt.conf.d/60img-build-proxy");
        Path extracted = Files.createDirectories(dir.resolve("apt-conf"));
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
    void noSharedDebCacheAndNoAptCleanUpWereAskedFor() {
        assertThat(build.exitCode()).as(build.output()).isZero();
        // DIB_DISABLE_APT_CLEANUP=1: the package lists stay.
        assertThat(entries)
                .anyMatch(e -> e.startsWith("./var/lib/apt/lists/127.0.0.1")
                        && e.endsWith("_ubuntu_dists_noble-security_InRelease"));
        // DIB_APT_LOCAL_CACHE=0: nothing was put in (or taken from) $DIB_IMAGE_CACHE/apt/noble-amd64.
        assertThat(dir.resolve("cache/debian-minimal")).isDirectory();
        assertThat(dir.resolve("cache/apt/noble-amd64")).doesNotExist();
        assertThat(build.output()).doesNotContain("sync-in");
    }

    @Test
    void theUbuntuElementAddsCloudInitNetplanAndSshWithDibsDatasourceDefault() {
        assertThat(build.exitCode()).as(build.output()).isZero();
        List<String> stanzas = List.of(file("/var/lib/dpkg/status").split("\n\n"));
        for (String name : List.of("cloud-init", "netplan.io", "openssh-server", "cloud-guest-utils")) {
            assertThat(stanzas)
                    .as(name)
                    .anyMatch(st -> st.startsWith("Package: " + name + "\n")
                            && st.contains("\nStatus: install ok installed\n"));
        }
        assertThat(file("/etc/cloud/cloud.cfg.d/91-dib-cloud-init-datasources.cfg"))
                .contains("datasource_list: [ Ec2");
    }
}
