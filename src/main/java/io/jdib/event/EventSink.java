package io.jdib.event;

/** Receives build events. Implementations must be thread-safe: output is streamed from reader threads. */
@FunctionalInterface
public interface EventSink {
    void emit(BuildEvent event);

    EventSink NONE = event -> {};

    default void info(String message) {
        emit(new BuildEvent.Info(message));
    }

    default void warn(String message) {
        emit(new BuildEvent.Warning(message));
    }

    default void debug(String message) {
        emit(new BuildEvent.Debug(message));
    }
}
