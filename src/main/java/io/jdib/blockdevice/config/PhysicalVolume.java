package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.List;
import java.util.Objects;

/** An LVM physical volume on block device {@code base}; {@code options} go to pvcreate. */
public record PhysicalVolume(String name, String base, List<String> options, String lvm, SourcePosition position)
        implements NodeConfig {

    public PhysicalVolume {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(base, "base");
        options = List.copyOf(options);
        Objects.requireNonNull(lvm, "lvm");
        Objects.requireNonNull(position, "position");
    }

    @Override
    public List<String> bases() {
        return List.of(base);
    }

    @Override
    public NodeKind kind() {
        return NodeKind.PHYSICAL_VOLUME;
    }

    @Override
    public PhysicalVolume withPosition(SourcePosition p) {
        return new PhysicalVolume(name, base, options, lvm, p);
    }
}
