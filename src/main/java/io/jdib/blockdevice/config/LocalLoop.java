package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An image file attached as a loop device. Without a size, the build's image size is used;
 * without a directory, the build's image directory.
 */
public record LocalLoop(
        String name, OptionalLong size, Optional<String> directory, long blockSize, SourcePosition position)
        implements NodeConfig {

    public static final long DEFAULT_BLOCK_SIZE = 512;

    public LocalLoop {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(position, "position");
    }

    @Override
    public List<String> bases() {
        return List.of();
    }

    @Override
    public NodeKind kind() {
        return NodeKind.LOCAL_LOOP;
    }

    @Override
    public LocalLoop withPosition(SourcePosition p) {
        return new LocalLoop(name, size, directory, blockSize, p);
    }
}
