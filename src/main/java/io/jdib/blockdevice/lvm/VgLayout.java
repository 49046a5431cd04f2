package io.jdib.blockdevice.lvm;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A volume group laid out on its physical volumes: where each PV's extents start and how many it
 * has, and which extents each logical volume holds.
 */
public record VgLayout(String name, LvmId id, long extentBytes, List<Pv> pvs, List<Lv> lvs) {

    public VgLayout {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        pvs = List.copyOf(pvs);
        lvs = List.copyOf(lvs);
    }

    /** A physical volume: its device size, where its first extent starts, how many extents. */
    public record Pv(String name, LvmId id, long deviceBytes, long peStartBytes, long peCount) {
        public Pv {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(id, "id");
        }
    }

    /** Extents {@code [startExtent, startExtent + count)} of an LV on {@code pv} from {@code pvExtent}. */
    public record Segment(long startExtent, long count, String pv, long pvExtent) {}

    /** A logical volume: its segments in order. */
    public record Lv(String name, LvmId id, List<Segment> segments) {
        public Lv {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(id, "id");
            segments = List.copyOf(segments);
        }

        public long extents() {
            return segments.stream().mapToLong(Segment::count).sum();
        }
    }

    /** Where an LV's bytes lie on one PV, when the LV is one contiguous range. */
    public record Range(String pv, long offset, long length) {}

    public Pv pv(String pvName) {
        return pvs.stream()
                .filter(p -> p.name().equals(pvName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pv " + pvName + " in " + name));
    }

    public Optional<Lv> lv(String lvName) {
        return lvs.stream().filter(l -> l.name().equals(lvName)).findFirst();
    }

    /** The LV's single byte range on its PV; empty if it spans more than one segment. */
    public Optional<Range> range(String lvName) {
        Lv lv = lv(lvName).orElseThrow(() -> new IllegalArgumentException("no lv " + lvName));
        if (lv.segments().size() != 1) {
            return Optional.empty();
        }
        Segment s = lv.segments().get(0);
        Pv pv = pv(s.pv());
        return Optional.of(
                new Range(pv.name(), pv.peStartBytes() + s.pvExtent() * extentBytes, s.count() * extentBytes));
    }

    public long extentCount() {
        return pvs.stream().mapToLong(Pv::peCount).sum();
    }

    public long freeExtents() {
        return extentCount() - lvs.stream().mapToLong(Lv::extents).sum();
    }
}
