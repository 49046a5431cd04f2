package io.jdib.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.element.ElementResolution;
import io.jdib.event.BuildEvent;
import io.jdib.event.EventSink;
import io.jdib.hook.Phase;
import io.jdib.image.OutputType;
import io.jdib.ramdisk.RamdiskOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which output recipes a build's {@code -t} set calls for, and the order of the steps that finish
 * a tree-only, a disk, a ramdisk and a no-final-image build; the steps run in that order, through a
 * recording stand-in for the hook phases (no root, no hooks run).
 */
class OutputPlanTest {
    @TempDir
    Path dir;

    /** What ran, in order: the recording phases' calls and the timed steps' starts, as one list. */
    private final List<String> ran = new ArrayList<>();

    private final Phases recordingPhases = new Phases() {
        @Override
        public void outside(Phase phase, Map<String, String> env) {
            ran.add("host " + phase.dirName() + " TARGET_ROOT=" + env.get("TARGET_ROOT"));
        }

        @Override
        public void inChroot(Path root, Map<String, String> env, List<PhaseRun> phases) {
            phases.forEach(p -> ran.add("chroot " + p.stepName() + " in " + root));
        }

        @Override
        public Map<String, String> sourced(Map<String, String> env) {
            return env;
        }
    };

    private BuildContext context(OutputType... types) {
        BuildSpec spec = BuildSpec.builder()
                .elements(List.of("debian-minimal"))
                .jdibHome(dir.resolve("jdib"))
                .imageName(dir.resolve("out/image"))
                .outputTypes(List.of(types))
                .build();
        Path work = dir.resolve("work");
        Path root = work.resolve("built");
        Map<String, String> env = new TreeMap<>(Map.of("TARGET_ROOT", root.toString()));
        EventSink events = event -> {
            if (event instanceof BuildEvent.StepStarted started) {
                ran.add("step " + started.step());
            }
        };
        return new BuildContext(
                spec,
                events,
                new ElementResolution(List.of(), Map.of()),
                null,
                work,
                root,
                work.resolve("hooks"),
                null,
                env,
                null,
                new StepTimes(events),
                recordingPhases,
                ConcurrentHashMap.newKeySet());
    }

    private static List<String> steps(OutputPlan plan) {
        return plan.entries().stream()
                .map(e -> e.name() + " (" + e.kind() + ")")
                .toList();
    }

    private static List<Class<?>> recipes(OutputPlan plan) {
        return plan.recipes().stream().<Class<?>>map(Object::getClass).toList();
    }

    @Test
    void treeOnlyBuildFinishesItsOwnTreeAndWritesTheTreeOutputsAfterCleanup() {
        OutputPlan plan = OutputPlan.of(context(OutputType.TAR, OutputType.SQUASHFS), false);

        assertThat(recipes(plan)).containsExactly(TreeOutputRecipe.class);
        assertThat(steps(plan))
                .containsExactly(
                        "pre-finalise.d (HOST_PHASE)",
                        "finalise.d (CHROOT_PHASE)",
                        "cleanup.d (HOST_PHASE)",
                        "write outputs (RECIPE)");
        assertThat(plan.finishedTree().onDisk()).isFalse();
    }

    @Test
    void diskBuildMakesTheDiskFirstAndWritesTreeOutputsFromItBeforeFinishingIt() {
        OutputPlan plan = OutputPlan.of(context(OutputType.QCOW2, OutputType.TAR, OutputType.VHD), false);

        assertThat(recipes(plan)).containsExactly(TreeOutputRecipe.class, DiskOutputRecipe.class);
        assertThat(steps(plan))
                .containsExactly(
                        "create disk (RECIPE)",
                        "pre-finalise.d (HOST_PHASE)",
                        "finalise.d (CHROOT_PHASE)",
                        "cleanup.d (HOST_PHASE)",
                        "write tree outputs (RECIPE)",
                        "finish disk (RECIPE)",
                        "convert disk image (RECIPE)");
    }

    @Test
    void ramdiskIsWrittenAfterFinaliseAndBeforeCleanup() {
        OutputPlan plan = OutputPlan.of(context(OutputType.RAMDISK), false);

        assertThat(recipes(plan)).containsExactly(TreeOutputRecipe.class, RamdiskOutput.class);
        assertThat(steps(plan))
                .containsExactly(
                        "pre-finalise.d (HOST_PHASE)",
                        "finalise.d (CHROOT_PHASE)",
                        RamdiskOutput.STEP + " (RECIPE)",
                        "cleanup.d (HOST_PHASE)",
                        "write outputs (RECIPE)");
    }

    @Test
    void noFinalImageLeavesTheDiskRecipeOutAndFinishesTheBuildsOwnTree() {
        OutputPlan plan = OutputPlan.of(context(OutputType.QCOW2, OutputType.TGZ), true);

        assertThat(recipes(plan)).containsExactly(TreeOutputRecipe.class);
        assertThat(steps(plan))
                .containsExactly(
                        "pre-finalise.d (HOST_PHASE)",
                        "finalise.d (CHROOT_PHASE)",
                        "cleanup.d (HOST_PHASE)",
                        "write outputs (RECIPE)");
    }

    @Test
    void runRunsTheStepsInOrderOnTheBuildsTree() throws IOException {
        BuildContext ctx = context(OutputType.QCOW2);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        try (OutputPlan plan = OutputPlan.of(ctx, true)) {
            plan.run();

            assertThat(plan.outputs()).isEmpty();
        }

        assertThat(ran)
                .containsExactly(
                        "host pre-finalise.d TARGET_ROOT=" + ctx.root(),
                        "chroot finalise.d in " + ctx.root(),
                        "host cleanup.d TARGET_ROOT=" + ctx.root(),
                        "step write outputs");
        try (Stream<Path> written = Files.list(out)) {
            assertThat(written).isEmpty();
        }
    }

    @Test
    void aFailingPhaseStopsThePlanBeforeTheOutputs() {
        BuildContext ctx = context(OutputType.TAR);
        Phases failing = new Phases() {
            @Override
            public void outside(Phase phase, Map<String, String> env) {
                recordingPhases.outside(phase, env);
            }

            @Override
            public void inChroot(Path root, Map<String, String> env, List<PhaseRun> phases) {
                throw new IllegalStateException("finalise.d hook failed");
            }

            @Override
            public Map<String, String> sourced(Map<String, String> env) {
                return env;
            }
        };
        BuildContext failingCtx = new BuildContext(
                ctx.spec(),
                ctx.events(),
                ctx.resolution(),
                null,
                ctx.work(),
                ctx.root(),
                ctx.hooksDir(),
                null,
                ctx.env(),
                null,
                ctx.steps(),
                failing,
                ctx.partialOutputs());
        OutputPlan plan = OutputPlan.of(failingCtx, false);

        org.assertj.core.api.Assertions.assertThatThrownBy(plan::run).hasMessage("finalise.d hook failed");
        assertThat(ran).containsExactly("host pre-finalise.d TARGET_ROOT=" + ctx.root());
        assertThat(plan.outputs()).isEmpty();
    }
}
