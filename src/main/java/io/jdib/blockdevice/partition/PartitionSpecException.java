package io.jdib.blockdevice.partition;

/** The partition table request is invalid whatever the disk size (bad type, flag, name, align). */
public final class PartitionSpecException extends PartitionException {
    public PartitionSpecException(String message) {
        super(message);
    }
}
