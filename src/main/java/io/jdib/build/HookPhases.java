package io.jdib.build;

import io.jdib.chroot.Chroot;
import io.jdib.event.EventSink;
import io.jdib.hook.BreakPoints;
import io.jdib.hook.HookFailed;
import io.jdib.hook.HookRunner;
import io.jdib.hook.Phase;
import io.jdib.sys.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the elements' hooks of one phase (or part of one) as a timed step: outside, on the host, or
 * inside a chroot of a tree, with the shared apt archive cache offered to it, and DIB's
 * {@code break=} shells before and after.
 */
final class HookPhases implements Phases {
    private final EventSink events;
    private final HookRunner runner;
    private final Path hooksDir;
    private final Mounts mounts;
    private final HookRunner.Launcher outside;
    private final BreakPoints breakPoints;
    private final StepTimes steps;

    HookPhases(
            EventSink events,
            HookRunner runner,
            Path hooksDir,
            Mounts mounts,
            HookRunner.Launcher outside,
            BreakPoints breakPoints,
            StepTimes steps) {
        this.events = events;
        this.runner = runner;
        this.hooksDir = hooksDir;
        this.mounts = mounts;
        this.outside = outside;
        this.breakPoints = breakPoints;
        this.steps = steps;
    }

    @Override
    public Map<String, String> sourced(Map<String, String> env) {
        return runner.sourcedEnvironment(env);
    }

    @Override
    public void outside(Phase phase, Map<String, String> env) {
        phase(PhaseRun.whole(phase), env, outside, null);
    }

    /** Enters no chroot when none of the phases has a hook. */
    @Override
    public void inChroot(Path root, Map<String, String> env, List<PhaseRun> phases) {
        if (phases.stream().noneMatch(p -> hasHooks(hooksDir, p.phase()))) {
            return;
        }
        // The apt elements say where .deb files are shared between builds (debootstrap's
        // environment.d); empty or unset: not shared.
        String shared = runner.sourcedEnvironment(env)
                .getOrDefault(APT_ARCHIVE_CACHE, "")
                .trim();
        AptArchiveCache apt = shared.isEmpty() ? null : AptArchiveCache.forTree(root, Path.of(shared), events);
        if (apt != null) {
            apt.offer();
        }
        try (Chroot chroot = Chroot.enter(root, hooksDir, AptArchiveCache.binds(apt), mounts)) {
            HookRunner.Launcher inside = chroot.launcher(hooksDir);
            for (PhaseRun p : phases) {
                phase(p, env, inside, root);
            }
        } finally {
            if (apt != null && Mounts.mountedUnder(root.resolve("var/cache")).isEmpty()) {
                apt.collect();
            }
        }
    }

    private static boolean hasHooks(Path hooksDir, Phase phase) {
        Path dir = hooksDir.resolve(phase.dirName());
        try (var list = Files.list(dir)) {
            return list.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** The variable the apt elements set to the directory of .deb files shared between builds. */
    static final String APT_ARCHIVE_CACHE = "JDIB_APT_ARCHIVE_CACHE";

    /** Runs one phase or part; {@code chrootRoot} is the tree its hooks run in, null for outside phases. */
    private void phase(PhaseRun run, Map<String, String> env, HookRunner.Launcher launcher, Path chrootRoot) {
        if (run.begins()) {
            breakpoint(BreakPoints.before(run.phase()), env, chrootRoot);
        }
        steps.step(run.stepName(), () -> {
            try {
                runner.run(run.phase(), env, launcher, run::accepts);
            } catch (HookFailed e) {
                breakpoint(BreakPoints.AFTER_ERROR, env, chrootRoot);
                throw e;
            }
            return null;
        });
        if (run.ends()) {
            breakpoint(BreakPoints.after(run.phase()), env, chrootRoot);
        }
    }

    /**
     * DIB's break=POINT: a shell in the build's context (inside the chroot for chroot phases), with
     * the hooks' environment; the build goes on when it exits. Without a terminal there is no one
     * to type into it, so the build says so and goes on.
     */
    private void breakpoint(String point, Map<String, String> env, Path chrootRoot) {
        if (!breakPoints.has(point)) {
            return;
        }
        if (!terminalAttached()) {
            events.warn("break=" + point + ": no terminal attached, so no debug shell; going on");
            return;
        }
        events.info("break at " + point + ": starting a shell" + (chrootRoot == null ? "" : " in " + chrootRoot)
                + "; exit it to resume the build");
        List<String> argv = new ArrayList<>();
        if (chrootRoot != null) {
            argv.addAll(List.of("chroot", chrootRoot.toString(), "/usr/bin/env", "-i"));
            env.forEach((k, v) -> {
                if (!k.startsWith("BASH_FUNC_")) {
                    argv.add(k + "=" + v);
                }
            });
            argv.add("TMP_HOOKS_PATH=" + Chroot.IN_TARGET);
        }
        argv.addAll(List.of("/bin/bash", "-i"));
        ProcessBuilder shell = new ProcessBuilder(argv).inheritIO();
        shell.environment().clear();
        shell.environment().putAll(env);
        if (chrootRoot == null) {
            shell.directory(Path.of(env.get("TARGET_ROOT")).toFile());
        }
        try {
            shell.start().waitFor();
        } catch (IOException e) {
            events.warn("break=" + point + ": could not start a shell: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.info("resuming after " + point);
    }

    private static boolean terminalAttached() {
        try {
            return new ProcessBuilder("sh", "-c", "test -t 0 && test -t 1")
                            .redirectInput(ProcessBuilder.Redirect.INHERIT)
                            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
