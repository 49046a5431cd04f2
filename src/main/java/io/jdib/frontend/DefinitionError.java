package io.jdib.frontend;

import io.jdib.sys.UserError;
import java.util.Objects;

/**
 * An image definition file the user must fix. The message is one line: {@code FILE:LINE:COLUMN:
 * what is wrong; what to do}.
 */
public final class DefinitionError extends UserError {
    private final Position position;
    private final String problem;

    DefinitionError(Position position, String problem, String remedy) {
        super(position + ": " + problem + "; " + remedy);
        this.position = Objects.requireNonNull(position, "position");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public Position position() {
        return position;
    }

    /** What is wrong, without position or remedy. */
    public String problem() {
        return problem;
    }
}
