package io.jdib.blockdevice.lvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.blockdevice.lvm.LvmPlanner.LvRequest;
import io.jdib.blockdevice.lvm.LvmPlanner.PvRequest;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LvmPlannerTest {

    static final long MIB = 1L << 20;
    static final long EXT = LvmPlanner.DEFAULT_EXTENT_BYTES;

    private static VgLayout plan(List<PvRequest> pvs, LvRequest... lvs) throws LvmPlanException {
        return LvmPlanner.plan("vg", EXT, pvs, List.of(lvs), new Random(7));
    }

    @Test
    void extentsStartAfterTheFirstMibAndLvsFollowEachOther() throws Exception {
        VgLayout vg = plan(
                List.of(new PvRequest("pv", 401 * MIB)),
                new LvRequest("a", LvSize.size("10M")),
                new LvRequest("b", LvSize.extents("10")));
        assertThat(vg.pvs().get(0).peCount()).isEqualTo(100);
        assertThat(vg.lv("a").orElseThrow().extents())
                .as("10 MiB rounds up to 3 extents")
                .isEqualTo(3);
        assertThat(vg.range("a")).contains(new VgLayout.Range("pv", MIB, 3 * EXT));
        assertThat(vg.range("b")).contains(new VgLayout.Range("pv", MIB + 3 * EXT, 10 * EXT));
        assertThat(vg.freeExtents()).isEqualTo(87);
    }

    @Test
    void percentOfVgIsOfAllExtentsAndPercentOfFreeOfWhatIsLeft() throws Exception {
        VgLayout vg = plan(
                List.of(new PvRequest("pv", 401 * MIB)),
                new LvRequest("root", LvSize.extents("23%VG")),
                new LvRequest("var", LvSize.extents("50%FREE")),
                new LvRequest("home", LvSize.extents("100%FREE")));
        assertThat(vg.lv("root").orElseThrow().extents()).isEqualTo(23);
        assertThat(vg.lv("var").orElseThrow().extents())
                .as("half of 77, rounded down")
                .isEqualTo(38);
        assertThat(vg.lv("home").orElseThrow().extents()).isEqualTo(39);
        assertThat(vg.freeExtents()).isZero();
    }

    @Test
    void dibsEfiLvmPercentagesFillTheVg() throws Exception {
        VgLayout vg = plan(
                List.of(new PvRequest("pv", 4096 * MIB)),
                new LvRequest("lv_root", LvSize.extents("23%VG")),
                new LvRequest("lv_var", LvSize.extents("57%VG")),
                new LvRequest("lv_home", LvSize.extents("20%VG")));
        assertThat(vg.freeExtents()).isLessThanOrEqualTo(2);
        assertThat(vg.lvs()).allSatisfy(lv -> assertThat(lv.segments()).hasSize(1));
    }

    @Test
    void anLvThatDoesNotFitOnOnePvContinuesOnTheNext() throws Exception {
        VgLayout vg = plan(
                List.of(new PvRequest("pv0", 41 * MIB), new PvRequest("pv1", 41 * MIB)),
                new LvRequest("a", LvSize.extents("6")),
                new LvRequest("b", LvSize.extents("100%FREE")));
        assertThat(vg.lv("b").orElseThrow().segments())
                .containsExactly(new VgLayout.Segment(0, 4, "pv0", 6), new VgLayout.Segment(4, 10, "pv1", 0));
        assertThat(vg.range("b")).as("two segments are no single range").isEmpty();
    }

    @Test
    void anLvLargerThanTheVgIsRefusedByName() {
        assertThatThrownBy(() -> plan(List.of(new PvRequest("pv", 101 * MIB)), new LvRequest("big", LvSize.size("2G"))))
                .isInstanceOf(LvmPlanException.class)
                .hasMessageContaining("lv 'big' needs 512 extents (2048 MiB) but vg 'vg' has 25 free")
                .satisfies(e -> assertThat(((LvmPlanException) e).lv()).isEqualTo("big"));
    }

    @Test
    void aPvTooSmallForOneExtentIsRefused() {
        assertThatThrownBy(() -> plan(List.of(new PvRequest("tiny", 2 * MIB))))
                .isInstanceOf(LvmPlanException.class)
                .hasMessageContaining("pv 'tiny'");
    }

    @Test
    void sizesParseAsLvcreateTakesThem() {
        assertThat(LvSize.size("1800M")).isEqualTo(new LvSize.Bytes(1800 * MIB));
        assertThat(LvSize.size("1800")).isEqualTo(new LvSize.Bytes(1800 * MIB));
        assertThat(LvSize.size("2g")).isEqualTo(new LvSize.Bytes(2048 * MIB));
        assertThat(LvSize.size("1.5GiB")).isEqualTo(new LvSize.Bytes(1536 * MIB));
        assertThat(LvSize.extents("23%VG")).isEqualTo(new LvSize.Percent(23, LvSize.Of.VG));
        assertThat(LvSize.extents("100%free")).isEqualTo(new LvSize.Percent(100, LvSize.Of.FREE));
        assertThat(LvSize.extents("12")).isEqualTo(new LvSize.Extents(12));
        assertThatThrownBy(() -> LvSize.extents("120%VG")).hasMessageContaining("1 to 100");
        assertThatThrownBy(() -> LvSize.size("lots")).hasMessageContaining("not a size");
    }
}
