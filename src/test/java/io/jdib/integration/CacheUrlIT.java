package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jdib.testing.JdibProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache-url element's program (bash and the host's curl), run as hooks run it, against an HTTP
 * server on 127.0.0.1 that records every request: a first download, a revalidation answered 304, a
 * changed file, a forced download, and failures that leave nothing under the destination's name.
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CacheUrlIT {
    private static final Path CACHE_URL = JdibProcess.home().resolve("elements/cache-url/bin/cache-url");

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile String body = "first version\n";
    private volatile Instant modified = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    /** What the server saw: method, path, the conditional and cache headers, and what it answered. */
    record Request(String path, String ifModifiedSince, String cacheControl, int status) {}

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/image.qcow2", this::file);
        server.createContext("/forbidden", ex -> answer(ex, 403, "no\n"));
        server.createContext("/truncated", ex -> {
            // Promises 1 MiB, sends 5 bytes and hangs up: curl fails mid-transfer.
            ex.getResponseHeaders().set("Last-Modified", http(modified));
            ex.sendResponseHeaders(200, 1 << 20);
            ex.getResponseBody().write("short".getBytes(StandardCharsets.US_ASCII));
            ex.getResponseBody().flush();
            requests.add(new Request("/truncated", null, null, 200));
            ex.close();
        });
        // Everything else is a 404, with a body curl would otherwise save.
        server.createContext("/", ex -> answer(ex, 404, "<html>not found</html>\n"));
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void file(HttpExchange ex) throws IOException {
        String since = ex.getRequestHeaders().getFirst("If-Modified-Since");
        String cacheControl = ex.getRequestHeaders().getFirst("Cache-Control");
        ex.getResponseHeaders().set("Last-Modified", http(modified));
        if (since != null
                && !ZonedDateTime.parse(since, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant()
                        .isBefore(modified)) {
            requests.add(new Request("/image.qcow2", since, cacheControl, 304));
            ex.sendResponseHeaders(304, -1);
            ex.close();
            return;
        }
        requests.add(new Request("/image.qcow2", since, cacheControl, 200));
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void answer(HttpExchange ex, int status, String text) throws IOException {
        requests.add(new Request(ex.getRequestURI().getPath(), null, null, status));
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String http(Instant t) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atZone(ZoneOffset.UTC));
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    record Run(int exitCode, String output) {}

    private static Run cacheUrl(String... args) throws IOException, InterruptedException {
        List<String> argv =
                Stream.concat(Stream.of(CACHE_URL.toString()), Stream.of(args)).toList();
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** Files in the destination's directory other than {@code keep}: leftovers of a download. */
    private List<String> othersIn(Path directory, String... keep) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> !List.of(keep).contains(n))
                    .toList();
        }
    }

    @Test
    void downloadsOnceThenRevalidatesThenFetchesWhatChanged() throws Exception {
        Path dest = dir.resolve("cache/images/image.qcow2"); // directories made on the way

        Run first = cacheUrl(url("/image.qcow2"), dest.toString());
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(dest).hasContent("first version");
        assertThat(requests).containsExactly(new Request("/image.qcow2", null, null, 200));
        // The copy carries the server's time, so the next question is exact.
        assertThat(Files.getLastModifiedTime(dest).toInstant()).isEqualTo(modified);

        Run second = cacheUrl(url("/image.qcow2"), dest.toString());
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(second.output()).contains("not changed; using the cached copy");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).status()).isEqualTo(304);
        // The same instant; curl writes the day with two digits ("01 Dec"), Java's formatter with one.
        assertThat(ZonedDateTime.parse(requests.get(1).ifModifiedSince(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant())
                .isEqualTo(modified);
        assertThat(dest).hasContent("first version");

        body = "second version\n";
        modified = modified.plus(10, ChronoUnit.MINUTES);
        Run third = cacheUrl(url("/image.qcow2"), dest.toString());
        assertThat(third.exitCode()).as(third.output()).isZero();
        assertThat(third.output()).contains("changed on the server");
        assertThat(requests).hasSize(3);
        assertThat(requests.get(2).ifModifiedSince()).isNotNull();
        assertThat(requests.get(2).status()).isEqualTo(200);
        assertThat(dest).hasContent("second version");

        // -f: no condition, caches told to revalidate, the copy replaced even though unchanged.
        Files.writeString(dest, "locally damaged\n");
        Files.setLastModifiedTime(dest, java.nio.file.attribute.FileTime.from(Instant.now()));
        Run forced = cacheUrl("-f", url("/image.qcow2"), dest.toString());
        assertThat(forced.exitCode()).as(forced.output()).isZero();
        assertThat(requests).hasSize(4);
        assertThat(requests.get(3)).isEqualTo(new Request("/image.qcow2", null, "no-cache", 200));
        assertThat(dest).hasContent("second version");
        assertThat(othersIn(dest.getParent(), "image.qcow2")).isEmpty();
    }

    @Test
    void notFoundExits44AndLeavesNoFile() throws Exception {
        Path dest = dir.resolve("missing.qcow2");

        Run r = cacheUrl(url("/no/such/image.qcow2"), dest.toString());

        assertThat(r.exitCode()).isEqualTo(44);
        assertThat(r.output()).contains("not found (HTTP 404)");
        assertThat(requests).containsExactly(new Request("/no/such/image.qcow2", null, null, 404));
        assertThat(dest).doesNotExist();
        assertThat(othersIn(dir)).isEmpty(); // not even the temporary file with the 404 page
    }

    @Test
    void failuresKeepThePreviousCopyAndLeaveNoPartialFile() throws Exception {
        Path dest = dir.resolve("kept.qcow2");
        Files.writeString(dest, "the copy from yesterday\n");

        Run forbidden = cacheUrl(url("/forbidden"), dest.toString());
        assertThat(forbidden.exitCode()).isEqualTo(1);
        assertThat(forbidden.output()).contains("the server answered HTTP 403");

        // This server ignores If-Modified-Since; its Last-Modified is older than the copy, so curl
        // stops reading and the copy stands.
        Run ignored = cacheUrl(url("/truncated"), dest.toString());
        assertThat(ignored.exitCode()).as(ignored.output()).isZero();
        assertThat(ignored.output()).contains("not changed; using the cached copy");

        // Forced, the transfer breaks off after 5 bytes of 1 MiB: an error, the copy kept.
        Run truncated = cacheUrl("-f", url("/truncated"), dest.toString());
        assertThat(truncated.exitCode()).isEqualTo(1);
        assertThat(truncated.output()).contains("could not download");
        Run fresh = cacheUrl(url("/truncated"), dir.resolve("fresh.qcow2").toString());
        assertThat(fresh.exitCode()).isEqualTo(1);

        Run refused = cacheUrl(
                "http://127.0.0.1:1/image.qcow2", dir.resolve("refused.qcow2").toString());
        assertThat(refused.exitCode()).isEqualTo(1);

        assertThat(dest).hasContent("the copy from yesterday");
        assertThat(othersIn(dir, "kept.qcow2")).isEmpty();
        assertThat(requests)
                .extracting(Request::path)
                .containsExactly("/forbidden", "/truncated", "/truncated", "/truncated");
    }

    @Test
    void fileUrlsAndUsageErrors() throws Exception {
        Path source = Files.writeString(dir.resolve("source.img"), "local bytes\n");
        Path dest = dir.resolve("out/copy.img");

        Run copied = cacheUrl(source.toUri().toString(), dest.toString());
        assertThat(copied.exitCode()).as(copied.output()).isZero();
        assertThat(dest).hasContent("local bytes");
        Run again = cacheUrl(source.toUri().toString(), dest.toString());
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("not changed");

        Run usage = cacheUrl(url("/image.qcow2"));
        assertThat(usage.exitCode()).isEqualTo(1);
        assertThat(usage.output()).contains("Usage: cache-url");
        assertThat(requests).isEmpty();
    }
}
