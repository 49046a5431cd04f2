package io.jdib.element;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The apt sources the Debian-family elements write, for many settings at once and without a build:
 * each case sources the elements' environment.d files in the build's order and runs their
 * pre-install.d sources hooks in a user and mount namespace ({@code unshare -rm}, no root needed)
 * where a temporary directory is bound over /etc/apt.
 */
class AptSourcesHooksTest {
    private static final List<String> DEBIAN = List.of("dpkg", "debootstrap", "debian-minimal");
    private static final List<String> UBUNTU = List.of("dpkg", "debootstrap", "ubuntu-common", "ubuntu-minimal");

    @TempDir
    Path dir;

    record Run(int code, String output, Path etcApt) {
        String file(String relative) throws IOException {
            return Files.readString(etcApt.resolve(relative));
        }

        boolean has(String relative) {
            return Files.exists(etcApt.resolve(relative));
        }
    }

    @BeforeAll
    static void namespacesWork() throws Exception {
        Process p = new ProcessBuilder("unshare", "-rm", "true")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        Assumptions.assumeTrue(p.waitFor() == 0, "unshare -rm (user namespaces) is not available");
    }

    /** The elements' environment.d files sorted by name across elements, then their pre-install.d hooks likewise. */
    private Run run(List<String> elements, Map<String, String> env, String... existing) throws Exception {
        Path etcApt = Files.createDirectories(dir.resolve("etc-apt-" + System.nanoTime()));
        Files.createDirectories(etcApt.resolve("sources.list.d"));
        for (String file : existing) {
            Files.writeString(etcApt.resolve(file), "stale\n");
        }
        List<Path> envFiles = new ArrayList<>();
        List<Path> hooks = new ArrayList<>();
        for (String element : elements) {
            envFiles.addAll(list(Path.of("elements", element, "environment.d")));
            hooks.addAll(list(Path.of("elements", element, "pre-install.d")).stream()
                    .filter(h -> h.getFileName().toString().contains("apt-sources"))
                    .toList());
        }
        Comparator<Path> byName = Comparator.comparing(p -> p.getFileName().toString());
        envFiles.sort(byName);
        hooks.sort(byName);
        StringBuilder script = new StringBuilder("set -eu\nmount --bind \"$ETC_APT\" /etc/apt\n");
        envFiles.forEach(
                f -> script.append("source ").append(f.toAbsolutePath()).append('\n'));
        hooks.forEach(h -> script.append("bash ").append(h.toAbsolutePath()).append('\n'));
        ProcessBuilder pb = new ProcessBuilder("unshare", "-rm", "bash", "-c", script.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("DIB_") || k.endsWith("_proxy") || k.equals("ARCH"));
        pb.environment().put("ETC_APT", etcApt.toString());
        pb.environment().put("ARCH", "amd64");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        return new Run(p.waitFor(), output, etcApt);
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void bookwormGetsOneLineSourcesWithCommaComponentsAndTheSecurityMirrorAndSubpath() throws Exception {
        Run run = run(
                DEBIAN,
                Map.of(
                        "DIB_RELEASE", "bookworm",
                        "DIB_DEBIAN_COMPONENTS", "main,contrib",
                        "DIB_DEBIAN_SECURITY_MIRROR", "http://security.example/debian-security",
                        "DIB_DEBIAN_SECURITY_SUBPATH", "/updates"),
                "sources.list.d/debian.sources");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.file("sources.list"))
                .isEqualTo("deb http://deb.debian.org/debian bookworm main contrib\n"
                        + "deb http://deb.debian.org/debian bookworm-updates main contrib\n"
                        + "deb http://security.example/debian-security bookworm-security/updates main contrib\n");
        assertThat(run.has("sources.list.d/debian.sources")).isFalse();
    }

    @Test
    void trixieGetsDeb822SignedByDebiansKeyringAndTheDefaultSecurityMirror() throws Exception {
        Run run = run(DEBIAN, Map.of("DIB_RELEASE", "trixie"), "sources.list");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.file("sources.list.d/debian.sources"))
                .isEqualTo("Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie trixie-updates\n"
                        + "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
                        + "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: trixie-security\n"
                        + "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n");
        assertThat(run.has("sources.list")).isFalse();
    }

    @Test
    void aKeyringOfTheCallersDropsSignedByAndUnstableHasNoUpdatesOrSecurity() throws Exception {
        Run run = run(
                DEBIAN,
                Map.of(
                        "DIB_RELEASE", "unstable",
                        "DIB_APT_KEYRING", "/some/keyring.gpg",
                        "DIB_DISTRIBUTION_MIRROR", "http://mirror.example/debian"));
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.file("sources.list.d/debian.sources"))
                .isEqualTo("Types: deb\nURIs: http://mirror.example/debian\nSuites: unstable\nComponents: main\n");
    }

    @Test
    void aptSourcesConfReplacesTheDefaultsOneListFileAnEntry() throws Exception {
        Run run = run(
                DEBIAN,
                Map.of(
                        "DIB_RELEASE",
                        "trixie",
                        "DIB_APT_SOURCES_CONF",
                        "default:deb http://10.0.0.10/debian trixie main contrib\n"
                                + "   mysecurity:deb [trusted=yes] http://10.0.0.10/sec trixie-security main\n\n"),
                "sources.list",
                "sources.list.d/other.list");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.file("sources.list.d/default.list"))
                .isEqualTo("deb http://10.0.0.10/debian trixie main contrib\n");
        assertThat(run.file("sources.list.d/mysecurity.list"))
                .isEqualTo("deb [trusted=yes] http://10.0.0.10/sec trixie-security main\n");
        try (Stream<Path> left = Files.list(run.etcApt().resolve("sources.list.d"))) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("default.list", "mysecurity.list");
        }
        assertThat(run.has("sources.list")).isFalse();
    }

    @Test
    void anAptSourcesConfEntryWithoutANameFailsAndSaysTheForm() throws Exception {
        Run run =
                run(DEBIAN, Map.of("DIB_RELEASE", "trixie", "DIB_APT_SOURCES_CONF", "deb http://x/debian trixie main"));
        assertThat(run.code()).isNotZero();
        assertThat(run.output()).contains("is not NAME:APT-LINE");
    }

    @Test
    void ubuntuGetsDibsOneLineSourcesOnUbuntusArchiveWithUniverse() throws Exception {
        Run run = run(UBUNTU, Map.of(), "sources.list.d/ubuntu.sources");
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.file("sources.list"))
                .isEqualTo("deb http://archive.ubuntu.com/ubuntu noble main universe\n"
                        + "deb http://archive.ubuntu.com/ubuntu noble-updates main universe\n"
                        + "deb http://archive.ubuntu.com/ubuntu noble-security main universe\n"
                        + "deb http://archive.ubuntu.com/ubuntu noble-backports main universe\n");
        assertThat(run.has("sources.list.d/ubuntu.sources")).isFalse();
    }

    @Test
    void ubuntuOnArm64UsesThePortsArchiveAndMirrorDistsNarrowTheSuites() throws Exception {
        Run run = run(UBUNTU, Map.of("ARCH", "arm64", "DIB_RELEASE", "jammy", "DIB_UBUNTU_MIRROR_DISTS", "updates"));
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.file("sources.list"))
                .isEqualTo("deb http://ports.ubuntu.com/ubuntu-ports jammy main universe\n"
                        + "deb http://ports.ubuntu.com/ubuntu-ports jammy-updates main universe\n");
    }
}
