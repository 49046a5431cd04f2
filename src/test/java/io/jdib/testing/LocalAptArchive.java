package io.jdib.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.tukaani.xz.XZInputStream;

/**
 * An apt archive in another distribution's layout, served on 127.0.0.1 for tests of elements whose
 * real archive this machine cannot reach. Its index files are made here: {@code dists/SUITE/Release}
 * for each suite, signed (InRelease, Release.gpg) by a throwaway key, with the first suite's first
 * component holding a real Debian suite's package list (so a bootstrap can actually run) plus
 * stand-in packages the test names; every other index is empty. Requests under {@code pool/} that no
 * stand-in answers are fetched from Debian's mirror. The server also answers as an HTTP proxy (a
 * request line with an absolute URI), and remembers every request, so a test can tell what apt
 * asked for and whether it came through the proxy.
 */
public final class LocalAptArchive implements AutoCloseable {
    private static final String DEBIAN = "http://deb.debian.org/debian";

    /** A package the archive holds besides Debian's: a .deb made with dpkg-deb. */
    public record StandIn(String name, String version, String architecture, String description) {}

    /** One request the server answered. */
    public record Request(String method, String uri, boolean viaProxy, int status) {}

    private final Path root;
    private final String prefix;
    private final Path keyring;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private LocalAptArchive(Path root, String prefix, Path keyring, HttpServer server) {
        this.root = root;
        this.prefix = prefix;
        this.keyring = keyring;
        this.server = server;
    }

