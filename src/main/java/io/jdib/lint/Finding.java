package io.jdib.lint;

import java.nio.file.Path;
import java.util.Comparator;

/** One thing {@code jdib lint} found: where (file and 1-based line), which rule, and what to do. */
public record Finding(Path path, int line, Rule rule, String message) {
    /** By file, then line, then rule. */
    public static final Comparator<Finding> ORDER = Comparator.comparing((Finding f) -> f.path.toString())
            .thenComparingInt(Finding::line)
            .thenComparing(Finding::rule)
            .thenComparing(Finding::message);

    public Finding {
        if (line < 1) {
            throw new IllegalArgumentException("lines are 1-based: " + line);
        }
    }

    public boolean isError() {
        return rule.severity() == Rule.Severity.ERROR;
    }

    /** {@code path:line: rule: message}; a warning's message starts with {@code warning:}. */
    @Override
    public String toString() {
        return path + ":" + line + ": " + rule.id() + ": " + (isError() ? "" : "warning: ") + message;
    }
}
