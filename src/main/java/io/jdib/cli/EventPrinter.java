package io.jdib.cli;

import io.jdib.event.BuildEvent;
import io.jdib.event.EventSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders build events for people: the terminal, and the --logfile with timestamps. */
final class EventPrinter implements EventSink, AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final PrintWriter out;
    private final boolean trace;
    private final Writer log;
    private final java.util.Map<String, Integer> progress = new java.util.HashMap<>();

    EventPrinter(PrintWriter out, boolean trace, Path logfile) {
        this.out = out;
        this.trace = trace;
        try {
            this.log = logfile == null ? null : Files.newBufferedWriter(logfile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new io.jdib.sys.UserError("cannot write log file " + logfile + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized void emit(BuildEvent event) {
        String text = render(event);
        if (event instanceof BuildEvent.Debug d && log != null) {
            logLine("debug: " + d.message());
        }
        if (text == null) {
            return;
        }
        out.println(text);
        out.flush();
        if (!(event instanceof BuildEvent.Debug)) {
            logLine(text);
        }
    }

    private String render(BuildEvent event) {
        if (event instanceof BuildEvent.StepStarted s) {
            return "==> " + s.step();
        } else if (event instanceof BuildEvent.StepFinished f) {
            return f.ok() ? null : "<== " + f.step() + " failed after " + seconds(f.took());
        } else if (event instanceof BuildEvent.OutputLine l) {
            return "  [" + l.source() + "] " + l.line();
        } else if (event instanceof BuildEvent.PhaseTimings t) {
            return timings(t);
        } else if (event instanceof BuildEvent.Warning w) {
            return "warning: " + w.message();
        } else if (event instanceof BuildEvent.Info i) {
            return i.message();
        } else if (event instanceof BuildEvent.Debug d) {
            return trace ? "debug: " + d.message() : null;
        } else if (event instanceof BuildEvent.Progress p) {
            // qemu-img reports every percent; a line per quarter is enough to follow.
            int quarter = p.percent() / 25;
            Integer last = progress.put(p.task(), quarter);
            return last != null && last == quarter ? null : "    " + p.task() + ": " + p.percent() + "%";
        } else if (event instanceof BuildEvent.OutputWritten o) {
            return "wrote " + o.path() + " (" + human(o.bytes()) + ")";
        } else if (event instanceof BuildEvent.ImagesSummary s) {
            return summary(s);
        }
        return null; // HookFinished: its time is in the phase table
    }

    private void logLine(String text) {
        if (log == null) {
            return;
        }
        try {
            String stamp = LocalTime.now(java.time.ZoneId.systemDefault()).format(TIME);
            for (String line : text.split("\n")) {
                log.write(stamp + " " + line + "\n");
            }
            log.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void line(String text) {
        synchronized (this) {
            out.println(text);
            out.flush();
            logLine(text);
        }
    }

    private static String timings(BuildEvent.PhaseTimings t) {
        StringBuilder b = new StringBuilder("    " + t.phase() + " timings:");
        for (BuildEvent.ScriptTiming s : t.scripts()) {
            b.append(String.format("%n    %8s  %s/%s", seconds(s.took()), s.element(), s.script()));
        }
        return b.toString();
    }

    /** One row per image: name, command, result, time, and its outputs or why it failed. */
    static String summary(BuildEvent.ImagesSummary s) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"image", "command", "result", "time", "outputs"});
        int built = 0;
        for (BuildEvent.ImageResult r : s.images()) {
            built += r.status() == BuildEvent.ImageStatus.BUILT ? 1 : 0;
            rows.add(new String[] {
                r.image(),
                r.command(),
                switch (r.status()) {
                    case BUILT -> "built";
                    case FAILED -> "FAILED";
                    case SKIPPED -> "skipped";
                },
                r.status() == BuildEvent.ImageStatus.SKIPPED ? "-" : seconds(r.took()),
                r.status() == BuildEvent.ImageStatus.FAILED ? r.error() : String.join(", ", r.outputs())
            });
        }
        int[] width = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder("images:");
        for (String[] row : rows) {
            b.append(String.format(
                            Locale.ROOT,
                            "%n  %-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %" + width[3] + "s  %s",
                            (Object[]) row)
                    .stripTrailing());
        }
        b.append(String.format(
                Locale.ROOT, "%n%d of %d images built", built, s.images().size()));
        return b.toString();
    }

    static String seconds(java.time.Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    static String human(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    @Override
    public void close() {
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
