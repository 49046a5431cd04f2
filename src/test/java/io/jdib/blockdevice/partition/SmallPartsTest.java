package io.jdib.blockdevice.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** CHS encoding, GUID byte order and id derivation. */
class SmallPartsTest {
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void chsUsesDibGeometryOf254HeadsAnd63Sectors() {
        assertThat(hex(Chs.encode(0))).isEqualTo("000100"); // head 0, sector 1, cylinder 0
        assertThat(hex(Chs.encode(1))).isEqualTo("000200");
        assertThat(hex(Chs.encode(2048))).isEqualTo("202100"); // 2048 = 32*63 + 32: head 32, sector 33 (0x21)
        long cyl300 = 300L * 254 * 63; // cylinder 300 = 0x12c: high bits 01 into the sector byte
        assertThat(hex(Chs.encode(cyl300))).isEqualTo("00412c");
        long lastChs = 1024L * 254 * 63 - 1; // cylinder 1023, head 253, sector 63
        assertThat(hex(Chs.encode(lastChs))).isEqualTo("fdffff");
    }

    @Test
    void chsBeyondCylinder1023IsCapped() {
        assertThat(hex(Chs.encode(1024L * 254 * 63))).isEqualTo("feffff");
        assertThat(hex(Chs.encode(1L << 32))).isEqualTo("feffff");
    }

    @Test
    void guidsAreStoredMixedEndian() {
        UUID esp = UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
        ByteBuffer buf = ByteBuffer.allocate(16);
        Guids.put(buf, esp);
        assertThat(hex(buf.array())).isEqualTo("28732ac11ff8d211ba4b00a0c93ec93b");
        assertThat(Guids.get(buf.rewind())).isEqualTo(esp);
    }

    @Test
    void seededIdsAreStableAndDistinct() {
        IdSource a = IdSource.seeded("image0");
        IdSource b = IdSource.seeded("image0");
        IdSource c = IdSource.seeded("image1");
        assertThat(a.diskGuid()).isEqualTo(b.diskGuid()).isNotEqualTo(c.diskGuid());
        assertThat(a.diskSignature()).isEqualTo(b.diskSignature()).isNotEqualTo(c.diskSignature());
        assertThat(a.partitionGuid(1)).isEqualTo(b.partitionGuid(1)).isNotEqualTo(a.partitionGuid(2));
        assertThat(a.diskGuid().version()).isEqualTo(4);
        assertThat(a.diskGuid().variant()).isEqualTo(2);
    }

    @Test
    void randomIdsDiffer() {
        IdSource r = IdSource.random();
        assertThat(r.diskGuid()).isNotEqualTo(r.diskGuid());
        assertThat(IdSource.random().partitionGuid(1))
                .isNotEqualTo(IdSource.random().partitionGuid(1));
    }

    @Test
    void sizesReadLikeAPerson() {
        assertThat(Sizes.human(512)).isEqualTo("512 B");
        assertThat(Sizes.human(3L << 30)).isEqualTo("3.0 GiB");
        assertThat(Sizes.human(1536L << 20)).isEqualTo("1.5 GiB");
        assertThat(Sizes.human((1L << 30) - 4096)).isEqualTo("1.0 GiB");
        assertThat(Sizes.human(1023)).isEqualTo("1023 B");
    }
}
