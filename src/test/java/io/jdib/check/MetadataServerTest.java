package io.jdib.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metadata service {@code check --boot} runs for the openstack-metadata and ec2-metadata data
 * sources, over real HTTP on 127.0.0.1: the trees cloud-init walks, and the log of what was asked.
 */
class MetadataServerTest {
    private static final Instance INSTANCE = new Instance(
            "0a1b2c3d",
            "jdib-check-0a1b2c3d",
            "ssh-ed25519 AAAAC3Nza jdib-check",
            "#cloud-config\nruncmd: []\n",
            "52:54:00:12:34:56");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> send(MetadataServer server, String method, String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        b = method.equals("PUT")
                ? b.PUT(HttpRequest.BodyPublishers.noBody()).header("X-aws-ec2-metadata-token-ttl-seconds", "21600")
                : b.GET();
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheOpenStackTree() throws Exception {
        try (MetadataServer server = MetadataServer.start(INSTANCE)) {
            assertThat(send(server, "GET", "/openstack").body())
                    .contains("2012-08-10")
                    .endsWith("latest");
            HttpResponse<String> md = send(server, "GET", "/openstack/2018-08-27/meta_data.json");
            assertThat(md.statusCode()).isEqualTo(200);
            JsonNode json = new ObjectMapper().readTree(md.body());
            assertThat(json.path("hostname").asText()).isEqualTo("jdib-check-0a1b2c3d");
            assertThat(json.path("public_keys").path("jdib-check").asText()).isEqualTo(INSTANCE.publicKey());
            assertThat(json.path("uuid").asText())
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(send(server, "GET", "/openstack/latest/user_data").body())
                    .isEqualTo(INSTANCE.userData());
            assertThat(new ObjectMapper()
                            .readTree(send(server, "GET", "/openstack/latest/network_data.json")
                                    .body())
                            .path("links")
                            .get(0)
                            .path("ethernet_mac_address")
                            .asText())
                    .isEqualTo("52:54:00:12:34:56");
            assertThat(send(server, "GET", "/openstack/2099-01-01/meta_data.json")
                            .statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void servesTheEc2TreeWithImdsV2TokensAndLogsEveryRequest() throws Exception {
        try (MetadataServer server = MetadataServer.start(INSTANCE)) {
            HttpResponse<String> token = send(server, "PUT", "/latest/api/token");
            assertThat(token.statusCode()).isEqualTo(200);
            assertThat(token.body()).isNotBlank();
            assertThat(send(server, "GET", "/2021-03-23/meta-data/instance-id").body())
                    .isEqualTo("i-0a1b2c3d");
            String listing = send(server, "GET", "/2021-03-23/meta-data/").body();
            assertThat(listing.lines().toList()).contains("local-hostname", "placement/", "public-keys/");
            assertThat(send(server, "GET", "/2021-03-23/meta-data/public-keys/").body())
                    .isEqualTo("0=jdib-check");
            assertThat(send(server, "GET", "/2021-03-23/meta-data/public-keys/0/")
                            .body())
                    .isEqualTo("openssh-key");
            assertThat(send(server, "GET", "/2021-03-23/meta-data/public-keys/0/openssh-key")
                            .body())
                    .isEqualTo(INSTANCE.publicKey());
            assertThat(send(server, "GET", "/latest/meta-data/local-hostname").body())
                    .isEqualTo(INSTANCE.hostname());
            assertThat(send(server, "GET", "/2021-03-23/user-data").body()).isEqualTo(INSTANCE.userData());
            assertThat(send(server, "GET", "/2021-03-23/dynamic/instance-identity/document")
                            .body())
                    .contains("\"instanceId\": \"i-0a1b2c3d\"");
            assertThat(send(server, "GET", "/2021-03-23/meta-data/nothing-here").statusCode())
                    .isEqualTo(404);

            List<MetadataServer.Request> log = server.requests();
            assertThat(log).hasSize(10);
            assertThat(log.get(0)).isEqualTo(new MetadataServer.Request("PUT", "/latest/api/token", 200));
            assertThat(log.get(9))
                    .isEqualTo(new MetadataServer.Request("GET", "/2021-03-23/meta-data/nothing-here", 404));
            send(server, "GET", "/latest/meta-data/local-hostname");
            assertThat(BootCheck.summarize(server.requests()))
                    .contains("GET /latest/meta-data/local-hostname 200 (x2)")
                    .hasSize(10);
        }
    }
}
