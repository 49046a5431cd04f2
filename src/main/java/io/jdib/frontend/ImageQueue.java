package io.jdib.frontend;

import io.jdib.event.BuildEvent;
import io.jdib.event.EventSink;
import io.jdib.sys.Interrupted;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the images of a definition file one after another, as DIB's {@code diskimage-builder}
 * does: each is announced with its command, a failure is kept and the next image built (unless
 * {@code stopOnFailure}), and a table of every image ends the run ({@link BuildEvent.ImagesSummary}).
 * An interruption (Ctrl-C, SIGTERM) stops the whole run.
 */
public final class ImageQueue {
    /** Builds one image and returns the files it wrote; a failure is an exception. */
    @FunctionalInterface
    public interface Builder {
        List<Path> build(ImageDefinition image);
    }

    /** What became of one image. */
    public record Outcome(
            ImageDefinition image,
            BuildEvent.ImageStatus status,
            Duration took,
            List<Path> outputs,
            Optional<RuntimeException> failure) {
        public Outcome {
            outputs = List.copyOf(outputs);
        }
    }

    private ImageQueue() {}

    public static List<Outcome> run(
            List<ImageDefinition> images, boolean stopOnFailure, Builder builder, EventSink events) {
        List<Outcome> outcomes = new ArrayList<>();
        boolean stop = false;
        for (int i = 0; i < images.size(); i++) {
            ImageDefinition image = images.get(i);
            if (stop) {
                outcomes.add(
                        new Outcome(image, BuildEvent.ImageStatus.SKIPPED, Duration.ZERO, List.of(), Optional.empty()));
                continue;
            }
            events.info("==> image " + (i + 1) + " of " + images.size() + ": " + image.commandLine());
            long start = System.nanoTime();
            try {
                List<Path> outputs = builder.build(image);
                outcomes.add(new Outcome(image, BuildEvent.ImageStatus.BUILT, since(start), outputs, Optional.empty()));
            } catch (Interrupted e) {
                throw e;
            } catch (RuntimeException e) {
                outcomes.add(
                        new Outcome(image, BuildEvent.ImageStatus.FAILED, since(start), List.of(), Optional.of(e)));
                stop = stopOnFailure;
            }
        }
        events.emit(summary(outcomes));
        return outcomes;
    }

    static BuildEvent.ImagesSummary summary(List<Outcome> outcomes) {
        List<BuildEvent.ImageResult> rows = new ArrayList<>();
        for (Outcome o : outcomes) {
            rows.add(new BuildEvent.ImageResult(
                    o.image().name(),
                    o.image().command(),
                    o.status(),
                    o.took(),
                    o.outputs().stream().map(p -> p.getFileName().toString()).toList(),
                    o.failure().map(ImageQueue::firstLine).orElse("")));
        }
        return new BuildEvent.ImagesSummary(rows);
    }

    private static String firstLine(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse("");
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
