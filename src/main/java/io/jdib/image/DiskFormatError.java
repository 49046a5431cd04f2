package io.jdib.image;

import io.jdib.sys.UserError;

/** A disk image could not be written in the requested format; says which and why. */
public final class DiskFormatError extends UserError {
    public DiskFormatError(String message) {
        super(message);
    }

    public DiskFormatError(String message, Throwable cause) {
        super(message, cause);
    }
}
