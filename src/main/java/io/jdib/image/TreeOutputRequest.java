package io.jdib.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to make of one finished tree: {@code NAME.EXT} for each tree type asked.
 *
 * @param tree          the final tree (the build's tree, or the disk's mounted root)
 * @param name          the output name without extension ({@code -o NAME})
 * @param types         the tree types wanted, in {@code -t} order: tar, tgz, squashfs, docker, oci
 * @param scratch       a directory for the intermediate layer tar and gzip (the build's work directory)
 * @param oneFileSystem the tree must hold no mounts (a tree-only build); with a disk, its filesystems are
 *                      mounted in the tree and are part of it
 * @param container     the image config for docker and oci, or null when neither is wanted
 * @param squashfsCompression mksquashfs's compressor ({@link SquashfsOutput#compression})
 * @param checksum      also write {@code .sha256} and {@code .md5} of each output ({@code --checksum})
 * @param dockerImport  load the docker archive into a running docker engine ({@code --docker-import})
 */
public record TreeOutputRequest(
        Path tree,
        Path name,
        List<OutputType> types,
        Path scratch,
        boolean oneFileSystem,
        ContainerConfig container,
        String squashfsCompression,
        boolean checksum,
        boolean dockerImport) {

    public TreeOutputRequest {
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scratch, "scratch");
        List<OutputType> unique = new ArrayList<>();
        for (OutputType type : types) {
            if (!type.isTree()) {
                throw new IllegalArgumentException("not a tree output type: " + type);
            }
            if (!unique.contains(type)) {
                unique.add(type);
            }
        }
        types = List.copyOf(unique);
        if (container == null && types.stream().anyMatch(OutputType::isContainer)) {
            throw new IllegalArgumentException("docker and oci outputs need a container config");
        }
        squashfsCompression = SquashfsOutput.compression(squashfsCompression);
    }

    /** Where the output of {@code type} goes. */
    public Path target(OutputType type) {
        return name.resolveSibling(name.getFileName() + "." + type.extension());
    }

    /** The build's manifests directory, {@code NAME.d}, where the digests are recorded. */
    public Path manifestsDir() {
        return name.resolveSibling(name.getFileName() + ".d");
    }
}
