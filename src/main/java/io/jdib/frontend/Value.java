package io.jdib.frontend;

import io.jdib.sys.SourcePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of one key of an image definition, already checked against its {@link ImageKey}, with
 * where it was written. Merging two entries of one image merges their values as DIB does: a list is
 * extended, a mapping updated, a single value replaced.
 */
public sealed interface Value {
    SourcePosition at();

    /** This value with {@code later} (of the same key, from a later entry) merged in. */
    Value mergedWith(Value later);

    /** A single value, normalised (booleans as {@code true}/{@code false}, numbers as digits). */
    record Scalar(String text, SourcePosition at) implements Value {
        @Override
        public Value mergedWith(Value later) {
            return later;
        }

        public boolean isTrue() {
            return text.equals("true");
        }
    }

    /** A list of words. */
    record Items(List<String> items, SourcePosition at) implements Value {
        public Items {
            items = List.copyOf(items);
        }

        @Override
        public Value mergedWith(Value later) {
            List<String> all = new ArrayList<>(items);
            all.addAll(((Items) later).items());
            return new Items(all, at);
        }
    }

    /** A mapping of words to words, in the order written. */
    record Pairs(Map<String, String> pairs, SourcePosition at) implements Value {
        public Pairs {
            pairs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pairs));
        }

        @Override
        public Value mergedWith(Value later) {
            Map<String, String> all = new LinkedHashMap<>(pairs);
            all.putAll(((Pairs) later).pairs());
            return new Pairs(all, at);
        }
    }
}
