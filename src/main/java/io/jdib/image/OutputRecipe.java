package io.jdib.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How one kind of output is made from a build's finished tree, as named steps the build runs at
 * two points: after finalise.d (before cleanup.d), and after cleanup.d. The build picks its recipes
 * from its {@link OutputType}s and runs their steps in a fixed order; it makes no other choice about
 * outputs.
 */
public interface OutputRecipe {
    /**
     * The finished tree the outputs are made from: the build's own tree, or the disk image's, mounted
     * ({@code onDisk}: then other filesystems, such as an EFI partition, are mounted inside it).
     * {@code environment} is what the hooks that finish it see.
     */
    record FinalTree(Path root, Path work, Map<String, String> environment, boolean onDisk) {}

    /** One named step of a recipe; the build times it under that name and runs it on the finished tree. */
    record Step(String name, Consumer<FinalTree> body) {}

    /** Steps that run after finalise.d, before cleanup.d's hooks (which may read what they wrote). */
    default List<Step> beforeCleanup() {
        return List.of();
    }

    /** Steps that run after cleanup.d. */
    default List<Step> afterCleanup() {
        return List.of();
    }

    /** The files the recipe's steps wrote, in the order written; empty until they ran. */
    List<Path> outputs();
}
