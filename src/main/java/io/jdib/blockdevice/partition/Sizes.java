package io.jdib.blockdevice.partition;

import java.util.Locale;

/** Byte counts for people: "2.0 GiB". */
final class Sizes {
    static final long KIB = 1024;
    static final long MIB = KIB * 1024;
    static final long GIB = MIB * 1024;
    static final long TIB = GIB * 1024;

    private Sizes() {}

    static String human(long bytes) {
        if (bytes < KIB) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        // 1023.96 MiB would print as "1024.0 MiB"; move up a unit before rounding gets there.
        while (value >= 1023.95 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