    /**
     * Makes the archive under {@code dir} and serves it at {@code http://127.0.0.1:PORT/PREFIX}.
     *
     * @param packagesFrom the Debian suite whose main/binary-ARCH package list the first suite carries
     */
    public static LocalAptArchive create(
            Path dir,
            String prefix,
            String origin,
            String codename,
            List<String> suites,
            List<String> components,
            String arch,
            String packagesFrom,
            List<StandIn> standIns)
            throws Exception {
        Path gnupg = Files.createDirectories(dir.resolve("gnupg"));
        Files.setPosixFilePermissions(gnupg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Map<String, String> gpgEnv = Map.of("GNUPGHOME", gnupg.toString());
        Path keyring = dir.resolve("archive-keyring.gpg");
        try {
            exec(
                    gpgEnv,
                    "gpg",
                    "--batch",
                    "--pinentry-mode",
                    "loopback",
                    "--passphrase",
                    "",
                    "--quick-gen-key",
                    "jdib test archive <archive@jdib.invalid>",
                    "ed25519",
                    "sign",
                    "never");
            exec(gpgEnv, "gpg", "--batch", "--yes", "--output", keyring.toString(), "--export");
            Files.setPosixFilePermissions(
                    keyring, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

            Path archive = Files.createDirectories(dir.resolve("archive"));
            StringBuilder packages = new StringBuilder(debianPackages(packagesFrom, arch));
            for (StandIn p : standIns) {
                packages.append(standIn(dir, archive, p));
            }
            DateTimeFormatter rfc1123 = DateTimeFormatter.RFC_1123_DATE_TIME;
            String date = ZonedDateTime.now(ZoneOffset.UTC).format(rfc1123);
            for (String suite : suites) {
                Path dists = Files.createDirectories(archive.resolve("dists").resolve(suite));
                StringBuilder sums = new StringBuilder();
                for (String component : components) {
                    String index = component + "/binary-" + arch + "/Packages";
                    boolean full = suite.equals(suites.get(0)) && component.equals(components.get(0));
                    byte[] body = (full ? packages.toString() : "").getBytes(StandardCharsets.UTF_8);
                    Path file = dists.resolve(index);
                    Files.createDirectories(file.getParent());
                    Files.write(file, body);
                    sums.append(' ')
                            .append(sha256(body))
                            .append(' ')
                            .append(body.length)
                            .append(' ')
                            .append(index)
                            .append('\n');
                }
                String release = "Origin: " + origin + "\nLabel: " + origin + "\nSuite: " + suite + "\nCodename: "
                        + codename + "\nDate: " + date + "\nArchitectures: " + arch + "\nComponents: "
                        + String.join(" ", components) + "\nDescription: jdib test archive (" + origin
                        + " layout, Debian " + packagesFrom + " packages)\nSHA256:\n" + sums;
                Path releaseFile = dists.resolve("Release");
                Files.writeString(releaseFile, release);
                exec(
                        gpgEnv,
                        "gpg",
                        "--batch",
                        "--yes",
                        "--pinentry-mode",
                        "loopback",
                        "--passphrase",
                        "",
                        "--clearsign",
                        "--output",
                        dists.resolve("InRelease").toString(),
                        releaseFile.toString());
                exec(
                        gpgEnv,
                        "gpg",
                        "--batch",
                        "--yes",
                        "--pinentry-mode",
                        "loopback",
                        "--passphrase",
                        "",
                        "--armor",
                        "--detach-sign",
                        "--output",
                        dists.resolve("Release.gpg").toString(),
                        releaseFile.toString());
            }
        } finally {
            ProcessBuilder kill = new ProcessBuilder("gpgconf", "--kill", "all").redirectErrorStream(true);
            kill.environment().putAll(gpgEnv);
            kill.start().waitFor();
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        LocalAptArchive served = new LocalAptArchive(dir.resolve("archive"), prefix, keyring, server);
        server.createContext("/", served::handle);
        server.setExecutor(served.threads);
        server.start();
        return served;
    }

    /** The archive's URL, e.g. {@code http://127.0.0.1:41234/ubuntu}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + prefix;
    }

    /** The proxy's URL (the same server). */
    public String proxyUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** The public key the Release files are signed with, as a binary keyring. */
    public Path keyring() {
        return keyring;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String path = uri.getPath();
        int status = 404;
        try (exchange) {
            String wanted = "/" + prefix + "/";
            if (path.startsWith(wanted) && !path.contains("..")) {
                String relative = path.substring(wanted.length());
                Path file = root.resolve(relative);
                if (Files.isRegularFile(file)) {
                    status = 200;
                    send(exchange, 200, Files.size(file), Files.newInputStream(file));
                } else if (relative.startsWith("pool/")) {
                    HttpResponse<InputStream> upstream = client.send(
                            HttpRequest.newBuilder(URI.create(DEBIAN + "/" + relative))
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    status = upstream.statusCode();
                    long length = upstream.headers()
                            .firstValueAsLong("content-length")
                            .orElse(0);
                    send(exchange, status, status == 200 ? length : -1, upstream.body());
                } else {
                    exchange.sendResponseHeaders(404, -1);
                }
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 502;
        } finally {
            requests.add(new Request(exchange.getRequestMethod(), uri.toString(), uri.isAbsolute(), status));
        }
    }

    private static void send(HttpExchange exchange, int status, long length, InputStream body) throws IOException {
        try (body) {
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head || length <= 0 ? -1 : length);
            if (!head && length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    body.transferTo(out);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static String debianPackages(String suite, String arch) throws Exception {
        URI index = URI.create(DEBIAN + "/dists/" + suite + "/main/binary-" + arch + "/Packages.xz");
        HttpResponse<InputStream> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(index).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IOException(index + ": HTTP " + response.statusCode());
        }
        try (InputStream xz = new XZInputStream(response.body())) {
            String text = new String(xz.readAllBytes(), StandardCharsets.UTF_8);
            return text.endsWith("\n\n") ? text : text + "\n";
        }
    }

    /** Builds the stand-in's .deb into the pool and returns its Packages stanza. */
    private static String standIn(Path dir, Path archive, StandIn p) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("standin-" + p.name()));
        Path control = Files.createDirectories(tree.resolve("DEBIAN")).resolve("control");
        Files.writeString(
                control,
                "Package: " + p.name() + "\nVersion: " + p.version() + "\nArchitecture: " + p.architecture()
                        + "\nMaintainer: jdib tests <tests@jdib.invalid>\nDescription: " + p.description()
                        + "\n");
        Path doc = Files.createDirectories(tree.resolve("usr/share/doc/" + p.name()));
        Files.writeString(doc.resolve("README.jdib-test"), p.description() + "\n");
        String filename = "pool/main/" + p.name().charAt(0) + "/" + p.name() + "/" + p.name() + "_" + p.version() + "_"
                + p.architecture() + ".deb";
        Path deb = archive.resolve(filename);
        Files.createDirectories(deb.getParent());
        exec(Map.of(), "dpkg-deb", "--root-owner-group", "--build", tree.toString(), deb.toString());
        byte[] bytes = Files.readAllBytes(deb);
        return "Package: " + p.name() + "\nVersion: " + p.version() + "\nArchitecture: " + p.architecture()
                + "\nMaintainer: jdib tests <tests@jdib.invalid>\nInstalled-Size: 1\nPriority: optional\n"
                + "Section: kernel\nFilename: " + filename + "\nSize: " + bytes.length + "\nSHA256: "
                + sha256(bytes) + "\nDescription: " + p.description() + "\n\n";
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void exec(Map<String, String> env, String... argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new UncheckedIOException(new IOException(String.join(" ", argv) + " failed:\n" + output));
        }
    }
}
