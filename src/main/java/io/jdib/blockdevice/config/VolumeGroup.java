package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.List;
import java.util.Objects;

/** An LVM volume group over the physical volumes {@code bases}; {@code options} go to vgcreate. */
public record VolumeGroup(String name, List<String> bases, List<String> options, String lvm, SourcePosition position)
        implements NodeConfig {

    public VolumeGroup {
        Objects.requireNonNull(name, "name");
        bases = List.copyOf(bases);
        options = List.copyOf(options);
        Objects.requireNonNull(lvm, "lvm");
        Objects.requireNonNull(position, "position");
    }

    @Override
    public NodeKind kind() {
        return NodeKind.VOLUME_GROUP;
    }

    @Override
    public VolumeGroup withPosition(SourcePosition p) {
        return new VolumeGroup(name, bases, options, lvm, p);
    }
}
