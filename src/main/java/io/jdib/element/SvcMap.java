package io.jdib.element;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The elements' {@code svc-map} files (service name to a map of distro, family or "default" to the
 * distribution's name) merged for one distribution, as DIB's svc-map element does: the distro
 * wins over its family, the family over default, and a service with none keeps its name. Two
 * elements mapping one service is an error.
 */
public final class SvcMap {
    private SvcMap() {}

    /** Merges the svc-map of each element (name to directory, in build order) for {@code distro}. */
    public static Map<String, String> merge(Map<String, Path> elements, String distro) {
        String family = PkgMap.Target.familyOf(distro);
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> owner = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : elements.entrySet()) {
            Path file = e.getValue().resolve("svc-map");
            if (!Files.isRegularFile(file)) {
                continue;
            }
            for (Map.Entry<?, ?> service : read(file).entrySet()) {
                String name = String.valueOf(service.getKey());
                if (owner.containsKey(name)) {
                    throw new ElementError(file + ": service " + name + " is already mapped by element "
                            + owner.get(name) + "; map each service in one element only");
                }
                if (!(service.getValue() instanceof Map<?, ?> choices)) {
                    throw new ElementError(
                            file + ": service " + name + " must map distro, family or default to a service name");
                }
                Object chosen = choices.containsKey(distro)
                        ? choices.get(distro)
                        : choices.containsKey(family)
                                ? choices.get(family)
                                : choices.containsKey("default") ? choices.get("default") : name;
                merged.put(name, String.valueOf(chosen));
                owner.put(name, e.getKey());
            }
        }
        return merged;
    }

    /** The merged map as the in-image svc-map reads it: one {@code name: mapped} line each. */
    public static String render(Map<String, String> merged) {
        StringBuilder out = new StringBuilder();
        merged.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        return out.toString();
    }

    private static Map<?, ?> read(Path file) {
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setLabel(file.toString()).build())
                    .loadFromString(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (YamlEngineException e) {
            throw new ElementError(file + ": not valid YAML ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (doc == null) {
            return Map.of();
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new ElementError(file + ": an svc-map is a YAML mapping of service names");
        }
        return map;
    }
}
