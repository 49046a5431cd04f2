package io.jdib.frontend;

import io.jdib.sys.SourcePosition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One image of a definition file, after every entry with its name was merged: the command that
 * builds it ({@code disk-image-create}, or {@code ramdisk-image-create} with {@code ramdisk: true}),
 * its arguments in DIB's order, and the environment it adds.
 *
 * @param name the image's name: its {@code imagename}, or the one of the entry before it ({@code
 *     image} for the first)
 * @param at where its first entry starts
 */
public record ImageDefinition(String name, SourcePosition at, Map<ImageKey, Value> values) {
    public static final String DISK_COMMAND = "disk-image-create";
    public static final String RAMDISK_COMMAND = "ramdisk-image-create";
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9@%+=:,./_-]+");

    public ImageDefinition {
        EnumMap<ImageKey, Value> copy = new EnumMap<>(ImageKey.class);
        copy.putAll(values);
        values = Collections.unmodifiableMap(copy);
    }

    public Optional<Value> value(ImageKey key) {
        return Optional.ofNullable(values.get(key));
    }

    /** {@code ramdisk: true}: built by ramdisk-image-create. */
    public boolean ramdisk() {
        return value(ImageKey.RAMDISK).map(v -> ((Value.Scalar) v).isTrue()).orElse(false);
    }

    /** The command that builds it. */
    public String command() {
        return ramdisk() ? RAMDISK_COMMAND : DISK_COMMAND;
    }

    /** The command's arguments, in the order DIB gives them; the elements last. */
    public List<String> arguments() {
        List<String> args = new ArrayList<>();
        values.forEach((key, value) -> args.addAll(key.arguments(value)));
        return args;
    }

    /** The variables {@code environment} sets, in the order written. */
    public Map<String, String> environment() {
        return value(ImageKey.ENVIRONMENT).map(v -> ((Value.Pairs) v).pairs()).orElse(Map.of());
    }

    /** The trace level ({@code debug-trace}). */
    public int traceLevel() {
        return value(ImageKey.DEBUG_TRACE)
                .map(v -> Integer.parseInt(((Value.Scalar) v).text()))
                .orElse(0);
    }

    /** The equivalent shell command: {@code VAR=value ... COMMAND ARGS}, quoted where needed. */
    public String commandLine() {
        List<String> words = new ArrayList<>();
        environment().forEach((k, v) -> words.add(k + "=" + quote(v)));
        words.add(command());
        arguments().forEach(a -> words.add(quote(a)));
        return String.join(" ", words);
    }

    static String quote(String word) {
        if (SHELL_SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }

    /** Builds one image from its entries, merging as DIB does. */
    static final class Merger {
        private final String name;
        private final SourcePosition at;
        private final Map<ImageKey, Value> values = new LinkedHashMap<>();

        Merger(String name, SourcePosition at) {
            this.name = name;
            this.at = at;
        }

        void add(Map<ImageKey, Value> entry) {
            entry.forEach((key, value) -> values.merge(key, value, Value::mergedWith));
        }

        ImageDefinition build() {
            return new ImageDefinition(name, at, values);
        }
    }
}
