package io.jdib.blockdevice.partition;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One requested partition. {@code type} is a hex code (MBR: one byte like "83"; GPT: an sgdisk
 * code like "8300" or a type GUID); null means the label's default (83 / 8300). It is checked
 * against the label by {@link PartitionTableSpec}.
 */
public record PartitionSpec(String name, PartitionSize size, Set<Flag> flags, String type) {

    public PartitionSpec {
        if (name == null || name.isBlank()) {
            throw new PartitionSpecException("a partition has no name; give every partition a name");
        }
        Objects.requireNonNull(size, "size");
        flags = flags == null || flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    public PartitionSpec(String name, PartitionSize size, Flag... flags) {
        this(name, size, Set.of(flags), null);
    }

    public PartitionSpec withType(String newType) {
        return new PartitionSpec(name, size, flags, newType);
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
    }
}
