package io.jdib.blockdevice.config;

import java.math.BigDecimal;

/**
 * A size as DIB writes it: absolute bytes ({@code 512}, {@code 2.5GiB}, {@code 1.75TB}, {@code
 * 100 M}) or a percentage of the space that is still free ({@code 50%}).
 */
public sealed interface SizeSpec {

    /** A size in bytes. */
    record Absolute(long bytes) implements SizeSpec {
        public Absolute {
            if (bytes < 0) {
                throw new IllegalArgumentException("negative size: " + bytes);
            }
        }
    }

    /** A share, in percent, of the space that remains after the partitions before it. */
    record Percent(BigDecimal percent) implements SizeSpec {
        public Percent {
            if (percent.signum() < 0) {
                throw new IllegalArgumentException("negative percentage: " + percent);
            }
            // 50% and 50.0% are the same size; keep equals() blind to the spelling.
            percent = percent.stripTrailingZeros();
        }
    }

    /**
     * Parses a size, absolute or percent.
     *
     * @throws IllegalArgumentException if {@code text} is not a number with a unit DIB knows
     */
    static SizeSpec parse(String text) {
        return SizeParser.parse(text);
    }

    /**
     * Parses an absolute size; a percentage is an error here.
     *
     * @throws IllegalArgumentException if {@code text} is not a number with a unit DIB knows
     */
    static Absolute parseAbsolute(String text) {
        return SizeParser.parseAbsolute(text);
    }
}
