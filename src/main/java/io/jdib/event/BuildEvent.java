package io.jdib.event;

import java.time.Duration;
import java.util.List;

/** What the core reports while it works; only the CLI turns these into text. */
public sealed interface BuildEvent {

    /** A pipeline step began. */
    record StepStarted(String step) implements BuildEvent {}

    /** A pipeline step ended, successfully or not. */
    record StepFinished(String step, Duration took, boolean ok) implements BuildEvent {}

    /** One line a hook (or a tool the build runs) printed. */
    record OutputLine(String source, String line) implements BuildEvent {}

    /** A hook ended. */
    record HookFinished(String phase, String element, String script, Duration took, int exitCode)
            implements BuildEvent {}

    /** Per-script timings for one phase, printed as a table after the phase. */
    record PhaseTimings(String phase, List<ScriptTiming> scripts) implements BuildEvent {
        public PhaseTimings {
            scripts = List.copyOf(scripts);
        }
    }

    record ScriptTiming(String element, String script, Duration took) {}

    /** Something the user should know but that does not stop the build. */
    record Warning(String message) implements BuildEvent {}

    /** Plain progress information. */
    record Info(String message) implements BuildEvent {}

    /** Detail shown only with tracing on (-x). */
    record Debug(String message) implements BuildEvent {}

    /** How far a long task (an image conversion, say) has got, in whole percent. */
    record Progress(String task, int percent) implements BuildEvent {}

    /** An output file was written under its final name. */
    record OutputWritten(String type, String path, long bytes) implements BuildEvent {}

    /**
     * Every image of a definition file ({@code jdib build FILE.yaml}) and how each ended, once the
     * last has; printed as a table.
     */
    record ImagesSummary(List<ImageResult> images) implements BuildEvent {
        public ImagesSummary {
            images = List.copyOf(images);
        }
    }

    /** One row of {@link ImagesSummary}: an image, its command, result, time, outputs or error. */
    record ImageResult(
            String image, String command, ImageStatus status, Duration took, List<String> outputs, String error) {
        public ImageResult {
            outputs = List.copyOf(outputs);
        }
    }

    /** How one image of several ended. */
    enum ImageStatus {
        BUILT,
        FAILED,
        /** Not started: an earlier image failed and {@code --stop-on-failure} was given. */
        SKIPPED
    }
}
