package io.jdib.image;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A container image name and tag, as {@code --docker-target} gives it: {@code [HOST[:PORT]/]PATH[:TAG]}
 * (the Docker reference grammar, without digests). The tag defaults to {@code latest}.
 *
 * @param repository the name without tag, e.g. {@code debian} or {@code registry.example:5000/os/debian}
 * @param tag        the tag, e.g. {@code latest}
 */
public record ImageReference(String repository, String tag) {
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String HOST =
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
                    + "(?::[0-9]+)?/)?";
    private static final Pattern REPOSITORY = Pattern.compile(HOST + COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    public static final String DEFAULT_TAG = "latest";

    public ImageReference {
        if (repository == null || !REPOSITORY.matcher(repository).matches() || repository.length() > 255) {
            throw new io.jdib.sys.UserError(
                    "'" + repository + "' is not a valid image name: use lowercase letters,"
                            + " digits and separators (. _ -), optionally a registry host and path, e.g. example.com/os/debian");
        }
        if (tag == null || !TAG.matcher(tag).matches()) {
            throw new io.jdib.sys.UserError("'" + tag + "' is not a valid image tag: up to 128 letters, digits, _ . -,"
                    + " not starting with . or -");
        }
    }

    /** Parses {@code NAME[:TAG]}; a colon before the last slash belongs to a registry port. */
    public static ImageReference parse(String text) {
        String value = text.trim();
        int slash = value.lastIndexOf('/');
        int colon = value.lastIndexOf(':');
        if (colon > slash) {
            return new ImageReference(value.substring(0, colon), value.substring(colon + 1));
        }
        return new ImageReference(value, DEFAULT_TAG);
    }

    /**
     * The default for an image written to {@code NAME}: the file name, lowercased, with characters a
     * repository name cannot hold replaced by {@code -}; tag {@code latest}.
     */
    public static ImageReference fromImageName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9._-]+", "-")
                .replaceAll("^[^a-z0-9]+", "")
                .replaceAll("[^a-z0-9]+$", "")
                .replaceAll("[._-]{2,}", "-");
        return new ImageReference(name.isEmpty() ? "image" : name, DEFAULT_TAG);
    }

    @Override
    public String toString() {
        return repository + ":" + tag;
    }
}
