package io.jdib.sys;

/**
 * A failure the user can act on: bad input, a missing tool, a hook that failed.
 * The CLI prints {@link #getMessage()} as one line (no stack trace unless tracing) and exits non-zero.
 */
public class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) {
        this(message, 1, null);
    }

    public UserError(String message, Throwable cause) {
        this(message, 1, cause);
    }

    public UserError(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
