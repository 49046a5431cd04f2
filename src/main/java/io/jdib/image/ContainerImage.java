package io.jdib.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a one-layer container image around a layer tar made from the tree: an OCI image layout
 * as a tar ({@code NAME.oci.tar}, layer gzip-compressed) and a docker archive
 * ({@code NAME.docker.tar}, what {@code docker save} writes and {@code docker load} reads; layer
 * uncompressed). The outer tars are written by Java with fixed owners, modes and times, so equal
 * layers and configs give equal bytes.
 */
public final class ContainerImage {
    private ContainerImage() {}

    /** What was written and the digests that identify it. */
    public record Written(Path path, Descriptor manifest, Descriptor config, Descriptor layer, String diffId) {
        /** Lines for {@code NAME.d/oci-digests} or {@code docker-digests}. */
        public String digestsText(ImageReference reference) {
            StringBuilder text = new StringBuilder();
            text.append("image ").append(path.getFileName()).append('\n');
            text.append("reference ").append(reference).append('\n');
            if (manifest != null) {
                text.append("manifest ")
                        .append(manifest.digest())
                        .append(' ')
                        .append(manifest.size())
                        .append('\n');
            }
            text.append("config ")
                    .append(config.digest())
                    .append(' ')
                    .append(config.size())
                    .append('\n');
            text.append("layer ")
                    .append(layer.digest())
                    .append(' ')
                    .append(layer.size())
                    .append(' ')
                    .append(layer.mediaType())
                    .append('\n');
            text.append("diff_id ").append(diffId).append('\n');
            return text.toString();
        }
    }

    /**
     * The OCI image layout, as one tar: {@code oci-layout}, {@code index.json} (naming the image
     * {@code reference} in {@code org.opencontainers.image.ref.name}) and {@code blobs/sha256/}.
     *
     * @param layerGzip the layer, gzip-compressed
     * @param diffId    sha256 of the uncompressed layer
     */
    public static Written writeOci(Path layerGzip, String diffId, ContainerConfig config, Path target) {
        byte[] configJson = ImageJson.config(config, diffId);
        Descriptor configDesc = ImageJson.describe(ImageJson.OCI_CONFIG, configJson);
        Descriptor layerDesc = ImageJson.describe(ImageJson.OCI_LAYER_GZIP, layerGzip);
        byte[] manifest = ImageJson.ociManifest(configDesc, layerDesc);
        Descriptor manifestDesc = ImageJson.describe(ImageJson.OCI_MANIFEST, manifest);
        byte[] index =
                ImageJson.ociIndex(manifestDesc, config, config.reference().toString());
        write(target, out -> {
            file(out, "oci-layout", ImageJson.ociLayout());
            file(out, "index.json", index);
            directory(out, "blobs/");
            directory(out, "blobs/sha256/");
            file(out, "blobs/sha256/" + layerDesc.hex(), layerGzip);
            file(out, "blobs/sha256/" + configDesc.hex(), configJson);
            file(out, "blobs/sha256/" + manifestDesc.hex(), manifest);
        });
        return new Written(target, manifestDesc, configDesc, layerDesc, diffId);
    }

    /**
     * A docker archive: {@code manifest.json} (tagged {@code reference}), the config as
     * {@code HEX.json}, the layer as {@code HEX/layer.tar}, and the legacy {@code repositories}.
     *
     * @param layerTar the uncompressed layer
     * @param diffId   its sha256 (computed when null)
     */
    public static Written writeDocker(Path layerTar, String diffId, ContainerConfig config, Path target) {
        String layerDigest = diffId != null ? diffId : ImageJson.sha256(layerTar);
        Descriptor layerDesc;
        try {
            layerDesc = new Descriptor(ImageJson.OCI_LAYER, layerDigest, Files.size(layerTar));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] configJson = ImageJson.config(config, layerDigest);
        Descriptor configDesc = ImageJson.describe(ImageJson.OCI_CONFIG, configJson);
        String layerPath = layerDesc.hex() + "/layer.tar";
        String configPath = configDesc.hex() + ".json";
        byte[] manifest =
                ImageJson.dockerManifest(configPath, List.of(config.reference().toString()), List.of(layerPath));
        write(target, out -> {
            directory(out, layerDesc.hex() + "/");
            file(out, layerPath, layerTar);
            file(out, configPath, configJson);
            file(out, "manifest.json", manifest);
            file(out, "repositories", ImageJson.dockerRepositories(config.reference(), layerDesc.hex()));
        });
        return new Written(target, null, configDesc, layerDesc, layerDigest);
    }

    private interface Body {
        void write(TarArchiveOutputStream out) throws IOException;
    }

    private static void write(Path target, Body body) {
        Path partial = TarOutput.partial(target);
        try (OutputStream file = Files.newOutputStream(partial);
                TarArchiveOutputStream out =
                        new TarArchiveOutputStream(new java.io.BufferedOutputStream(file, 1 << 20), "UTF-8")) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            body.write(out);
            out.finish();
        } catch (IOException | RuntimeException e) {
            TarOutput.deleteQuietly(partial);
            throw new DiskFormatError("writing " + target + " failed: " + e.getMessage(), e);
        }
        try {
            Files.move(
                    partial,
                    target,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            TarOutput.deleteQuietly(partial);
            throw new UncheckedIOException(e);
        }
    }

    private static TarArchiveEntry entry(String name, byte type) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type);
        entry.setModTime(0);
        entry.setIds(0, 0);
        entry.setUserName("");
        entry.setGroupName("");
        return entry;
    }

    private static void directory(TarArchiveOutputStream out, String name) throws IOException {
        TarArchiveEntry entry = entry(name, org.apache.commons.compress.archivers.tar.TarConstants.LF_DIR);
        entry.setMode(040755);
        out.putArchiveEntry(entry);
        out.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream out, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = entry(name, org.apache.commons.compress.archivers.tar.TarConstants.LF_NORMAL);
        entry.setMode(0100644);
        entry.setSize(content.length);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream out, String name, Path content) throws IOException {
        TarArchiveEntry entry = entry(name, org.apache.commons.compress.archivers.tar.TarConstants.LF_NORMAL);
        entry.setMode(0100644);
        entry.setSize(Files.size(content));
        out.putArchiveEntry(entry);
        try (InputStream in = Files.newInputStream(content)) {
            in.transferTo(out);
        }
        out.closeArchiveEntry();
    }
}
