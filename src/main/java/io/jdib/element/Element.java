package io.jdib.element;

import java.nio.file.Path;
import java.util.List;

/** One element directory: its name, where it was found, and what its dependency files say. */
public record Element(String name, Path dir, List<String> deps, List<String> provides) {
    public Element {
        deps = List.copyOf(deps);
        provides = List.copyOf(provides);
    }
}
