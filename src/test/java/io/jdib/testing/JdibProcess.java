package io.jdib.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs jdib as its own JVM, as a user would, so its exit code, output and signals are real. */
public final class JdibProcess {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private JdibProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::pump, "jdib-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The repository checkout: elements/, lib/, bin/. */
    public static Path home() {
        return Path.of(System.getProperty("jdib.home", ".")).toAbsolutePath().normalize();
    }

    public static Path testElements() {
        return home().resolve("src/test/resources/elements");
    }

    public static JdibProcess start(Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add("io.jdib.cli.Main");
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("JDIB_HOME", home().toString());
        // The run's own image cache (set by the build), never the user's, unless a test names one.
        String cache = System.getProperty("jdib.it.cache");
        if (cache != null && !cache.isBlank()) {
            builder.environment().put("DIB_IMAGE_CACHE", cache);
        }
        // Tests build from scratch unless they are about checkpoints (and say JDIB_CHECKPOINTS=1).
        builder.environment().put("JDIB_CHECKPOINTS", "0");
        builder.environment().putAll(env);
        try {
            return new JdibProcess(builder.start());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs to completion (at most {@code limit}) and returns the exit code. */
    public static Result run(Duration limit, Map<String, String> env, String... args) {
        JdibProcess p = start(env, args);
        int code = p.waitFor(limit);
        return new Result(code, p.output());
    }

    public record Result(int exitCode, String output) {}

    public long pid() {
        return process.pid();
    }

    public int waitFor(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                stop();
                throw new AssertionError("jdib did not finish within " + limit + "; output:\n" + output());
            }
            reader.join(10_000);
            return process.exitValue();
        } catch (InterruptedException e) {
            // The test gave up (its @Timeout): a build left running would go on using the host, and
            // a class that builds the same image next would build into the same directory.
            stop();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for jdib; output:\n" + output(), e);
        }
    }

    /** SIGTERM, so that jdib undoes what it made; SIGKILL when it has not ended a minute later. */
    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until a printed line matches, or fails the test. */
    public void awaitLine(Predicate<String> wanted, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (lines.stream().anyMatch(wanted)) {
                    return;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError(
                        "jdib exited (" + process.exitValue() + ") before the expected line:\n" + output());
            }
            sleep(200);
        }
        throw new AssertionError("expected line not printed within " + limit + ":\n" + output());
    }

    public void signal(String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .start()
                    .waitFor();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    private void pump() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // process ended
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
