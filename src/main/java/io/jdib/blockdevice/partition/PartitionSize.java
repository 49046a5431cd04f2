package io.jdib.blockdevice.partition;

/** A requested partition size: absolute, or a share of the space still free when it is placed. */
public sealed interface PartitionSize {

    /** An absolute size, rounded up to whole sectors. */
    record Bytes(long bytes) implements PartitionSize {
        public Bytes {
            if (bytes <= 0) {
                throw new PartitionSpecException(
                        "partition size " + bytes + " bytes is not positive; give a size like 512MiB or 100%");
            }
        }

        @Override
        public String toString() {
            return Sizes.human(bytes);
        }
    }

    /**
     * A percentage (0 &lt; percent &lt;= 100) of the space that remains free, after the partitions
     * before it, when this partition is placed (DIB: 33%, 50%, 100% gives three thirds).
     */
    record Percent(double percent) implements PartitionSize {
        public Percent {
            if (!(percent > 0 && percent <= 100)) {
                throw new PartitionSpecException(
                        "partition size " + percent + "% is outside 0..100%; give a percentage like 50% or 100%");
            }
        }

        @Override
        public String toString() {
            return (percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent)) + "%";
        }
    }

    static PartitionSize bytes(long bytes) {
        return new Bytes(bytes);
    }

    static PartitionSize mib(long mib) {
        return new Bytes(mib * Sizes.MIB);
    }

    static PartitionSize percent(double percent) {
        return new Percent(percent);
    }
}
