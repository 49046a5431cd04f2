package io.jdib.blockdevice.lvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Lays out one volume group: each PV keeps its label and metadata area in its first MiB and
 * holds extents from there; LVs take extents in the order given, from the first PV with space,
 * so each LV is one contiguous range unless it must continue on the next PV.
 */
public final class LvmPlanner {

    /** LVM's default extent size, 4 MiB. */
    public static final long DEFAULT_EXTENT_BYTES = 4L << 20;
    /** Where the first extent starts on each PV, LVM's default 1 MiB. */
    public static final long PE_START_BYTES = 1L << 20;

    /** A PV to be: its name and the size of the device it is on. */
    public record PvRequest(String name, long deviceBytes) {
        public PvRequest {
            Objects.requireNonNull(name, "name");
        }
    }

    /** An LV to be: its name and size. */
    public record LvRequest(String name, LvSize size) {
        public LvRequest {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(size, "size");
        }
    }

    private LvmPlanner() {}

    public static VgLayout plan(
            String vg, long extentBytes, List<PvRequest> pvs, List<LvRequest> lvs, RandomGenerator ids)
            throws LvmPlanException {
        if (extentBytes < 4096 || Long.bitCount(extentBytes) != 1) {
            throw new LvmPlanException(
                    "",
                    "the extent size of vg '" + vg + "' is " + extentBytes + " bytes",
                    "use a power of two of at least 4 KiB, e.g. -s 4M");
        }
        List<VgLayout.Pv> placed = new ArrayList<>();
        for (PvRequest pv : pvs) {
            long count = (pv.deviceBytes() - PE_START_BYTES) / extentBytes;
            if (count < 1) {
                throw new LvmPlanException(
                        "",
                        "pv '" + pv.name() + "' is " + pv.deviceBytes()
                                + " bytes, too small for one " + (extentBytes >> 10) + " KiB extent after its 1 MiB"
                                + " of metadata",
                        "make its partition larger");
            }
            placed.add(new VgLayout.Pv(pv.name(), LvmId.random(ids), pv.deviceBytes(), PE_START_BYTES, count));
        }
        long total = placed.stream().mapToLong(VgLayout.Pv::peCount).sum();
        long[] used = new long[placed.size()];
        long free = total;
        List<VgLayout.Lv> out = new ArrayList<>();
        for (LvRequest lv : lvs) {
            long want = extents(lv.size(), extentBytes, total, free);
            if (want < 1) {
                throw new LvmPlanException(
                        lv.name(),
                        "lv '" + lv.name() + "' comes to 0 extents of vg '" + vg + "'",
                        "give it a larger size or percentage");
            }
            if (want > free) {
                throw new LvmPlanException(
                        lv.name(),
                        "lv '" + lv.name() + "' needs " + want + " extents ("
                                + mib(want * extentBytes) + ") but vg '" + vg + "' has " + free + " free of " + total
                                + " (" + mib(free * extentBytes) + ")",
                        "make it smaller or the vg's pvs larger");
            }
            List<VgLayout.Segment> segments = new ArrayList<>();
            long left = want;
            for (int i = 0; i < placed.size() && left > 0; i++) {
                long room = placed.get(i).peCount() - used[i];
                if (room == 0) {
                    continue;
                }
                long take = Math.min(room, left);
                segments.add(
                        new VgLayout.Segment(want - left, take, placed.get(i).name(), used[i]));
                used[i] += take;
                left -= take;
            }
            free -= want;
            out.add(new VgLayout.Lv(lv.name(), LvmId.random(ids), segments));
        }
        return new VgLayout(vg, LvmId.random(ids), extentBytes, placed, out);
    }

    static long extents(LvSize size, long extentBytes, long total, long free) {
        if (size instanceof LvSize.Bytes b) {
            return (b.bytes() + extentBytes - 1) / extentBytes;
        }
        if (size instanceof LvSize.Extents e) {
            return e.count();
        }
        LvSize.Percent p = (LvSize.Percent) size;
        long of = p.of() == LvSize.Of.FREE ? free : total;
        return of * p.percent() / 100;
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
