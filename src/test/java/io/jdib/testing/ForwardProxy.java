package io.jdib.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain HTTP forward proxy on 127.0.0.1 (GET and HEAD), for tests of a build behind a proxy: it
 * fetches what it is asked for and remembers every URI, so a test can tell what went through it.
 */
public final class ForwardProxy implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final HttpClient client = HttpClient.newBuilder().build();
    private final List<String> uris = new CopyOnWriteArrayList<>();

    private ForwardProxy() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    public static ForwardProxy start() throws IOException {
        return new ForwardProxy();
    }

    /** For http_proxy. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** The absolute URIs asked for, in order. */
    public List<String> uris() {
        return new ArrayList<>(uris);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            uris.add(uri.toString());
            if (!uri.isAbsolute()) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            boolean head = exchange.getRequestMethod().equals("HEAD");
            HttpRequest.Builder request = HttpRequest.newBuilder(uri);
            if (head) {
                request.method("HEAD", HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<InputStream> upstream =
                    client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = upstream.body()) {
                long length =
                        upstream.headers().firstValueAsLong("content-length").orElse(0);
                upstream.headers()
                        .firstValue("last-modified")
                        .ifPresent(v -> exchange.getResponseHeaders().add("Last-Modified", v));
                boolean empty = head || length <= 0 || upstream.statusCode() != 200;
                exchange.sendResponseHeaders(upstream.statusCode(), empty ? -1 : length);
                if (!empty) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        body.transferTo(out);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
