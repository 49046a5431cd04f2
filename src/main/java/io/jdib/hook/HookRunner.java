package io.jdib.hook;

import io.jdib.event.BuildEvent;
import io.jdib.event.EventSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the hooks of one phase, one process group per hook, streaming their output as events. */
public final class HookRunner {
    /** How a hook is started: directly on the host, or through chroot. */
    public interface Launcher {
        /** The command line that runs {@code hook} with the phase's environment. */
        Exec.Command command(Hook hook, Map<String, String> env);
    }

    private final HookTree tree;
    private final Ledger ledger;
    private final EventSink events;
    /** Notes about skipped hooks, said once even when a phase runs in parts. */
    private final java.util.Set<String> warned = new java.util.HashSet<>();

    public HookRunner(HookTree tree, Ledger ledger, EventSink events) {
        this.tree = tree;
        this.ledger = ledger;
        this.events = events;
        installWrapper();
    }

    /** Path of the wrapper relative to the hook tree root. */
    public static String wrapperPath() {
        return HookTree.JDIB_DIR + "/run-hook";
    }

    private void installWrapper() {
        Path dir = tree.root().resolve(HookTree.JDIB_DIR);
        try (InputStream in = HookRunner.class.getResourceAsStream("run-hook")) {
            Files.createDirectories(dir);
            Path wrapper = dir.resolve("run-hook");
            Files.write(wrapper, in.readAllBytes());
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.write(dir.resolve("env-order"), tree.environmentFiles());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The variables a hook sees once the elements' environment.d files are sourced on top of
     * {@code env}: what elements tell jdib itself (no-final-image's JDIB_NO_FINAL_IMAGE) is read
     * here, so jdib does not need to know element names. Sourcing failures are reported by the
     * hooks that follow; here they yield {@code env} unchanged.
     */
    public Map<String, String> sourcedEnvironment(Map<String, String> env) {
        Exec.Result result = Exec.capture(
                Exec.Command.of("/bin/bash", tree.root().resolve(wrapperPath()).toString(), "/usr/bin/env", "-0")
                        .withCleanEnv(env));
        if (!result.ok()) {
            return env;
        }
        Map<String, String> sourced = new java.util.TreeMap<>();
        for (String entry : result.stdout().split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                sourced.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return sourced;
    }

    /** Runs every hook of {@code phase}; the first failure throws {@link HookFailed}. */
    public void run(Phase phase, Map<String, String> env, Launcher launcher) {
        run(phase, env, launcher, hook -> true);
    }

    /** Runs the hooks of {@code phase} that {@code which} accepts, in order. */
    public void run(Phase phase, Map<String, String> env, Launcher launcher, java.util.function.Predicate<Hook> which) {
        List<Hook> hooks = tree
                .hooks(phase, note -> {
                    if (warned.add(note)) {
                        events.warn(note);
                    }
                })
                .stream()
                .filter(which)
                .toList();
        if (hooks.isEmpty()) {
            return;
        }
        List<BuildEvent.ScriptTiming> timings = new ArrayList<>();
        for (Hook hook : hooks) {
            String source = hook.element() + "/" + hook.script();
            long start = System.nanoTime();
            Exec.Result result = Exec.stream(
                    launcher.command(hook, env), ledger, line -> events.emit(new BuildEvent.OutputLine(source, line)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            events.emit(new BuildEvent.HookFinished(
                    phase.dirName(), hook.element(), hook.script(), took, result.exitCode()));
            timings.add(new BuildEvent.ScriptTiming(hook.element(), hook.script(), took));
            if (!result.ok()) {
                events.emit(new BuildEvent.PhaseTimings(phase.dirName(), timings));
                throw new HookFailed(hook, result.exitCode(), result.tail());
            }
        }
        events.emit(new BuildEvent.PhaseTimings(phase.dirName(), timings));
    }
}
