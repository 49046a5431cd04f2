package io.jdib.blockdevice.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Orders candidate names by how close they are to a misspelt one. */
final class Suggestions {

  private Suggestions() {}

  /** All candidates, nearest (by edit distance) first, ties in alphabetical order. */
  static List<String> nearestFirst(String wanted, Collection<String> candidates) {
    return candidates.stream()
        .distinct()
        .sorted(
            Comparator.comparingInt((String c) -> distance(wanted, c))
                .thenComparing(Comparator.naturalOrder()))
        .toList();
  }

  static String nearestFirstJoined(String wanted, Collection<String> candidates) {
    return String.join(", ", nearestFirst(wanted, candidates));
  }

  /** Levenshtein distance. */
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
