package io.jdib.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The JSON documents of an OCI image layout and a docker archive, written as compact UTF-8 with keys
 * in a fixed order, so equal inputs give equal bytes and so equal digests. Digests are sha256 of
 * the exact bytes returned.
 */
public final class ImageJson {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    /** Trees built here keep insertion order, which the methods below fix. */
    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    private ImageJson() {}

    /**
     * The image config (OCI image-spec config, which Docker reads too): platform, the container's
     * command and environment, and the one layer's uncompressed digest.
     */
    public static byte[] config(ContainerConfig config, String diffId) {
        ObjectNode root = MAPPER.createObjectNode();
        if (config.created() != null) {
            root.put("created", config.created().toString());
        }
        root.put("architecture", config.architecture());
        if (config.variant() != null) {
            root.put("variant", config.variant());
        }
        root.put("os", "linux");
        ObjectNode run = root.putObject("config");
        strings(run.putArray("Env"), config.env());
        if (!config.entrypoint().isEmpty()) {
            strings(run.putArray("Entrypoint"), config.entrypoint());
        }
        if (!config.cmd().isEmpty()) {
            strings(run.putArray("Cmd"), config.cmd());
        }
        run.put("WorkingDir", "/");
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids").add(diffId);
        ObjectNode history = root.putArray("history").addObject();
        if (config.created() != null) {
            history.put("created", config.created().toString());
        }
        history.put("created_by", "jdib disk-image-create");
        history.put("comment", "root filesystem built from diskimage-builder elements");
        return bytes(root);
    }

    /** An OCI image manifest naming one config and one layer. */
    public static byte[] ociManifest(Descriptor config, Descriptor layer) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", OCI_MANIFEST);
        descriptor(root.putObject("config"), config);
        descriptor(root.putArray("layers").addObject(), layer);
        return bytes(root);
    }

    /** The layout's {@code index.json}: one manifest, for the given platform, named {@code refName}. */
    public static byte[] ociIndex(Descriptor manifest, ContainerConfig config, String refName) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ObjectNode entry = root.putArray("manifests").addObject();
        descriptor(entry, manifest);
        ObjectNode platform = entry.putObject("platform");
        platform.put("architecture", config.architecture());
        platform.put("os", "linux");
        if (config.variant() != null) {
            platform.put("variant", config.variant());
        }
        entry.putObject("annotations").put(REF_NAME, refName);
        return bytes(root);
    }

    /** The {@code oci-layout} marker file. */
    public static byte[] ociLayout() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("imageLayoutVersion", "1.0.0");
        return bytes(root);
    }

    /** A docker archive's {@code manifest.json}: the config file, its tags and layer paths ({@code docker load}). */
    public static byte[] dockerManifest(String configPath, List<String> repoTags, List<String> layerPaths) {
        ArrayNode root = MAPPER.createArrayNode();
        ObjectNode image = root.addObject();
        image.put("Config", configPath);
        strings(image.putArray("RepoTags"), repoTags);
        strings(image.putArray("Layers"), layerPaths);
        return bytes(root);
    }

    /** A docker archive's legacy {@code repositories} file: repository, tag, top layer id. */
    public static byte[] dockerRepositories(ImageReference reference, String topLayerId) {
        ObjectNode root = MAPPER.createObjectNode();
        root.putObject(reference.repository()).put(reference.tag(), topLayerId);
        return bytes(root);
    }

    public static Descriptor describe(String mediaType, byte[] content) {
        return new Descriptor(mediaType, sha256(content), content.length);
    }

    public static Descriptor describe(String mediaType, Path file) {
        try {
            return new Descriptor(mediaType, sha256(file), Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] content) {
        return "sha256:" + HexFormat.of().formatHex(sha256Digest().digest(content));
    }

    public static String sha256(Path file) {
        MessageDigest digest = sha256Digest();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void descriptor(ObjectNode node, Descriptor d) {
        node.put("mediaType", d.mediaType());
        node.put("digest", d.digest());
        node.put("size", d.size());
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static byte[] bytes(Object tree) {
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise image JSON", e);
        }
    }
}
