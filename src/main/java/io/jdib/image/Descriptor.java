package io.jdib.image;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An OCI content descriptor: what a blob is, its digest and its size in bytes.
 *
 * @param mediaType e.g. {@code application/vnd.oci.image.layer.v1.tar+gzip}
 * @param digest    {@code sha256:} and 64 lowercase hex digits, of the blob's exact bytes
 * @param size      the blob's length in bytes
 */
public record Descriptor(String mediaType, String digest, long size) {
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
    }

    /** The 64 hex digits, as blob file names use them. */
    public String hex() {
        return digest.substring("sha256:".length());
    }
}
