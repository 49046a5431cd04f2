package io.jdib.blockdevice;

import io.jdib.sys.UserError;

/** A block-device action that cannot go on; the message is one line saying what to do. */
public final class BlockDeviceException extends UserError {
    public BlockDeviceException(String message) {
        super(message);
    }

    public BlockDeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
