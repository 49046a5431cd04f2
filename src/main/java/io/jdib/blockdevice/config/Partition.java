package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One partition; {@code base} is the name of its {@link Partitioning}. {@code type} is the table
 * entry's type as written for sfdisk/sgdisk (default 0x83 on MBR, 8300 on GPT).
 */
public record Partition(String name, String base, SizeSpec size, Set<Flag> flags, String type, SourcePosition position)
        implements NodeConfig {

    /** Partition flags; both are MBR notions. */
    public enum Flag {
        BOOT,
        PRIMARY;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Partition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(size, "size");
        flags = Set.copyOf(flags);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(position, "position");
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
    }

    @Override
    public List<String> bases() {
        return List.of(base);
    }

    @Override
    public NodeKind kind() {
        return NodeKind.PARTITION;
    }

    @Override
    public Partition withPosition(SourcePosition p) {
        return new Partition(name, base, size, flags, type, p);
    }
}
