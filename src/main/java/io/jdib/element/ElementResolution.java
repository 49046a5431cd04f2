package io.jdib.element;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The expanded element set in dependency order (an element after everything it depends on), with
 * the reason each one is there and which names are provided by which element.
 */
public record ElementResolution(List<Resolved> elements, Map<String, String> provided) {
    public ElementResolution {
        elements = List.copyOf(elements);
        provided = Map.copyOf(provided);
    }

    /** One element of the set and why it was pulled in. */
    public record Resolved(Element element, String reason) {
        public String name() {
            return element.name();
        }
    }

    public List<String> names() {
        return elements.stream().map(Resolved::name).toList();
    }

    public boolean contains(String name) {
        return elements.stream().anyMatch(r -> r.name().equals(name)) || provided.containsKey(name);
    }

    /** DIB's {@code IMAGE_ELEMENT}: the names, space separated. */
    public String imageElement() {
        return String.join(" ", names());
    }

    /** DIB's {@code IMAGE_ELEMENT_YAML}: a flow mapping of name to directory. */
    public String imageElementYaml() {
        return elements.stream()
                .map(r -> r.name() + ": " + r.element().dir())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
