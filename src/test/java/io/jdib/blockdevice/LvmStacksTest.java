package io.jdib.blockdevice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.blockdevice.config.BlockDeviceConfig;
import io.jdib.blockdevice.config.BlockDeviceConfigException;
import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.blockdevice.lvm.VgLayout;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Volume groups laid out on the sizes the partition plan gives, without root. */
class LvmStacksTest {

    static final long MIB = 1L << 20;

    static BlockDeviceGraph parse(String name) throws Exception {
        try (InputStream in = LvmStacksTest.class.getResourceAsStream("config/" + name)) {
            return BlockDeviceConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
        }
    }

    @Test
    void anLvLargerThanWhatIsLeftOfItsVgIsRefusedAtTheLv() throws Exception {
        BlockDeviceGraph g = parse("errors/lvm-lv-too-big.yaml");
        assertThatThrownBy(() -> LvmStacks.plan(g, Map.of("root", 1022 * MIB), new Random(1)))
                .isInstanceOf(BlockDeviceConfigException.class)
                .hasMessage("errors/lvm-lv-too-big.yaml:21:9: lv 'lv_var' needs 512 extents (2048 MiB)"
                        + " but vg 'vg' has 105 free of 255 (420 MiB); make it smaller or the vg's pvs larger");
    }

    @Test
    void twoPvsWithAnExtentSizeFromTheVgOptions() throws Exception {
        BlockDeviceGraph g = parse("lvm-two-pvs.yaml");
        List<VgLayout> vgs = LvmStacks.plan(g, Map.of("p1", 64 * MIB, "p2", 193 * MIB), new Random(1));
        VgLayout vg = vgs.get(0);
        assertThat(vg.extentBytes()).isEqualTo(8 * MIB);
        assertThat(vg.pvs()).extracting(VgLayout.Pv::peCount).containsExactly(7L, 24L);
        assertThat(vg.range("lv_a")).contains(new VgLayout.Range("pv1", MIB, 40 * MIB));
        // 26 extents left, half is 13: 2 after lv_a on pv1, 11 on pv2 (so the build refuses it).
        assertThat(vg.lv("lv_b").orElseThrow().segments())
                .extracting(VgLayout.Segment::count)
                .containsExactly(2L, 11L);
        assertThat(vg.range("lv_b")).isEmpty();
    }

    @Test
    void thinVolumesAreRefusedBeforeTheBuild() throws Exception {
        BlockDeviceGraph g = parse("lvm-thin.yaml");
        assertThatThrownBy(() -> BlockDevice.requireBuildable(g))
                .isInstanceOf(BlockDeviceConfigException.class)
                .hasMessageContaining("which jdib cannot write without device-mapper");
    }

    @Test
    void deviceMapperNamesDoubleDashes() {
        assertThat(BlockDevice.dmName("vg", "lv_root")).isEqualTo("/dev/mapper/vg-lv_root");
        assertThat(BlockDevice.dmName("my-vg", "lv-a")).isEqualTo("/dev/mapper/my--vg-lv--a");
    }
}
