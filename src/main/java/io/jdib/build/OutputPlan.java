package io.jdib.build;

import io.jdib.hook.Phase;
import io.jdib.image.OutputRecipe;
import io.jdib.image.OutputRecipe.FinalTree;
import io.jdib.image.OutputType;
import io.jdib.ramdisk.RamdiskImage;
import io.jdib.ramdisk.RamdiskOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * How a build ends, as one list of named steps: the recipes its output types call for, and where
 * their steps fall among the finishing phases:
 *
 * <pre>
 *   [create disk]                  the disk recipe, when the build makes a disk
 *   pre-finalise.d                 on the host
 *   finalise.d                     in a chroot of the finished tree
 *   [write ramdisk]                recipes' steps before cleanup.d
 *   cleanup.d                      on the host
 *   write outputs | write tree outputs, [finish disk, convert disk image]
 * </pre>
 *
 * The finished tree is the build's own, or the disk's once it is made. The tree outputs' step is in
 * every plan (it writes nothing without tree outputs); the ramdisk recipe is in it for
 * {@link OutputType#RAMDISK}; the disk recipe for any disk type, unless no final image is made.
 */
final class OutputPlan implements AutoCloseable {
    /** Where a step runs: a hook phase on the host, one in a chroot of the tree, or a recipe's step. */
    enum Kind {
        HOST_PHASE,
        CHROOT_PHASE,
        RECIPE
    }

    /** One step of the plan, run on the finished tree as it is when the step starts. */
    record Entry(String name, Kind kind, Consumer<FinalTree> body) {}

    private final List<OutputRecipe> recipes;
    private final DiskOutputRecipe disk;
    private final FinalTree buildTree;
    private final List<Entry> entries = new ArrayList<>();

    /** The plan for {@code ctx}'s output types; {@code noFinalImage} leaves the disk out. */
    static OutputPlan of(BuildContext ctx, boolean noFinalImage) {
        List<OutputRecipe> recipes = new ArrayList<>();
        boolean makesDisk = ctx.spec().wantsDisk() && !noFinalImage;
        recipes.add(new TreeOutputRecipe(ctx, makesDisk));
        if (ctx.spec().types().contains(OutputType.RAMDISK)) {
            recipes.add(new RamdiskOutput(
                    ctx.spec().imageName(),
                    ctx.spec().environment(),
                    ctx.resolution().elements().stream()
                            .map(r -> new RamdiskImage.Source(
                                    r.name(), r.element().dir()))
                            .toList(),
                    ctx.spec().disk().checksum(),
                    ctx.events(),
                    ctx.partialOutputs()::add));
        }
        DiskOutputRecipe disk = makesDisk ? new DiskOutputRecipe(ctx) : null;
        if (disk != null) {
            recipes.add(disk);
        }
        return new OutputPlan(ctx, recipes, disk);
    }

    private OutputPlan(BuildContext ctx, List<OutputRecipe> recipes, DiskOutputRecipe disk) {
        this.recipes = List.copyOf(recipes);
        this.disk = disk;
        this.buildTree = new FinalTree(ctx.root(), ctx.work(), ctx.env(), false);
        if (disk != null) {
            recipe(ctx, disk.create());
        }
        entries.add(new Entry(
                Phase.PRE_FINALISE.dirName(),
                Kind.HOST_PHASE,
                tree -> ctx.phases().outside(Phase.PRE_FINALISE, tree.environment())));
        entries.add(new Entry(
                Phase.FINALISE.dirName(),
                Kind.CHROOT_PHASE,
                tree -> ctx.phases()
                        .inChroot(tree.root(), tree.environment(), List.of(PhaseRun.whole(Phase.FINALISE)))));
        recipes.forEach(r -> r.beforeCleanup().forEach(s -> recipe(ctx, s)));
        entries.add(new Entry(
                Phase.CLEANUP.dirName(),
                Kind.HOST_PHASE,
                tree -> ctx.phases().outside(Phase.CLEANUP, tree.environment())));
        recipes.forEach(r -> r.afterCleanup().forEach(s -> recipe(ctx, s)));
    }

    private void recipe(BuildContext ctx, OutputRecipe.Step step) {
        entries.add(new Entry(
                step.name(),
                Kind.RECIPE,
                tree -> ctx.steps().step(step.name(), () -> {
                    step.body().accept(tree);
                    return null;
                })));
    }

    /** The recipes, in the order their outputs are listed. */
    List<OutputRecipe> recipes() {
        return recipes;
    }

    /** The steps, in the order they run. */
    List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Runs every step, in order, each on the finished tree as it is then. */
    void run() {
        for (Entry entry : entries) {
            entry.body().accept(finishedTree());
        }
    }

    /** The tree the finishing steps work on: the disk's, once it is made, else the build's own. */
    FinalTree finishedTree() {
        return disk != null && disk.tree() != null ? disk.tree() : buildTree;
    }

    /** What the recipes wrote: tree outputs, then the ramdisk's files, then the disk images. */
    List<Path> outputs() {
        List<Path> all = new ArrayList<>();
        recipes.forEach(r -> all.addAll(r.outputs()));
        return all;
    }

    @Override
    public void close() {
        if (disk != null) {
            disk.close();
        }
    }
}
