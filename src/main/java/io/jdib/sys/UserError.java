package io.jdib.sys;

/**
 * A failure the user can act on by changing the input: a bad option, element, config or hook.
 * The CLI prints {@link #getMessage()} as one line (no stack trace unless tracing) and exits 1.
 */
public class UserError extends JdibError {
    public UserError(String message) {
        super(message, null);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.USER;
    }
}
