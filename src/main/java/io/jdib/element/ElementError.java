package io.jdib.element;

import io.jdib.sys.UserError;

/** An element set that cannot be resolved, or an element that is malformed. */
public final class ElementError extends UserError {
    public ElementError(String message) {
        super(message);
    }
}
