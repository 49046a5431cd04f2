package io.jdib.blockdevice.partition;

/** A partitioning request that cannot be carried out; the message is one line saying what to do. */
public class PartitionException extends io.jdib.sys.UserError {
    public PartitionException(String message) {
        super(message);
    }
}
