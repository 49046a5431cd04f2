package io.jdib.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.sys.UserError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIFF_ID = "sha256:" + "ab".repeat(32);
    private static final ContainerConfig CONFIG = new ContainerConfig(
            ImageReference.parse("debian:12"),
            "amd64",
            null,
            List.of(),
            List.of("/bin/bash"),
            List.of(ContainerConfig.DEFAULT_PATH),
            Instant.ofEpochSecond(1700000000));

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void configIsCompactWithKeysInAFixedOrder() {
        String json = new String(ImageJson.config(CONFIG, DIFF_ID), StandardCharsets.UTF_8);

        assertThat(json)
                .isEqualTo("{\"created\":\"2023-11-14T22:13:20Z\",\"architecture\":\"amd64\",\"os\":\"linux\","
                        + "\"config\":{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],"
                        + "\"Cmd\":[\"/bin/bash\"],\"WorkingDir\":\"/\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                        + DIFF_ID
                        + "\"]},\"history\":[{\"created\":\"2023-11-14T22:13:20Z\",\"created_by\":\"jdib disk-image-create\","
                        + "\"comment\":\"root filesystem built from diskimage-builder elements\"}]}");
    }

    @Test
    void equalInputsGiveEqualBytesAndDigestsAreOfThoseBytes() throws Exception {
        byte[] first = ImageJson.config(CONFIG, DIFF_ID);
        byte[] second = ImageJson.config(
                new ContainerConfig(
                        ImageReference.parse("debian:12"),
                        "amd64",
                        null,
                        List.of(),
                        List.of("/bin/bash"),
                        List.of(ContainerConfig.DEFAULT_PATH),
                        Instant.ofEpochSecond(1700000000)),
                DIFF_ID);
        Descriptor config = ImageJson.describe(ImageJson.OCI_CONFIG, first);

        assertThat(second).isEqualTo(first);
        assertThat(config.digest()).isEqualTo(sha256(first));
        assertThat(config.size()).isEqualTo(first.length);
        assertThat(ImageJson.config(CONFIG, "sha256:" + "cd".repeat(32))).isNotEqualTo(first);
    }

    @Test
    void manifestAndIndexReferenceTheirBlobsBySizeAndDigest() throws Exception {
        byte[] configBytes = ImageJson.config(CONFIG, DIFF_ID);
        Descriptor config = ImageJson.describe(ImageJson.OCI_CONFIG, configBytes);
        Descriptor layer = new Descriptor(ImageJson.OCI_LAYER_GZIP, "sha256:" + "01".repeat(32), 12345);
        byte[] manifestBytes = ImageJson.ociManifest(config, layer);
        JsonNode manifest = JSON.readTree(manifestBytes);
        JsonNode index = JSON.readTree(
                ImageJson.ociIndex(ImageJson.describe(ImageJson.OCI_MANIFEST, manifestBytes), CONFIG, "debian:12"));

        assertThat(manifest.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(manifest.at("/config/digest").asText()).isEqualTo(sha256(configBytes));
        assertThat(manifest.at("/config/size").asLong()).isEqualTo(configBytes.length);
        assertThat(manifest.at("/layers/0/mediaType").asText())
                .isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
        assertThat(manifest.at("/layers/0/size").asLong()).isEqualTo(12345);
        assertThat(index.at("/manifests/0/digest").asText()).isEqualTo(sha256(manifestBytes));
        assertThat(index.at("/manifests/0/size").asLong()).isEqualTo(manifestBytes.length);
        assertThat(index.at("/manifests/0/platform/architecture").asText()).isEqualTo("amd64");
        assertThat(index.at("/manifests/0/annotations")
                        .get("org.opencontainers.image.ref.name")
                        .asText())
                .isEqualTo("debian:12");
        assertThat(new String(ImageJson.ociLayout(), StandardCharsets.UTF_8))
                .isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    @Test
    void dockerManifestNamesConfigTagsAndLayers() {
        String json = new String(
                ImageJson.dockerManifest("c.json", List.of("debian:12"), List.of("l/layer.tar")),
                StandardCharsets.UTF_8);

        assertThat(json)
                .isEqualTo("[{\"Config\":\"c.json\",\"RepoTags\":[\"debian:12\"],\"Layers\":[\"l/layer.tar\"]}]");
    }

    @Test
    void fileDigestMatchesTheBytes(@TempDir Path dir) throws Exception {
        byte[] content = "layer bytes\n".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(dir.resolve("blob"), content);

        Descriptor d = ImageJson.describe(ImageJson.OCI_LAYER, file);

        assertThat(d.digest()).isEqualTo(sha256(content));
        assertThat(d.size()).isEqualTo(content.length);
    }

    @Test
    void referencesParseWithRegistryPortsAndDefaultTag() {
        assertThat(ImageReference.parse("debian")).isEqualTo(new ImageReference("debian", "latest"));
        assertThat(ImageReference.parse("reg.example:5000/os/debian"))
                .isEqualTo(new ImageReference("reg.example:5000/os/debian", "latest"));
        assertThat(ImageReference.parse("reg.example:5000/os/debian:12.5"))
                .isEqualTo(new ImageReference("reg.example:5000/os/debian", "12.5"));
        assertThat(ImageReference.fromImageName("My Image_v2.")).isEqualTo(new ImageReference("my-image_v2", "latest"));
        assertThat(ImageReference.fromImageName("...")).isEqualTo(new ImageReference("image", "latest"));
        assertThatThrownBy(() -> ImageReference.parse("Debian:12"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("not a valid image name");
        assertThatThrownBy(() -> ImageReference.parse("debian:-x"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("not a valid image tag");
    }

    @Test
    void configFromTheBuildEnvironment() {
        ContainerConfig c = ContainerConfig.forBuild(
                ImageReference.parse("d"),
                "armhf",
                Map.of(
                        "DIB_CONTAINER_CMD",
                        "[\"/bin/sh\", \"-c\", \"echo hi there\"]",
                        "DIB_CONTAINER_ENTRYPOINT",
                        "/usr/bin/env  -i",
                        "SOURCE_DATE_EPOCH",
                        "86400"));

        assertThat(c.architecture()).isEqualTo("arm");
        assertThat(c.variant()).isEqualTo("v7");
        assertThat(c.cmd()).containsExactly("/bin/sh", "-c", "echo hi there");
        assertThat(c.entrypoint()).containsExactly("/usr/bin/env", "-i");
        assertThat(c.created()).isEqualTo(Instant.ofEpochSecond(86400));
        assertThat(ContainerConfig.forBuild(ImageReference.parse("d"), "arm64", Map.of())
                        .cmd())
                .containsExactly("/bin/bash");
        assertThat(ContainerConfig.forBuild(ImageReference.parse("d"), "x86_64", Map.of("DIB_CONTAINER_CMD", ""))
                        .cmd())
                .isEmpty();
        assertThatThrownBy(() -> ContainerConfig.forBuild(ImageReference.parse("d"), "sparc", Map.of()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("no container architecture is known for -a sparc");
        assertThatThrownBy(() -> ContainerConfig.forBuild(
                        ImageReference.parse("d"), "amd64", Map.of("DIB_CONTAINER_CMD", "[1, \"x\"")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("DIB_CONTAINER_CMD looks like a JSON array");
    }

    @Test
    void squashfsCompressionIsCheckedAndDefaultsToXz() {
        assertThat(SquashfsOutput.compression(null)).isEqualTo("xz");
        assertThat(SquashfsOutput.compression(" ZSTD ")).isEqualTo("zstd");
        assertThatThrownBy(() -> SquashfsOutput.compression("bzip2"))
                .isInstanceOf(UserError.class)
                .hasMessage("DIB_SQUASHFS_COMPRESSION=bzip2 is not a squashfs compressor; use one of:"
                        + " gzip, lz4, lzma, lzo, xz, zstd");
    }
}
