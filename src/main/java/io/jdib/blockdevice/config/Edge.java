package io.jdib.blockdevice.config;

import java.util.Objects;

/** {@code from} must be created before {@code to} (and undone after it). */
public record Edge(String from, String to) {

    public Edge {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
        return from + " -> " + to;
    }
}
