package io.jdib.hook;

import io.jdib.sys.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * DIB's {@code break} variable: a comma-separated list of {@code before-PHASE}, {@code after-PHASE}
 * (PHASE without ".d", e.g. before-install, after-finalise) and {@code after-error}, at which the
 * build opens a shell in its own context and goes on when the shell exits.
 */
public record BreakPoints(Set<String> points) {
    public static final String VARIABLE = "break";
    public static final String AFTER_ERROR = "after-error";

    public BreakPoints {
        points = Set.copyOf(points);
    }

    public static BreakPoints none() {
        return new BreakPoints(Set.of());
    }

    /** Every point a build knows, in the order they can happen. */
    public static List<String> known() {
        List<String> all = new ArrayList<>();
        for (Phase p : Phase.values()) {
            all.add(before(p));
            all.add(after(p));
        }
        all.add(AFTER_ERROR);
        return all;
    }

    /** Parses {@code break=...}; a point that does not exist is an error that lists those that do. */
    public static BreakPoints parse(String value) {
        if (value == null || value.isBlank()) {
            return none();
        }
        Set<String> points = new LinkedHashSet<>();
        List<String> known = known();
        for (String raw : value.split(",")) {
            String point = raw.trim();
            if (point.isEmpty()) {
                continue;
            }
            if (!known.contains(point)) {
                throw new UserError("break=" + value + ": there is no break point '" + point + "'; use "
                        + String.join(
                                ",",
                                known.stream()
                                        .filter(p -> p.startsWith("before-"))
                                        .toList()) + ", the same with after-, or "
                        + AFTER_ERROR);
            }
            points.add(point);
        }
        return new BreakPoints(points);
    }

    public static String before(Phase phase) {
        return "before-" + stem(phase);
    }

    public static String after(Phase phase) {
        return "after-" + stem(phase);
    }

    private static String stem(Phase phase) {
        return phase.dirName().substring(0, phase.dirName().length() - 2);
    }

    public boolean has(String point) {
        return points.contains(point);
    }

    @Override
    public String toString() {
        return String.join(",", Arrays.asList(points.toArray(new String[0])));
    }
}
