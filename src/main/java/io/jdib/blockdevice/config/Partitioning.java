package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.List;
import java.util.Objects;

/** A partition table on {@code base}; its partitions are graph nodes of their own. */
public record Partitioning(
        String name, String base, Label label, long align, List<Partition> partitions, SourcePosition position)
        implements NodeConfig {

    /** DIB's default alignment: 1 MiB, what modern partitioners use. */
    public static final long DEFAULT_ALIGN = 1024 * 1024;

    /** The partition table format. */
    public enum Label {
        MBR,
        GPT;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Partitioning {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(label, "label");
        partitions = List.copyOf(partitions);
        Objects.requireNonNull(position, "position");
    }

    @Override
    public List<String> bases() {
        return List.of(base);
    }

    @Override
    public NodeKind kind() {
        return NodeKind.PARTITIONING;
    }

    @Override
    public Partitioning withPosition(SourcePosition p) {
        return new Partitioning(
                name,
                base,
                label,
                align,
                partitions.stream().map(x -> x.withPosition(p)).toList(),
                p);
    }
}
