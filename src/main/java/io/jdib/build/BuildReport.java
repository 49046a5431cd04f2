package io.jdib.build;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What a build made and how long each step took. */
public record BuildReport(List<StepTime> steps, List<Path> outputs, Duration total) {
    public BuildReport {
        steps = List.copyOf(steps);
        outputs = List.copyOf(outputs);
    }

    public record StepTime(String step, Duration took) {}

    /** The report as JSON: the total and each step's wall time, in seconds, in the order they ran. */
    public String toJson() {
        StringBuilder json = new StringBuilder("{\n  \"total_seconds\": " + seconds(total) + ",\n  \"steps\": [");
        for (int i = 0; i < steps.size(); i++) {
            StepTime step = steps.get(i);
            json.append(i == 0 ? "\n" : ",\n")
                    .append("    {\"step\": \"")
                    .append(step.step().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\", \"seconds\": ")
                    .append(seconds(step.took()))
                    .append('}');
        }
        return json.append("\n  ]\n}\n").toString();
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }
}
