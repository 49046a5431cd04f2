package io.jdib.sys;

/** The work was stopped (Ctrl-C, SIGTERM, or a build that is tearing down); what it did is undone. */
public final class Interrupted extends JdibError {
    public Interrupted(String message) {
        super(message, null);
    }

    public Interrupted(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.INTERRUPTED;
    }
}
