package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An LVM logical volume in volume group {@code base}. {@code size} and {@code extents} are
 * passed to lvcreate as written ({@code -L} and {@code -l} syntax); exactly one is set. A thin
 * volume names its thin pool.
 */
public record LogicalVolume(
        String name,
        String base,
        Optional<String> size,
        Optional<String> extents,
        List<String> options,
        Type type,
        Optional<String> thinPool,
        String lvm,
        SourcePosition position)
        implements NodeConfig {

    /** The LV's type: an ordinary volume, a thin pool, or a thin volume inside a pool. */
    public enum Type {
        PLAIN(""),
        THIN_POOL("thin-pool"),
        THIN("thin");

        private final String keyword;

        Type(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    public LogicalVolume {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(extents, "extents");
        if (size.isPresent() == extents.isPresent()) {
            throw new IllegalArgumentException("exactly one of size and extents: " + name);
        }
        options = List.copyOf(options);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(thinPool, "thinPool");
        if (thinPool.isPresent() != (type == Type.THIN)) {
            throw new IllegalArgumentException("a thin pool is named by thin volumes only: " + name);
        }
        Objects.requireNonNull(lvm, "lvm");
        Objects.requireNonNull(position, "position");
    }

    @Override
    public List<String> bases() {
        return List.of(base);
    }

    @Override
    public NodeKind kind() {
        return NodeKind.LOGICAL_VOLUME;
    }

    @Override
    public LogicalVolume withPosition(SourcePosition p) {
        return new LogicalVolume(name, base, size, extents, options, type, thinPool, lvm, p);
    }
}
