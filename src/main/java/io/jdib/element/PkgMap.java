package io.jdib.element;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An element's {@code pkg-map} file: generic package names mapped to distribution ones, with the
 * most specific match winning: release, then distro, then family, then default. A name the map does
 * not mention is kept as is; a name mapped to "" is dropped.
 */
public record PkgMap(Path source, Map<String, String> table) {
    public PkgMap {
        table = Map.copyOf(table);
    }

    /** Which distribution the map is read for. */
    public record Target(String distro, String release, String family) {
        public static Target fromEnv(Map<String, String> env) {
            String distro = env.getOrDefault("DISTRO_NAME", "");
            String release = env.getOrDefault("DIB_RELEASE", "");
            return new Target(distro, release, familyOf(distro));
        }

        static String familyOf(String distro) {
            return switch (distro) {
                case "debian", "ubuntu" -> "debian";
                case "fedora", "centos", "rhel", "rocky", "almalinux", "openeuler" -> "redhat";
                case "opensuse", "sles" -> "suse";
                default -> distro;
            };
        }
    }

    public static PkgMap empty() {
        return new PkgMap(null, Map.of());
    }

    /** Reads {@code file} (JSON) for {@code target}; a missing file is an empty map. */
    public static PkgMap load(Path file, Target target) {
        if (!Files.isRegularFile(file)) {
            return empty();
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ElementError(file + ": not valid JSON (" + firstLine(e.getMessage())
                    + "); pkg-map is a JSON object with family/distro/release/default sections");
        }
        Map<String, String> table = new LinkedHashMap<>();
        // Least specific first, so more specific sections overwrite.
        put(table, root.path("default"), file);
        put(table, root.path("family").path(target.family()), file);
        put(table, root.path("distro").path(target.distro()), file);
        put(table, root.path("release").path(target.distro()).path(target.release()), file);
        return new PkgMap(file, table);
    }

    /**
     * Every mapping of {@code file} as tab-separated lines {@code SCOPE KEY RELEASE NAME PACKAGES}
     * (scope default, family, distro or release; "-" where a column does not apply), which the
     * in-image pkg-map reads without a JSON parser.
     */
    public static List<String> flatten(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ElementError(file + ": not valid JSON (" + firstLine(e.getMessage())
                    + "); pkg-map is a JSON object with family/distro/release/default sections");
        }
        List<String> lines = new java.util.ArrayList<>();
        flattenSection(lines, root.path("default"), "default\t-\t-", file);
        for (String scope : List.of("family", "distro")) {
            root.path(scope)
                    .fields()
                    .forEachRemaining(
                            e -> flattenSection(lines, e.getValue(), scope + "\t" + e.getKey() + "\t-", file));
        }
        root.path("release")
                .fields()
                .forEachRemaining(d -> d.getValue()
                        .fields()
                        .forEachRemaining(r -> flattenSection(
                                lines, r.getValue(), "release\t" + d.getKey() + "\t" + r.getKey(), file)));
        return lines;
    }

    private static void flattenSection(List<String> lines, JsonNode section, String prefix, Path file) {
        Map<String, String> table = new LinkedHashMap<>();
        put(table, section, file);
        table.forEach((name, pkgs) ->
                lines.add(prefix + "\t" + name + "\t" + pkgs.replace('\t', ' ').replace('\n', ' ')));
    }

    private static void put(Map<String, String> table, JsonNode section, Path file) {
        if (section.isMissingNode() || section.isNull()) {
            return;
        }
        if (!section.isObject()) {
            throw new ElementError(file + ": a pkg-map section must map package names to names, not " + section);
        }
        section.fields()
                .forEachRemaining(e -> table.put(e.getKey(), e.getValue().asText()));
    }

    /** The distribution packages for a generic name: usually one, none when mapped to "". */
    public List<String> map(String name) {
        String mapped = table.getOrDefault(name, name);
        return Arrays.stream(mapped.trim().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
