package io.jdib.check;

import io.jdib.check.RuleResult.Evidence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code jdib check} found for one image: every rule's result, in rule order, rated by one
 * {@link Profile}, and how long it took. Static checks fill it; a boot check ({@code --boot}) adds its
 * results to the same list.
 */
public record CheckReport(Path image, String format, Profile profile, List<RuleResult> results, double seconds) {
    public CheckReport {
        results = profile.apply(List.copyOf(results));
    }

    /** A report under the default profile, {@link Profile#OPENSTACK}. */
    public CheckReport(Path image, String format, List<RuleResult> results, double seconds) {
        this(image, format, Profile.OPENSTACK, results, seconds);
    }

    /** The same results, rated by {@code value}. */
    public CheckReport withProfile(Profile value) {
        return new CheckReport(image, format, value, results, seconds);
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

    /** The ids of the advice rules that failed: printed, but the image still passes. */
    public List<String> warnings() {
        return results.stream()
                .filter(r -> !r.required() && r.outcome() == RuleResult.Outcome.FAIL)
                .map(RuleResult::id)
                .toList();
    }

    /**
     * The report as {@code --json} prints it: image, format, profile, passed, seconds, rules[] (id,
     * title, result, severity, required, guides, evidence[]), failed[] and warnings[].
     */
    public Map<String, Object> toJson() {
        CheckReport report = this;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("image", report.image().toString());
        doc.put("format", report.format());
        doc.put("profile", report.profile().id());
        doc.put("passed", report.passed());
        doc.put("seconds", Math.round(report.seconds() * 10) / 10.0);
        List<Map<String, Object>> rules = new ArrayList<>();
        for (RuleResult r : report.results()) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("id", r.id());
            rule.put("title", r.title());
            rule.put("result", r.outcome().name().toLowerCase().replace('_', '-'));
            rule.put("severity", r.severity().label());
            rule.put("required", r.required());
            rule.put("guides", r.guides().stream().map(Guide::id).toList());
            List<Map<String, Object>> evidence = new ArrayList<>();
            for (Evidence e : r.evidence()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("file", e.file());
                if (e.line() > 0) {
                    item.put("line", e.line());
                }
                item.put("text", e.text());
                evidence.add(item);
            }
            rule.put("evidence", evidence);
            rules.add(rule);
        }
        doc.put("rules", rules);
        doc.put("failed", report.failed());
        doc.put("warnings", report.warnings());
        return doc;
    }
}
