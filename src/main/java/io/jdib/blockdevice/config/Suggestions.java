package io.jdib.blockdevice.config;

import io.jdib.sys.NearestNames;
import java.util.Collection;
import java.util.List;

/** Orders candidate names by how close they are to a misspelt one. */
final class Suggestions {

    private Suggestions() {}

    /** All candidates, nearest (by edit distance) first, ties in alphabetical order. */
    static List<String> nearestFirst(String wanted, Collection<String> candidates) {
        return NearestNames.nearestFirst(wanted, candidates);
    }

    static String nearestFirstJoined(String wanted, Collection<String> candidates) {
        return String.join(", ", nearestFirst(wanted, candidates));
    }
}
