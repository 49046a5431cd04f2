package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An LVM stack: physical volumes on block devices, volume groups over them, logical volumes in
 * those. The node is the point where the whole stack is created; its PVs, VGs and LVs are graph
 * nodes of their own so filesystems can name an LV as their base.
 */
public record Lvm(
        String name,
        List<String> base,
        List<PhysicalVolume> pvs,
        List<VolumeGroup> vgs,
        List<LogicalVolume> lvs,
        SourcePosition position)
        implements NodeConfig {

    public Lvm {
        Objects.requireNonNull(name, "name");
        base = List.copyOf(base);
        pvs = List.copyOf(pvs);
        vgs = List.copyOf(vgs);
        lvs = List.copyOf(lvs);
        Objects.requireNonNull(position, "position");
    }

    /**
     * The explicit bases (DIB writes {@code base: [ root ]}; nested, the parent) and the devices
     * under the physical volumes.
     */
    @Override
    public List<String> bases() {
        Set<String> bases = new LinkedHashSet<>();
        bases.addAll(base);
        pvs.forEach(pv -> bases.add(pv.base()));
        return List.copyOf(bases);
    }

    @Override
    public NodeKind kind() {
        return NodeKind.LVM;
    }

    @Override
    public Lvm withPosition(SourcePosition p) {
        return new Lvm(
                name,
                base,
                pvs.stream().map(x -> x.withPosition(p)).toList(),
                vgs.stream().map(x -> x.withPosition(p)).toList(),
                lvs.stream().map(x -> x.withPosition(p)).toList(),
                p);
    }
}
