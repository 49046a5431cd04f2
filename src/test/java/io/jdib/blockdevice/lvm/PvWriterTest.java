package io.jdib.blockdevice.lvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte layout of a PV. The checksums below are those of a 64 MiB PV that lvm2 2.03.16's
 * {@code pvck --dump headers} and {@code vgck} accepted; java.util.Random's sequence is fixed by
 * its specification, so the ids (and with them the checksums) are the same on every JDK.
 */
class PvWriterTest {

    static final long SIZE = 64L << 20;

    static VgLayout sample() throws LvmPlanException {
        return LvmPlanner.plan(
                "vg",
                LvmPlanner.DEFAULT_EXTENT_BYTES,
                List.of(new LvmPlanner.PvRequest("pv0", SIZE)),
                List.of(
                        new LvmPlanner.LvRequest("lv_root", LvSize.size("20M")),
                        new LvmPlanner.LvRequest("lv_var", LvSize.extents("50%FREE"))),
                new Random(1));
    }

    static String sampleText(VgLayout vg) {
        return VgText.render(vg, 1, Map.of("pv0", "/dev/loop9"), new VgText.Origin("jdib", 1700000000L));
    }

    @Test
    void crcStartsFromLvmsInitialValueWithoutInversion() {
        assertThat(LvmCrc.of(new byte[0], 0, 0)).isEqualTo(0xf597a6cf);
        byte[] one = {0x41};
        // one byte by hand: reflected polynomial, 8 shifts, no final xor
        int c = 0xf597a6cf ^ 0x41;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) != 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        }
        assertThat(LvmCrc.of(one, 0, 1)).isEqualTo(c);
    }

    @Test
    void labelSectorMatchesWhatLvmAccepted() throws Exception {
        VgLayout.Pv pv = sample().pvs().get(0);
        assertThat(pv.id().value()).isEqualTo("K6qqd2lGZJ09ZaYzYWXvpWmainwT7yNB");
        ByteBuffer b = ByteBuffer.wrap(PvWriter.label(pv)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(ascii(b, 0, 8)).isEqualTo("LABELONE");
        assertThat(b.getLong(8)).isEqualTo(1);
        assertThat(b.getInt(16)).isEqualTo(0x914104cf);
        assertThat(b.getInt(20)).isEqualTo(32);
        assertThat(ascii(b, 24, 8)).isEqualTo("LVM2 001");
        assertThat(ascii(b, 32, 32)).isEqualTo(pv.id().value());
        assertThat(b.getLong(64)).isEqualTo(SIZE);
        assertThat(b.getLong(72)).as("data area from the first extent").isEqualTo(1L << 20);
        assertThat(b.getLong(80)).as("to the end").isZero();
        assertThat(b.getLong(104)).as("metadata area at 4 KiB").isEqualTo(4096);
        assertThat(b.getLong(112)).isEqualTo((1L << 20) - 4096);
        assertThat(b.getInt(136)).as("extension version").isEqualTo(2);
        assertThat(b.getInt(140)).as("in a VG").isEqualTo(1);
    }

    @Test
    void metadataHeaderMatchesWhatLvmAccepted() throws Exception {
        VgLayout vg = sample();
        byte[] text = PvWriter.text(sampleText(vg));
        assertThat(text).hasSize(1119);
        assertThat(text[text.length - 1]).as("NUL-terminated").isZero();
        ByteBuffer b =
                ByteBuffer.wrap(PvWriter.mdaHeader(vg.pvs().get(0), text)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(0x7b321ed1);
        assertThat(ascii(b, 4, 16)).isEqualTo(" LVM2 x[5A%r0N*>");
        assertThat(b.getInt(20)).isEqualTo(1);
        assertThat(b.getLong(24)).isEqualTo(4096);
        assertThat(b.getLong(32)).isEqualTo((1L << 20) - 4096);
        assertThat(b.getLong(40)).as("text right after the header").isEqualTo(512);
        assertThat(b.getLong(48)).isEqualTo(1119);
        assertThat(b.getInt(56)).isEqualTo(0x3dac1293);
        assertThat(b.getLong(64)).as("no precommitted text").isZero();
    }

    @Test
    void textStartsWithTheVgNameAndEndsWithTheFormatKeys() throws Exception {
        String text = sampleText(sample());
        assertThat(text).startsWith("vg {\nid = \"");
        assertThat(text)
                .contains("extent_size = 8192\n", "pe_start = 2048\n", "pe_count = 15\n", "dev_size = 131072\n");
        assertThat(text).contains("lv_var {", "start_extent = 0\nextent_count = 5\n", "\"pv0\", 5\n");
        assertThat(text).contains("contents = \"Text Format Volume Group\"\nversion = 1\n");
    }

    @Test
    void idsAreFormattedSixFourFourFourFourFourSix() {
        LvmId id = new LvmId("K6qqd2lGZJ09ZaYzYWXvpWmainwT7yNB");
        assertThat(id.formatted()).isEqualTo("K6qqd2-lGZJ-09Za-YzYW-XvpW-main-wT7yNB");
        assertThat(id.formatted()).matches("[^-]{6}(-[^-]{4}){5}-[^-]{6}");
    }

    private static String ascii(ByteBuffer b, int at, int length) {
        return new String(b.array(), at, length, StandardCharsets.US_ASCII);
    }
}
