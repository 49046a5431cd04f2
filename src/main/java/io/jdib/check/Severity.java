package io.jdib.check;

/** How much a rule counts under a {@link Profile}: a required failure fails the check, advice only warns. */
public enum Severity {
    REQUIRED,
    ADVICE;

    /** {@code required} or {@code advice}, as the report prints it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
