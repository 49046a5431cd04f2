package io.jdib.build;

import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an apt mirror serves as a release: {@code DIB_RELEASE} as given (a codename such as
 * {@code trixie}, or a suite such as {@code stable}), resolved once, before anything is
 * bootstrapped, by reading the mirror's {@code dists/RELEASE/Release}. The build then uses the
 * codename only: a mirror snapshot may carry an alias suite's Release file past its Valid-Until,
 * while the codename's is kept fresh.
 *
 * @param requested     DIB_RELEASE as given
 * @param codename      the Release file's Codename
 * @param suite         the Release file's Suite (may be empty)
 * @param architectures the Release file's Architectures
 * @param date          the Release file's Date: when the archive last changed (empty when unknown);
 *     a checkpoint made before the archive changed is not reused
 */
public record AptRelease(String requested, String codename, String suite, List<String> architectures, String date) {
    /** The suite names DIB documents for Debian; anything else is taken for a codename. */
    public static final List<String> SUITES =
            List.of("stable", "testing", "unstable", "oldstable", "oldoldstable", "experimental");

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    public AptRelease {
        architectures = List.copyOf(architectures);
    }

    /** Whether the mirror serves packages for {@code debianArch} in this release ("all" alone does not count). */
    public boolean serves(String debianArch) {
        return architectures.isEmpty() || architectures.contains(debianArch);
    }

    /**
     * Looks {@code release} up on {@code mirror}; a release the mirror does not serve, a mirror that
     * cannot be reached or an architecture it does not carry is a one-line {@link UserError}.
     */
    public static AptRelease resolve(String mirror, String release, String debianArch) {
        String base = mirror.endsWith("/") ? mirror.substring(0, mirror.length() - 1) : mirror;
        if (release.isBlank() || release.contains("/") || release.contains("..")) {
            throw new UserError("DIB_RELEASE '" + release + "' is not a release name; give a codename such as trixie"
                    + " or a suite: " + String.join(", ", SUITES));
        }
        String url = base + "/dists/" + release + "/Release";
        Optional<String> text = fetch(url, release, mirror);
        if (text.isEmpty()) {
            throw new UserError("release '" + release + "' is not served by the mirror " + mirror + " (no dists/"
                    + release + "/Release there); set DIB_RELEASE to a codename it serves, such as trixie or bookworm,"
                    + " or one of " + String.join(", ", SUITES) + ", or point DIB_DISTRIBUTION_MIRROR elsewhere");
        }
        AptRelease found = parse(release, text.get());
        if (!found.serves(debianArch)) {
            throw new UserError("the mirror " + mirror + " serves " + found.codename() + " without " + debianArch
                    + " (Architectures: " + String.join(" ", found.architectures()) + "); choose another -a or mirror");
        }
        return found;
    }

    /** The fields of a Release file that matter here; a file without Codename falls back to the name asked for. */
    public static AptRelease parse(String requested, String releaseFile) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : releaseFile.split("\n")) {
            if (line.isEmpty() || Character.isWhitespace(line.charAt(0))) {
                continue; // continuation lines (checksums) and blank lines: not the header
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 1).trim());
            }
        }
        String codename = fields.getOrDefault("Codename", "");
        if (codename.isEmpty()) {
            codename = requested;
        }
        List<String> archs = Arrays.stream(
                        fields.getOrDefault("Architectures", "").split("\\s+"))
                .filter(a -> !a.isEmpty())
                .toList();
        return new AptRelease(
                requested, codename, fields.getOrDefault("Suite", ""), archs, fields.getOrDefault("Date", ""));
    }

    /** The Release file's text, or empty when the mirror answers that it does not have it. */
    private static Optional<String> fetch(String url, String release, String mirror) {
        try {
            URI uri = URI.create(url);
            if ("file".equals(uri.getScheme())) {
                return Optional.of(Files.readString(Path.of(uri), StandardCharsets.UTF_8));
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new UserError("DIB_DISTRIBUTION_MIRROR must be an http, https or file URL, not " + mirror);
            }
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() == 404 || response.statusCode() == 410) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new UserError("the mirror " + mirror + " answered HTTP " + response.statusCode() + " for " + url
                        + "; check DIB_DISTRIBUTION_MIRROR");
            }
            return Optional.of(response.body());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            throw new UserError("DIB_DISTRIBUTION_MIRROR is not a URL: " + mirror);
        } catch (IOException e) {
            throw new UserError("cannot reach the mirror " + mirror + " to look up release '" + release + "' ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "); check DIB_DISTRIBUTION_MIRROR, or build --offline from the cache");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while looking up release '" + release + "' on " + mirror, e);
        }
    }

    /** Where a resolution is remembered, so that --offline builds can resolve a suite without the mirror. */
    static Path memo(Path cacheDir, String mirror, String release) {
        String key = mirror.replaceAll("[^A-Za-z0-9.-]+", "_");
        return cacheDir.resolve("releases").resolve(key).resolve(release);
    }

    static void remember(Path cacheDir, String mirror, AptRelease release) {
        Path file = memo(cacheDir, mirror, release.requested());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".release", ".tmp");
            Files.writeString(tmp, release.codename() + "\n" + release.date() + "\n");
            Files.move(
                    tmp,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offline: the remembered codename (and archive date) of a suite or codename, or a codename as given. */
    static AptRelease offline(Path cacheDir, String mirror, String release) {
        Path file = memo(cacheDir, mirror, release);
        try {
            if (Files.isRegularFile(file)) {
                List<String> lines = Files.readAllLines(file);
                String date = lines.size() > 1 ? lines.get(1).trim() : "";
                return new AptRelease(release, lines.get(0).trim(), "", List.of(), date);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (SUITES.contains(release)) {
            throw new UserError("offline, and DIB_RELEASE=" + release + " has never been looked up on " + mirror
                    + "; build once online, or set DIB_RELEASE to a codename such as trixie");
        }
        return new AptRelease(release, release, "", List.of(), "");
    }
}
