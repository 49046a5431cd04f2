package io.jdib.sys;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Names close to a misspelt one, by edit distance, for "did you mean" in error messages. */
public final class NearestNames {
    private NearestNames() {}

    /** All candidates, nearest first, ties in alphabetical order. */
    public static List<String> nearestFirst(String wanted, Collection<String> candidates) {
        return candidates.stream()
                .distinct()
                .sorted(Comparator.comparingInt((String c) -> distance(wanted, c))
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    /** At most {@code limit} candidates that are plausibly what was meant: close, or a prefix either way. */
    public static List<String> plausible(String wanted, Collection<String> candidates, int limit) {
        int threshold = Math.max(2, wanted.length() / 3);
        return nearestFirst(wanted, candidates).stream()
                .filter(c -> distance(wanted, c) <= threshold || c.startsWith(wanted) || wanted.startsWith(c))
                .limit(limit)
                .toList();
    }

    /** Levenshtein distance. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
