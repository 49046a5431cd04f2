package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.List;
import java.util.Objects;

/** Mounts filesystem {@code base} at {@code mountPoint} (absolute, or "none" for swap). */
public record Mount(String name, String base, String mountPoint, SourcePosition position) implements NodeConfig {

    public Mount {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(position, "position");
    }

    @Override
    public List<String> bases() {
        return List.of(base);
    }

    @Override
    public NodeKind kind() {
        return NodeKind.MOUNT;
    }

    @Override
    public Mount withPosition(SourcePosition p) {
        return new Mount(name, base, mountPoint, p);
    }
}
