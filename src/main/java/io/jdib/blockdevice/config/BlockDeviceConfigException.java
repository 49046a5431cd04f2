package io.jdib.blockdevice.config;

import java.util.Objects;

/**
 * A block-device config the user must fix. The message is one line: {@code
 * SOURCE:LINE:COLUMN: what is wrong; what to do}.
 */
public final class BlockDeviceConfigException extends io.jdib.sys.UserError {

    private final SourcePosition position;
    private final String problem;
    private final String remedy;

    public BlockDeviceConfigException(SourcePosition position, String problem, String remedy) {
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
