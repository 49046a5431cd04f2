package io.jdib.element;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Nearest names by edit distance, for "did you mean" suggestions. */
final class Similar {
    private Similar() {
    }

    static List<String> nearest(String name, Collection<String> candidates, int limit) {
        int threshold = Math.max(2, name.length() / 3);
        return candidates.stream()
                .filter(c -> distance(name, c) <= threshold || c.startsWith(name) || name.startsWith(c))
                .sorted(Comparator.comparingInt((String c) -> distance(name, c)).thenComparing(c -> c))
                .limit(limit)
                .toList();
    }

    static int distance(String a, String b) {
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
