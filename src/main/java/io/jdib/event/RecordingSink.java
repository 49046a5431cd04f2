package io.jdib.event;

import java.util.ArrayList;
import java.util.List;

/** Keeps every event; for tests and for the CLI's log file. */
public final class RecordingSink implements EventSink {
    private final List<BuildEvent> events = new ArrayList<>();

    @Override
    public synchronized void emit(BuildEvent event) {
        events.add(event);
    }

    public synchronized List<BuildEvent> events() {
        return List.copyOf(events);
    }

    public <T extends BuildEvent> List<T> ofType(Class<T> type) {
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }
}
