package io.jdib.build;

import io.jdib.image.OutputRecipe;
import io.jdib.image.OutputType;
import io.jdib.image.SquashfsOutput;
import io.jdib.image.TreeOutputRequest;
import io.jdib.image.TreeOutputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The recipe of the tree outputs (tar, tgz, squashfs, docker, oci): written by {@link TreeOutputs}
 * from the finished tree after cleanup.d. Its step runs in every build, writing nothing when no
 * tree output is asked for, so that every build's timings name it.
 */
final class TreeOutputRecipe implements OutputRecipe {
    /** The step's name when the tree is the build's own. */
    static final String STEP = "write outputs";
    /** The step's name when the tree is the disk image's, mounted. */
    static final String STEP_FROM_DISK = "write tree outputs";

    private final BuildContext ctx;
    private final boolean fromDisk;
    private final List<Path> outputs = new ArrayList<>();

    TreeOutputRecipe(BuildContext ctx, boolean fromDisk) {
        this.ctx = ctx;
        this.fromDisk = fromDisk;
    }

    @Override
    public List<Step> afterCleanup() {
        return List.of(new Step(fromDisk ? STEP_FROM_DISK : STEP, this::write));
    }

    /**
     * The build's own tree is one filesystem; a mounted disk may hold others (an EFI partition)
     * that belong in the outputs.
     */
    private void write(FinalTree tree) {
        BuildSpec spec = ctx.spec();
        List<OutputType> types =
                spec.types().stream().filter(OutputType::isTree).toList();
        if (types.isEmpty()) {
            return;
        }
        TreeOutputRequest request = new TreeOutputRequest(
                tree.root(),
                spec.imageName(),
                types,
                tree.work(),
                !tree.onDisk(),
                spec.wantsContainer() ? spec.containerConfig() : null,
                spec.environment().get(SquashfsOutput.COMPRESSION_VARIABLE),
                spec.disk().checksum(),
                spec.container().dockerImport());
        ctx.partialOutputs().addAll(TreeOutputs.partials(request));
        OldOutputs.keep(request.types().stream().map(request::target).toList(), spec.environment(), ctx.events());
        outputs.addAll(new TreeOutputs(ctx.events()).write(request));
    }

    @Override
    public List<Path> outputs() {
        return List.copyOf(outputs);
    }
}
