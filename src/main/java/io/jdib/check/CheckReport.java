package io.jdib.check;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code jdib check} found for one image: every rule's result, in rule order, and how long it
 * took. Static checks fill it today; a boot check ({@code --boot}) can add its results to the same list.
 */
public record CheckReport(Path image, String format, List<RuleResult> results, double seconds) {
    public CheckReport {
        results = List.copyOf(results);
    }

    /** True when no required rule failed. */
    public boolean passed() {
        return results.stream().noneMatch(RuleResult::blocking);
    }

    public Optional<RuleResult> result(String id) {
        return results.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** The ids of the required rules that failed. */
    public List<String> failed() {
        return results.stream().filter(RuleResult::blocking).map(RuleResult::id).toList();
    }
}
