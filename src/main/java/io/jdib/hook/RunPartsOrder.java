package io.jdib.hook;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order of {@code LANG=C sort -n}: by the number a name starts with (none counts as 0), then
 * byte by byte. DIB runs hooks and sources environment.d files in this order.
 */
public final class RunPartsOrder implements Comparator<String> {
    public static final RunPartsOrder INSTANCE = new RunPartsOrder();
    private static final Pattern LEADING_NUMBER = Pattern.compile("^\\s*(-?\\d+(?:\\.\\d+)?)");
    /** dib-run-parts runs only names made of these characters: no dots, so no backups or .orig files. */
    public static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private RunPartsOrder() {}

    @Override
    public int compare(String a, String b) {
        int byNumber = Double.compare(number(a), number(b));
        return byNumber != 0 ? byNumber : a.compareTo(b);
    }

    private static double number(String name) {
        Matcher m = LEADING_NUMBER.matcher(name);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
