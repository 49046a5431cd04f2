package io.jdib.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.event.RecordingSink;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A qcow2 compressed in parts by several qemu-img processes and joined must hold the same disk as the
 * raw image, pass {@code qemu-img check}, and be no larger than one qemu-img's.
 */
class SplitQcow2Test {
    /** 96 MiB and 4 KiB: more than one part's worth, and an end that is not on a 64 KiB cluster. */
    private static final long SIZE = (96L << 20) + 4096;

    @TempDir
    static Path shared;

    static Path raw;

    /** Text, noise and a repeated pattern, far apart, with holes between and data in the last 4 KiB. */
    @BeforeAll
    static void makeRawImage() throws IOException {
        raw = shared.resolve("disk.raw");
        byte[] text = "a line of a log file that compresses well, number "
                .repeat(400_000)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] noise = new byte[12 << 20];
        new Random(3).nextBytes(noise);
        byte[] pattern = new byte[5 << 20];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i % 251);
        }
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(SIZE);
            f.seek(1L << 20);
            f.write(text, 0, 16 << 20);
            f.seek((40L << 20) + 512);
            f.write(noise);
            f.seek(70L << 20);
            f.write(pattern);
            f.seek(SIZE - 4096);
            f.write(noise, 0, 4096);
        }
    }

    private static Path joined(Path out, String options, int parts) throws IOException {
        Path target = out.resolve("joined.qcow2");
        ConversionRequest request = ConversionRequest.of(raw, out.resolve("joined"), List.of(DiskFormat.QCOW2))
                .withQemuImgOptions(options);
        new DiskFormats(new RecordingSink()).compressInParts(request, target, parts);
        return target;
    }

    private static Path single(Path out, String options) {
        Path target = out.resolve("single.qcow2");
        Host.ok(
                null,
                "qemu-img",
                "convert",
                "-c",
                "-f",
                "raw",
                "-O",
                "qcow2",
                "-o",
                "compat=1.1" + (options == null ? "" : "," + options),
                raw.toString(),
                target.toString());
        return target;
    }

    @ParameterizedTest
    @CsvSource(
            nullValues = "-",
            value = {"-, 2", "-, 3", "compression_type=zstd, 2", "cluster_size=128k, 3", "cluster_size=2M, 2"})
    void partsJoinedHoldTheSameDiskPassCheckAndAreNoLarger(String options, int parts, @TempDir Path out)
            throws IOException {
        Path joined = joined(out, options, parts);

        Host.ok(null, "qemu-img", "check", "-f", "qcow2", joined.toString());
        assertThat(Host.ok(null, "qemu-img", "compare", "-f", "raw", "-F", "qcow2", raw.toString(), joined.toString()))
                .contains("Images are identical");
        String info = Host.ok(null, "qemu-img", "info", joined.toString());
        assertThat(info).contains("virtual size: 96 MiB (" + SIZE + " bytes)").contains("compat: 1.1");
        if (options != null && options.contains("zstd")) {
            assertThat(info).contains("compression type: zstd");
        }
        long one = Files.size(single(out, options));
        assertThat(Files.size(joined)).isLessThanOrEqualTo(one + (parts * 2L << 20));
    }

    @Test
    void rangesShareTheDataNotTheAddressSpace() {
        long mib = 1L << 20;
        // 30 MiB of data in the first 40 MiB of a 1 GiB disk, 10 MiB at 900 MiB.
        List<SplitQcow2.Range> data =
                List.of(new SplitQcow2.Range(0, 30 * mib), new SplitQcow2.Range(900 * mib, 10 * mib));
        List<SplitQcow2.Range> ranges = SplitQcow2.ranges(data, 1024 * mib, 2 * (int) mib, 2);

        assertThat(ranges)
                .containsExactly(new SplitQcow2.Range(0, 20 * mib), new SplitQcow2.Range(20 * mib, 1004 * mib));
    }

    @Test
    void rangesCoverTheDiskOnClusterBoundariesWhateverTheData() {
        long mib = 1L << 20;
        long size = 100 * mib + 4096;
        for (int parts = 1; parts <= 5; parts++) {
            for (List<SplitQcow2.Range> data : List.of(
                    List.<SplitQcow2.Range>of(),
                    List.of(new SplitQcow2.Range(4096, 512)),
                    List.of(new SplitQcow2.Range(0, size)),
                    List.of(new SplitQcow2.Range(3 * mib + 512, 7 * mib), new SplitQcow2.Range(99 * mib, mib)))) {
                List<SplitQcow2.Range> ranges = SplitQcow2.ranges(data, size, 2 * (int) mib, parts);
                assertThat(ranges).hasSizeBetween(1, parts);
                assertThat(ranges.get(0).offset()).isZero();
                assertThat(ranges.get(ranges.size() - 1).end()).isEqualTo(size);
                for (int i = 1; i < ranges.size(); i++) {
                    assertThat(ranges.get(i).offset())
                            .isEqualTo(ranges.get(i - 1).end());
                    assertThat(ranges.get(i).offset() % (2 * mib)).isZero();
                    assertThat(ranges.get(i).length()).isPositive();
                }
            }
        }
    }

    @Test
    void onlyCompressedQcow2OnSeveralCoresWithOptionsTheJoinKnowsIsSplit() {
        ConversionRequest plain = ConversionRequest.of(raw, shared.resolve("x"), List.of(DiskFormat.QCOW2));

        assertThat(DiskFormats.splits(plain, 2)).isTrue();
        assertThat(DiskFormats.splits(plain, 1)).isFalse();
        assertThat(DiskFormats.splits(plain.withCompress(false), 4)).isFalse();
        assertThat(DiskFormats.splits(plain.withQemuImgOptions("compression_type=zstd,cluster_size=2M"), 2))
                .isTrue();
        assertThat(DiskFormats.splits(plain.withQemuImgOptions("compat=0.10"), 2))
                .isFalse();
        assertThat(DiskFormats.splits(plain.withQemuImgOptions("lazy_refcounts=on"), 2))
                .isFalse();
        assertThat(DiskFormats.splits(plain.withQemuImgOptions("refcount_bits=1"), 2))
                .isFalse();
    }

    @Test
    void aPartTheJoinDoesNotKnowIsRefusedSoTheCallerFallsBack(@TempDir Path out) {
        Path v2 = out.resolve("v2.qcow2");
        Host.ok(null, "qemu-img", "create", "-q", "-f", "qcow2", "-o", "compat=0.10", v2.toString(), "64M");

        assertThatThrownBy(() -> SplitQcow2.join(List.of(new SplitQcow2.Part(v2, 0)), 64L << 20, out.resolve("j")))
                .isInstanceOf(SplitQcow2.Unsupported.class)
                .hasMessageContaining("version 2");
    }
}
