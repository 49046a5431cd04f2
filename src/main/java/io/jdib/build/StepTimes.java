package io.jdib.build;

import io.jdib.event.BuildEvent;
import io.jdib.event.EventSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs a build's named steps: announces each one, times it and keeps the times, in the order the
 * steps ran, for the build's report ({@code build-times.json}).
 */
final class StepTimes {
    private final EventSink events;
    private final List<BuildReport.StepTime> times = new ArrayList<>();

    StepTimes(EventSink events) {
        this.events = events;
    }

    /** Runs {@code body} as the step {@code name} and returns what it returned. */
    <T> T step(String name, Supplier<T> body) {
        events.emit(new BuildEvent.StepStarted(name));
        long start = System.nanoTime();
        boolean ok = false;
        try {
            T result = body.get();
            ok = true;
            return result;
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            times.add(new BuildReport.StepTime(name, took));
            events.emit(new BuildEvent.StepFinished(name, took, ok));
        }
    }

    /** The steps run so far, in order. */
    List<BuildReport.StepTime> times() {
        return List.copyOf(times);
    }
}
