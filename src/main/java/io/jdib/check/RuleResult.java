package io.jdib.check;

import java.util.List;

/**
 * The outcome of one rule on one image: pass, fail or not applicable, with the evidence that
 * decided it (a file of the image and a line of it, or a tool's output).
 */
public record RuleResult(
        String id, String title, Outcome outcome, Severity severity, List<Guide> guides, List<Evidence> evidence) {
    public RuleResult {
        evidence = List.copyOf(evidence);
        guides = List.copyOf(guides);
    }

    /** A result before a {@link Profile} rates it: {@code required} or advice, no guides named yet. */
    public RuleResult(String id, String title, Outcome outcome, boolean required, List<Evidence> evidence) {
        this(id, title, outcome, required ? Severity.REQUIRED : Severity.ADVICE, List.of(), evidence);
    }

    /** The same result with another severity and the guides that ask for the rule. */
    public RuleResult withSeverity(Severity value, List<Guide> askedBy) {
        return new RuleResult(id, title, outcome, value, askedBy, evidence);
    }

    public boolean required() {
        return severity == Severity.REQUIRED;
    }

    /** What a rule concluded. */
    public enum Outcome {
        PASS,
        FAIL,
        NOT_APPLICABLE
    }

    /**
     * One fact behind a result. {@code file} is a path inside the image (e.g. {@code /etc/fstab}) or
     * the name of a tool ({@code qemu-img check}); {@code line} is 1-based, or 0 when there is none.
     */
    public record Evidence(String file, int line, String text) {
        public static Evidence of(String file, String text) {
            return new Evidence(file, 0, text);
        }

        public static Evidence at(String file, int line, String text) {
            return new Evidence(file, line, text);
        }

        public Evidence withText(String newText) {
            return new Evidence(file, line, newText);
        }

        /** {@code file:line: text}, or {@code file: text} without a line. */
        public String render() {
            return file + (line > 0 ? ":" + line : "") + ": " + text;
        }
    }

    /** A rule that failed and must pass for the image to count as cloud-ready. */
    public boolean blocking() {
        return required() && outcome == Outcome.FAIL;
    }
}
