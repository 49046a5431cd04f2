package io.jdib.sys;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs host programs. Long-running children get their own process group (via setsid) that is
 * written to the ledger, so an abort, or a later {@code jdib cleanup}, can stop all of their
 * descendants, not just the direct child.
 */
public final class Exec {
    private static final int TAIL_LINES = 20;

    private Exec() {}

    /** What to run. {@code env} is added to (or, with {@code cleanEnv}, replaces) the inherited environment. */
    public record Command(List<String> argv, Map<String, String> env, boolean cleanEnv, Path cwd, Duration timeout) {
        public Command {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("empty command");
            }
        }

        public static Command of(String... argv) {
            return new Command(List.of(argv), Map.of(), false, null, null);
        }

        public static Command of(List<String> argv) {
            return new Command(argv, Map.of(), false, null, null);
        }

        public Command withEnv(Map<String, String> extra) {
            Map<String, String> merged = new LinkedHashMap<>(env);
            merged.putAll(extra);
            return new Command(argv, merged, cleanEnv, cwd, timeout);
        }

        public Command withCleanEnv(Map<String, String> exact) {
            return new Command(argv, exact, true, cwd, timeout);
        }

        public Command in(Path dir) {
            return new Command(argv, env, cleanEnv, dir, timeout);
        }

        public Command timeout(Duration limit) {
            return new Command(argv, env, cleanEnv, cwd, limit);
        }

        public String display() {
            return String.join(" ", argv);
        }
    }

    /** How a command ended, with the last lines it printed (stdout and stderr interleaved). */
    public record Result(int exitCode, List<String> tail, String stdout) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs a command in its own process group, streaming each output line to {@code lines}.
     * The group is recorded in {@code ledger} while it runs (null: not recorded).
     */
    public static Result stream(Command command, Ledger ledger, Consumer<String> lines) {
        List<String> argv = new ArrayList<>();
        argv.add(Tools.require("setsid").toString());
        argv.addAll(command.argv());
        ProcessBuilder builder = builder(command, argv).redirectErrorStream(true);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = start(builder, command);
        Ledger.Entry group = ledger == null ? null : ledger.recordProcessGroup(process.pid());
        Deque<String> tail = new ArrayDeque<>();
        try {
            Thread reader = daemon(() -> pump(process.getInputStream(), line -> {
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
                lines.accept(line);
            }));
            int code = waitFor(process, command);
            reader.join();
            synchronized (tail) {
                return new Result(code, List.copyOf(tail), "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interrupted("interrupted while running " + command.display(), e);
        } finally {
            ProcessGroups.kill(process.pid());
            if (group != null) {
                group.markUndone();
            }
        }
    }

    /** Runs a short command and captures its stdout; stderr goes to the tail. */
    public static Result capture(Command command) {
        ProcessBuilder builder = builder(command, command.argv());
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = start(builder, command);
        StringBuilder out = new StringBuilder();
        Deque<String> err = new ArrayDeque<>();
        try {
            Thread errReader = daemon(() -> pump(process.getErrorStream(), line -> {
                synchronized (err) {
                    err.addLast(line);
                    if (err.size() > TAIL_LINES) {
                        err.removeFirst();
                    }
                }
            }));
            try (InputStream in = process.getInputStream()) {
                out.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            int code = waitFor(process, command);
            errReader.join();
            synchronized (err) {
                return new Result(code, List.copyOf(err), out.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new Interrupted("interrupted while running " + command.display(), e);
        }
    }

    /** Runs a command that must succeed; its stdout is returned. */
    public static String check(Command command) {
        Result result = capture(command);
        if (!result.ok()) {
            throw new EnvironmentError(command.display() + " failed with exit code " + result.exitCode()
                    + (result.tail().isEmpty() ? "" : ": " + String.join(" | ", result.tail())));
        }
        return result.stdout();
    }

    public static String check(String... argv) {
        return check(Command.of(argv));
    }

    private static ProcessBuilder builder(Command command, List<String> argv) {
        ProcessBuilder builder = new ProcessBuilder(argv);
        if (command.cleanEnv()) {
            builder.environment().clear();
        }
        builder.environment().putAll(command.env());
        if (command.cwd() != null) {
            builder.directory(command.cwd().toFile());
        }
        return builder;
    }

    private static Process start(ProcessBuilder builder, Command command) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new EnvironmentError("cannot run " + command.argv().get(0) + ": " + e.getMessage(), e);
        }
    }

    private static int waitFor(Process process, Command command) throws InterruptedException {
        if (command.timeout() == null) {
            return process.waitFor();
        }
        if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            ProcessGroups.kill(process.pid());
            process.waitFor();
            throw new EnvironmentError(command.display() + " did not finish within "
                    + command.timeout().toSeconds() + " s and was stopped");
        }
        return process.exitValue();
    }

    private static Thread daemon(Runnable body) {
        Thread thread = new Thread(body, "exec-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void pump(InputStream in, Consumer<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.accept(line);
            }
        } catch (IOException e) {
            // The child closed its end; nothing more to read.
        }
    }
}
