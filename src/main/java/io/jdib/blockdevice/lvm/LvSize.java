package io.jdib.blockdevice.lvm;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How big a logical volume is to be, as lvcreate takes it: {@code -L SIZE} (a number with an
 * optional unit, binary whatever the case, MiB without one; rounded up to whole extents) or
 * {@code -l EXTENTS} (a count, or a percentage of the VG, of its free space or of its PVs; rounded
 * down).
 */
public sealed interface LvSize {

    /** {@code -L}: at least this many bytes. */
    record Bytes(long bytes) implements LvSize {
        public Bytes {
            if (bytes <= 0) {
                throw new IllegalArgumentException("size must be positive: " + bytes);
            }
        }
    }

    /** {@code -l N}: exactly this many extents. */
    record Extents(long count) implements LvSize {
        public Extents {
            if (count <= 0) {
                throw new IllegalArgumentException("extents must be positive: " + count);
            }
        }
    }

    /** {@code -l N%VG}, {@code N%FREE}, {@code N%PVS}. */
    record Percent(int percent, Of of) implements LvSize {
        public Percent {
            Objects.requireNonNull(of, "of");
            if (percent <= 0 || percent > 100) {
                throw new IllegalArgumentException("percent must be 1 to 100: " + percent);
            }
        }
    }

    /** What a percentage is of. */
    enum Of {
        VG,
        FREE,
        PVS
    }

    Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([bskmgtpe]?)(?:ib)?", Pattern.CASE_INSENSITIVE);
    Pattern EXTENTS = Pattern.compile("(\\d+)(?:%(VG|FREE|PVS))?", Pattern.CASE_INSENSITIVE);

    /** Parses lvcreate's {@code -L} argument; {@link IllegalArgumentException} says what is wrong. */
    static LvSize size(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a size; write a number with an optional unit, e.g. 1800M or 2G");
        }
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "b" -> 0;
            case "s" -> 9;
            case "k" -> 10;
            case "", "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> 60;
        };
        double value = Double.parseDouble(m.group(1)) * (1L << shift);
        long bytes = (long) Math.ceil(value);
        if (bytes <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a positive size");
        }
        return new Bytes(bytes);
    }

    /** Parses lvcreate's {@code -l} argument; {@link IllegalArgumentException} says what is wrong. */
    static LvSize extents(String text) {
        Matcher m = EXTENTS.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an extent count; write N, N%VG, N%FREE or N%PVS");
        }
        long n = Long.parseLong(m.group(1));
        if (m.group(2) == null) {
            if (n <= 0) {
                throw new IllegalArgumentException("'" + text + "' is not a positive extent count");
            }
            return new Extents(n);
        }
        if (n <= 0 || n > 100) {
            throw new IllegalArgumentException("'" + text + "' is not a percentage from 1 to 100");
        }
        return new Percent((int) n, Of.valueOf(m.group(2).toUpperCase(Locale.ROOT)));
    }
}
