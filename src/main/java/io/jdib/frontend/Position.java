package io.jdib.frontend;

import java.util.Objects;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/** Where something was written in an image definition file: the file and a 1-based line and column. */
public record Position(String file, int line, int column) {
    public Position {
        Objects.requireNonNull(file, "file");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
        }
    }

    static Position of(Mark mark, String file) {
        return new Position(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    static Position of(Node node, String file) {
        return node.getStartMark().map(m -> of(m, file)).orElse(new Position(file, 1, 1));
    }

    /** {@code file:line:column}, the form compilers print and editors jump to. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
