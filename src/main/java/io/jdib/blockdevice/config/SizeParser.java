package io.jdib.blockdevice.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** DIB's size grammar: a decimal number, an optional space, an optional unit. */
final class SizeParser {

    /** Case-sensitive as in DIB; bare K/M/G/T are decimal, as DIB reads them. */
    private static final Map<String, Long> UNITS = Map.ofEntries(
            Map.entry("", 1L),
            Map.entry("B", 1L),
            Map.entry("K", 1000L),
            Map.entry("KB", 1000L),
            Map.entry("M", 1000L * 1000),
            Map.entry("MB", 1000L * 1000),
            Map.entry("G", 1000L * 1000 * 1000),
            Map.entry("GB", 1000L * 1000 * 1000),
            Map.entry("T", 1000L * 1000 * 1000 * 1000),
            Map.entry("TB", 1000L * 1000 * 1000 * 1000),
            Map.entry("KiB", 1L << 10),
            Map.entry("MiB", 1L << 20),
            Map.entry("GiB", 1L << 30),
            Map.entry("TiB", 1L << 40));

    static final String UNIT_LIST = "B, KiB, MiB, GiB, TiB, KB, MB, GB, TB, K, M, G, T";

    private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");
    private static final Pattern ABSOLUTE = Pattern.compile("([0-9.]+) ?([A-Za-z]*)");

    private SizeParser() {}

    static SizeSpec parse(String text) {
        String s = text.strip();
        if (s.endsWith("%")) {
            return new SizeSpec.Percent(number(s.substring(0, s.length() - 1).strip(), text));
        }
        return parseAbsolute(text);
    }

    static SizeSpec.Absolute parseAbsolute(String text) {
        Matcher m = ABSOLUTE.matcher(text.strip());
        Long factor = m.matches() ? UNITS.get(m.group(2)) : null;
        if (factor == null) {
            throw invalid(text);
        }
        BigDecimal bytes = number(m.group(1), text).multiply(BigDecimal.valueOf(factor));
        try {
            // DIB truncates fractional bytes (Python int()).
            return new SizeSpec.Absolute(bytes.setScale(0, RoundingMode.DOWN).longValueExact());
        } catch (ArithmeticException e) {
            throw invalid(text);
        }
    }

    private static BigDecimal number(String digits, String text) {
        if (!NUMBER.matcher(digits).matches()) {
            throw invalid(text);
        }
        return new BigDecimal(digits);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a size");
    }
}
