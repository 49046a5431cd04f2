package io.jdib.sys;

/**
 * Every failure jdib reports on purpose, with the {@link Kind} that decides how the CLI shows it and
 * which exit code it gets. Anything else that escapes is an internal error: a bug to report.
 */
public abstract class JdibError extends RuntimeException {
    /** How a failure is reported, and its exit code: the one place exit codes are defined. */
    public enum Kind {
        /** Bad input or a failed hook: one line saying what to change. */
        USER(1),
        /** The host lacks something or refused a host action (a tool, device-mapper, space, a mount). */
        ENVIRONMENT(3),
        /** Ctrl-C or SIGTERM stopped the work; everything was undone. */
        INTERRUPTED(130),
        /** A bug in jdib: printed with its stack trace and a request to report it. */
        INTERNAL(70);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    /** picocli's own exit code for a command line it could not parse. */
    public static final int USAGE_EXIT_CODE = 2;

    protected JdibError(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract Kind kind();

    public int exitCode() {
        return kind().exitCode();
    }
}
