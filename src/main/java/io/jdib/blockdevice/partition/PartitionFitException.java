package io.jdib.blockdevice.partition;

/** The request is valid but the partitions do not fit the disk they are planned for. */
public final class PartitionFitException extends PartitionException {
    public PartitionFitException(String message) {
        super(message);
    }
}
