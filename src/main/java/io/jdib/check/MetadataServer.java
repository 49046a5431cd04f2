package io.jdib.check;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metadata service a cloud runs at 169.254.169.254, served by jdib on 127.0.0.1 (QEMU's user
 * network forwards the guest's connections to it). It answers OpenStack's tree ({@code /openstack/...})
 * and EC2's ({@code /latest/meta-data/...}, {@code /latest/user-data}, IMDSv2 tokens) for one
 * {@link Instance}, and records every request so the report can say what the guest asked for.
 */
public final class MetadataServer implements AutoCloseable {
    /** One request the guest made, and the status it got. */
    public record Request(String method, String path, int status) {
        public String render() {
            return method + " " + path + " " + status;
        }
    }

    private static final List<String> OPENSTACK_VERSIONS = List.of(
            "2012-08-10",
            "2013-04-04",
            "2013-10-17",
            "2015-10-15",
            "2016-06-30",
            "2016-10-06",
            "2017-02-22",
            "2018-08-27",
            "latest");
    private static final List<String> EC2_VERSIONS =
            List.of("1.0", "2009-04-04", "2016-09-02", "2018-09-24", "2021-03-23", "latest");
    private static final Pattern EC2 = Pattern.compile("^/(latest|1\\.0|\\d{4}-\\d{2}-\\d{2})(/.*)?$");
    private static final Pattern OPENSTACK_FILE = Pattern.compile("^/openstack/([^/]+)/([^/]+)$");
    private static final String TOKEN = "jdib-check-imds-token";

    private final Instance instance;
    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Object> ec2MetaData;

    private MetadataServer(Instance instance, HttpServer server) {
        this.instance = instance;
        this.server = server;
        this.ec2MetaData = ec2MetaData(instance);
    }

    /** Starts serving {@code instance} on a free port of 127.0.0.1. */
    public static MetadataServer start(Instance instance) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            MetadataServer server = new MetadataServer(instance, http);
            http.createContext("/", server::handle);
            http.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "jdib-metadata");
                t.setDaemon(true);
                return t;
            }));
            http.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every request so far, in order. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Response r;
        try {
            r = answer(method, path);
        } catch (RuntimeException e) {
            r = new Response(500, "text/plain", e.toString());
        }
        synchronized (this) {
            requests.add(new Request(method, path, r.status()));
        }
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", r.type());
        if (method.equals("PUT") && r.status() == 200) {
            exchange.getResponseHeaders().set("X-aws-ec2-metadata-token-ttl-seconds", "21600");
        }
        exchange.sendResponseHeaders(r.status(), method.equals("HEAD") ? -1 : body.length);
        if (!method.equals("HEAD")) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    record Response(int status, String type, String body) {
        static Response text(String body) {
            return new Response(200, "text/plain", body);
        }

        static Response notFound() {
            return new Response(404, "text/plain", "Not Found");
        }
    }

    /** What the service answers to {@code method path}; package-private for tests. */
    Response answer(String method, String path) {
        if (method.equals("PUT")) {
            return path.equals("/latest/api/token") ? Response.text(TOKEN) : new Response(405, "text/plain", "");
        }
        if (path.equals("/") || path.isEmpty()) {
            return Response.text(String.join("\n", EC2_VERSIONS) + "\nopenstack");
        }
        if (path.equals("/openstack") || path.equals("/openstack/")) {
            return Response.text(String.join("\n", OPENSTACK_VERSIONS));
        }
        Matcher os = OPENSTACK_FILE.matcher(path);
        if (os.matches() && OPENSTACK_VERSIONS.contains(os.group(1))) {
            return switch (os.group(2)) {
                case "meta_data.json" -> new Response(200, "application/json", instance.openStackMetaData());
                case "network_data.json" -> new Response(200, "application/json", instance.openStackNetworkData());
                case "vendor_data.json", "vendor_data2.json" -> new Response(200, "application/json", "{}");
                case "user_data" -> Response.text(instance.userData());
                default -> Response.notFound();
            };
        }
        if (path.startsWith("/openstack/") && path.endsWith("/")) {
            return Response.text("meta_data.json\nnetwork_data.json\nuser_data\nvendor_data.json\nvendor_data2.json");
        }
        Matcher ec2 = EC2.matcher(path);
        if (ec2.matches()) {
            String rest = ec2.group(2) == null ? "" : ec2.group(2);
            if (rest.isEmpty() || rest.equals("/")) {
                return Response.text("dynamic\nmeta-data\nuser-data");
            }
            if (rest.equals("/user-data")) {
                return Response.text(instance.userData());
            }
            if (rest.equals("/meta-data") || rest.startsWith("/meta-data/")) {
                return walk(ec2MetaData, rest.substring("/meta-data".length()));
            }
            if (rest.startsWith("/dynamic")) {
                return walk(
                        Map.of("instance-identity", Map.of("document", identityDocument())),
                        rest.substring("/dynamic".length()));
            }
        }
        return Response.notFound();
    }

    /** A leaf's value, or a directory's listing (subdirectories end in '/'), at {@code rest} under {@code tree}. */
    private static Response walk(Map<String, Object> tree, String rest) {
        Object node = tree;
        for (String part : rest.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(node instanceof Map<?, ?> dir) || !dir.containsKey(part)) {
                return Response.notFound();
            }
            node = dir.get(part);
        }
        if (node instanceof Map<?, ?> dir) {
            List<String> names = new ArrayList<>();
            for (Map.Entry<?, ?> e : dir.entrySet()) {
                String name = e.getKey().toString();
                // EC2 lists public keys as index=name, and each index is a directory.
                names.add(
                        tree.get("public-keys") == dir
                                ? name + "=jdib-check"
                                : e.getValue() instanceof Map ? name + "/" : name);
            }
            return Response.text(String.join("\n", names));
        }
        return Response.text(node.toString());
    }

    private String identityDocument() {
        return "{\"instanceId\": \"i-" + instance.id() + "\", \"region\": \"jdib-1\", \"availabilityZone\": \"nova\","
                + " \"accountId\": \"000000000000\", \"imageId\": \"ami-00000001\", \"instanceType\": \"m1.small\","
                + " \"architecture\": \"x86_64\", \"privateIp\": \"169.254.2.15\"}";
    }

    private static Map<String, Object> ec2MetaData(Instance instance) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("ami-id", "ami-00000001");
        md.put("ami-launch-index", "0");
        md.put("hostname", instance.hostname());
        md.put("instance-id", "i-" + instance.id());
        md.put("instance-type", "m1.small");
        md.put("local-hostname", instance.hostname());
        md.put("local-ipv4", "169.254.2.15");
        md.put("mac", instance.mac());
        md.put("placement", Map.of("availability-zone", "nova", "region", "jdib-1"));
        md.put("public-hostname", instance.hostname());
        md.put("public-keys", Map.of("0", Map.of("openssh-key", instance.publicKey())));
        md.put("reservation-id", "r-" + instance.id());
        md.put("security-groups", "default");
        return md;
    }
}
