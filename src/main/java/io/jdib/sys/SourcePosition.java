package io.jdib.sys;

import java.util.Objects;

/**
 * Where something the user wrote is: the source (a file path, or a variable's name such as
 * "DIB_BLOCK_DEVICE_CONFIG") and a 1-based line and column.
 */
public record SourcePosition(String source, int line, int column) {

    public SourcePosition {
        Objects.requireNonNull(source, "source");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
        }
    }

    /** {@code source:line:column}, the form compilers print and editors jump to. */
    @Override
    public String toString() {
        return source + ":" + line + ":" + column;
    }
}
