package io.jdib.blockdevice.config;

import io.jdib.sys.PositionedError;
import io.jdib.sys.SourcePosition;

/** A block-device config the user must fix, at {@code SOURCE:LINE:COLUMN}. */
public final class BlockDeviceConfigException extends PositionedError {
    public BlockDeviceConfigException(SourcePosition position, String problem, String remedy) {
        super(position, problem, remedy);
    }
}
