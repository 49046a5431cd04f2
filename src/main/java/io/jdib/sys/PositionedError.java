package io.jdib.sys;

import java.util.Objects;

/**
 * Something the user wrote at a known place and must fix. The message is one line: {@code
 * SOURCE:LINE:COLUMN: what is wrong; what to do}.
 */
public class PositionedError extends UserError {
    private final SourcePosition position;
    private final String problem;
    private final String remedy;

    public PositionedError(SourcePosition position, String problem, String remedy) {
        super(position + ": " + problem + "; " + remedy);
        this.position = Objects.requireNonNull(position, "position");
        this.problem = Objects.requireNonNull(problem, "problem");
        this.remedy = Objects.requireNonNull(remedy, "remedy");
    }

    public SourcePosition position() {
        return position;
    }

    /** What is wrong, without position or remedy. */
    public String problem() {
        return problem;
    }

    /** What the user should do about it. */
    public String remedy() {
        return remedy;
    }
}
