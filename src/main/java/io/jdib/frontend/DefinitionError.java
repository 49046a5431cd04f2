package io.jdib.frontend;

import io.jdib.sys.PositionedError;
import io.jdib.sys.SourcePosition;

/** An image definition file the user must fix, at {@code FILE:LINE:COLUMN}. */
public final class DefinitionError extends PositionedError {
    DefinitionError(SourcePosition position, String problem, String remedy) {
        super(position, problem, remedy);
    }
}
