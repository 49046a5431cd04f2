package io.jdib.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.jdib.sys.UserError;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DIB_RELEASE resolution against a tiny mirror served on 127.0.0.1. */
class AptReleaseTest {
    private static final String STABLE = """
            Origin: Debian
            Label: Debian
            Suite: stable
            Version: 13.2
            Codename: trixie
            Valid-Until: Sat, 01 Jan 2000 00:00:00 UTC
            Architectures: all amd64 arm64 armel armhf i386 ppc64el riscv64 s390x
            Components: main contrib non-free-firmware non-free
            MD5Sum:
             0123456789abcdef 1234 main/binary-amd64/Packages
            """;
    private static final String SID = "Suite: unstable\nCodename: sid\nArchitectures: all amd64 arm64\n";

    private static HttpServer server;
    private static String mirror;
    private static final List<String> asked = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/debian/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            synchronized (asked) {
                asked.add(path);
            }
            String body = switch (path) {
                case "/debian/dists/stable/Release", "/debian/dists/trixie/Release" -> STABLE;
                case "/debian/dists/unstable/Release" -> SID;
                default -> null;
            };
            byte[] bytes =
                    body == null ? "not found".getBytes(StandardCharsets.UTF_8) : body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        mirror = "http://127.0.0.1:" + server.getAddress().getPort() + "/debian";
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void suiteResolvesToItsCodename() {
        AptRelease r = AptRelease.resolve(mirror, "stable", "arm64");
        assertThat(r.codename()).isEqualTo("trixie");
        assertThat(r.suite()).isEqualTo("stable");
        assertThat(r.requested()).isEqualTo("stable");
        assertThat(asked).contains("/debian/dists/stable/Release");
    }

    @Test
    void unstableIsSidAndACodenameIsItself() {
        assertThat(AptRelease.resolve(mirror + "/", "unstable", "amd64").codename())
                .isEqualTo("sid");
        assertThat(AptRelease.resolve(mirror, "trixie", "amd64").codename()).isEqualTo("trixie");
    }

    @Test
    void aReleaseTheMirrorDoesNotServeIsOneLineNamingReleaseAndMirror() {
        assertThatThrownBy(() -> AptRelease.resolve(mirror, "nosuchrelease", "amd64"))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("release 'nosuchrelease' is not served by the mirror " + mirror)
                .hasMessageContaining("DIB_RELEASE")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anArchitectureTheReleaseLacksIsOneLine() {
        assertThatThrownBy(() -> AptRelease.resolve(mirror, "unstable", "s390x"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("serves sid without s390x")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anUnreachableMirrorSaysSo() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + port + "/debian";
        assertThatThrownBy(() -> AptRelease.resolve(dead, "stable", "amd64"))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("cannot reach the mirror " + dead + " to look up release 'stable'")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aReleaseNameWithASlashIsRefusedWithoutAsking() {
        assertThatThrownBy(() -> AptRelease.resolve(mirror, "../etc", "amd64"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("is not a release name");
    }

    @Test
    void fileMirrorsWork() throws Exception {
        Path release = Files.createDirectories(dir.resolve("m/dists/testing")).resolve("Release");
        Files.writeString(release, "Suite: testing\nCodename: forky\nArchitectures: amd64\n");
        assertThat(AptRelease.resolve(dir.resolve("m").toUri().toString(), "testing", "amd64")
                        .codename())
                .isEqualTo("forky");
        assertThatThrownBy(() -> AptRelease.resolve(dir.resolve("m").toUri().toString(), "stable", "amd64"))
                .hasMessageStartingWith("release 'stable' is not served");
    }

    @Test
    void offlineUsesTheRememberedCodenameOrTheNameGiven() {
        assertThatThrownBy(() -> AptRelease.offline(dir, mirror, "stable"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("offline, and DIB_RELEASE=stable");
        assertThat(AptRelease.offline(dir, mirror, "bookworm").codename()).isEqualTo("bookworm");

        AptRelease.remember(dir, mirror, AptRelease.resolve(mirror, "stable", "amd64"));

        assertThat(AptRelease.offline(dir, mirror, "stable").codename()).isEqualTo("trixie");
    }

    @Test
    void parseReadsOnlyTheHeader() {
        AptRelease r = AptRelease.parse("x", "Codename: bookworm\nMD5Sum:\n Codename: nope\n");
        assertThat(r.codename()).isEqualTo("bookworm");
        assertThat(r.architectures()).isEmpty();
        assertThat(r.serves("arm64")).isTrue(); // no Architectures field: nothing to check against
        assertThat(AptRelease.parse("x", "Suite: x\n").codename()).isEqualTo("x");
    }
}
