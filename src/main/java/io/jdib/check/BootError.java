package io.jdib.check;

import io.jdib.sys.UserError;

/** A boot test could not be run as asked (bad options, missing firmware or files). */
public final class BootError extends UserError {
    public BootError(String message) {
        super(message);
    }

    public BootError(String message, Throwable cause) {
        super(message, cause);
    }
}
