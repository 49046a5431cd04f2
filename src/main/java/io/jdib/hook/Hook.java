package io.jdib.hook;

import java.nio.file.Path;

/** One executable hook in the merged hook tree, and the element it came from. */
public record Hook(Phase phase, String script, String element, Path path) {
    public String label() {
        return element + "/" + phase.dirName() + "/" + script;
    }
}
