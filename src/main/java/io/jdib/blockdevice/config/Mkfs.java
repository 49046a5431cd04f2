package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A filesystem on block device {@code base}. {@code opts} are extra mkfs arguments as one
 * string (DIB splits them on spaces); {@code uuid} is set only where the config gives one.
 */
public record Mkfs(
        String name,
        String base,
        FsType type,
        String label,
        String opts,
        Optional<String> uuid,
        SourcePosition position)
        implements NodeConfig {

    /** The name DIB gives the root filesystem; build options such as FS_TYPE apply to it. */
    public static final String ROOT_NAME = "mkfs_root";

    public Mkfs {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(opts, "opts");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(position, "position");
    }

    @Override
    public List<String> bases() {
        return List.of(base);
    }

    @Override
    public NodeKind kind() {
        return NodeKind.MKFS;
    }

    @Override
    public Mkfs withPosition(SourcePosition p) {
        return new Mkfs(name, base, type, label, opts, uuid, p);
    }
}
