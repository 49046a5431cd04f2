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
}
