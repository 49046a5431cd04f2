package io.jdib.blockdevice;

import io.jdib.blockdevice.config.BlockDeviceConfigException;
import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.blockdevice.config.LogicalVolume;
import io.jdib.blockdevice.config.Lvm;
import io.jdib.blockdevice.config.PhysicalVolume;
import io.jdib.blockdevice.config.VolumeGroup;
import io.jdib.blockdevice.lvm.LvSize;
import io.jdib.blockdevice.lvm.LvmPlanException;
import io.jdib.blockdevice.lvm.LvmPlanner;
import io.jdib.blockdevice.lvm.VgLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Lays out the volume groups of a graph's lvm nodes on devices of known size, so that every LV
 * jdib must reach is one contiguous range of its PV. What LVM could make only with device-mapper
 * at build time (thin pools and thin volumes) and what does not fit are config errors at the LV.
 */
final class LvmStacks {

    private LvmStacks() {}

    /**
     * The layout of every VG, in config order.
     *
     * @param deviceBytes the size of every block device a PV may be on, by node name
     */
    static List<VgLayout> plan(BlockDeviceGraph graph, Map<String, Long> deviceBytes, RandomGenerator ids) {
        List<VgLayout> out = new ArrayList<>();
        for (Lvm lvm : graph.nodes(Lvm.class)) {
            for (VolumeGroup vg : lvm.vgs()) {
                out.add(planVg(lvm, vg, deviceBytes, ids));
            }
        }
        return out;
    }

    private static VgLayout planVg(Lvm lvm, VolumeGroup vg, Map<String, Long> deviceBytes, RandomGenerator ids) {
        List<LvmPlanner.PvRequest> pvs = new ArrayList<>();
        for (String pvName : vg.bases()) {
            PhysicalVolume pv = lvm.pvs().stream()
                    .filter(p -> p.name().equals(pvName))
                    .findFirst()
                    .orElseThrow(() -> new BlockDeviceConfigException(
                            vg.position(),
                            vg.describe() + " is over pv '" + pvName + "', which is not a pv of " + lvm.describe(),
                            "name the pvs of the same lvm node"));
            Long size = deviceBytes.get(pv.base());
            if (size == null) {
                throw new BlockDeviceConfigException(
                        pv.position(),
                        pv.describe() + " is on '" + pv.base() + "', whose size is not known before it is made",
                        "put the pv on a partition or a local_loop");
            }
            pvs.add(new LvmPlanner.PvRequest(pv.name(), size));
        }
        List<LogicalVolume> members =
                lvm.lvs().stream().filter(l -> l.base().equals(vg.name())).toList();
        List<LvmPlanner.LvRequest> lvs = new ArrayList<>();
        for (LogicalVolume lv : members) {
            if (lv.type() != LogicalVolume.Type.PLAIN) {
                throw new BlockDeviceConfigException(
                        lv.position(),
                        lv.describe() + " is a " + lv.type().keyword() + " volume, which jdib cannot write"
                                + " without device-mapper",
                        "use plain (linear) lvs: leave out 'type' and 'thin-pool'");
            }
            try {
                LvSize size = lv.size().isPresent()
                        ? LvSize.size(lv.size().get())
                        : LvSize.extents(lv.extents().orElseThrow());
                lvs.add(new LvmPlanner.LvRequest(lv.name(), size));
            } catch (IllegalArgumentException e) {
                throw new BlockDeviceConfigException(
                        lv.position(), lv.describe() + ": " + e.getMessage(), "see lvcreate's -L and -l");
            }
        }
        try {
            return LvmPlanner.plan(vg.name(), extentBytes(vg), pvs, lvs, ids);
        } catch (LvmPlanException e) {
            LogicalVolume at = members.stream()
                    .filter(l -> l.name().equals(e.lv()))
                    .findFirst()
                    .orElse(null);
            throw new BlockDeviceConfigException(at == null ? vg.position() : at.position(), e.problem(), e.remedy());
        }
    }

    /** {@code -s SIZE} / {@code --physicalextentsize SIZE} among the VG's options; else 4 MiB. */
    static long extentBytes(VolumeGroup vg) {
        List<String> opts = vg.options();
        for (int i = 0; i < opts.size(); i++) {
            String o = opts.get(i);
            String value = null;
            if ((o.equals("-s") || o.equals("--physicalextentsize")) && i + 1 < opts.size()) {
                value = opts.get(i + 1);
            } else if (o.startsWith("--physicalextentsize=")) {
                value = o.substring(o.indexOf('=') + 1);
            }
            if (value != null) {
                try {
                    return ((LvSize.Bytes) LvSize.size(value)).bytes();
                } catch (IllegalArgumentException e) {
                    throw new BlockDeviceConfigException(
                            vg.position(),
                            "extent size '" + value + "' of " + vg.describe() + " is not a size",
                            "write e.g. -s 4M");
                }
            }
        }
        return LvmPlanner.DEFAULT_EXTENT_BYTES;
    }
}
