package io.jdib.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.jdib.event.BuildEvent;
import io.jdib.event.RecordingSink;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFormatsTest {
    private static final long SIZE = 16L << 20;

    @TempDir
    static Path shared;

    static Path raw;

    /** 16 MiB: a GPT with two partitions, 3 MiB of text (compressible) and 1 MiB of noise. */
    @BeforeAll
    static void makeRawImage() throws IOException {
        raw = shared.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        Files.writeString(shared.resolve("layout"), "label: gpt\n,8M\n,\n");
        Host.ok(
                null,
                "sh",
                "-c",
                "sfdisk -q \"$0\" < \"$1\"",
                raw.toString(),
                shared.resolve("layout").toString());
        byte[] text = "jdib disk format test line, repeated to compress well\n"
                .repeat(60_000)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] noise = new byte[1 << 20];
        new Random(42).nextBytes(noise);
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.seek(1L << 20);
            f.write(text, 0, 3 << 20);
            f.seek(10L << 20);
            f.write(noise);
        }
        assertThat(Host.ok(null, "sfdisk", "-d", raw.toString())).contains("type=");
    }

    private static ConversionResult convert(ConversionRequest request) {
        return new DiskFormats(new RecordingSink()).convert(request);
    }

    @Test
    void everyFormatHoldsTheSameDiskWithTheRightFormatAndSize(@TempDir Path out) throws IOException {
        RecordingSink sink = new RecordingSink();
        ConversionResult result =
                new DiskFormats(sink).convert(ConversionRequest.of(raw, out.resolve("img"), DiskFormat.all()));

        assertThat(result.outputs()).extracting(ConvertedImage::format).containsExactlyElementsOf(DiskFormat.all());
        for (ConvertedImage image : result.outputs()) {
            assertThat(image.path())
                    .isEqualTo(out.resolve("img." + image.format().extension()))
                    .exists();
            JsonNode info = Host.info(image.path());
            assertThat(info.get("format").asText())
                    .as(image.format().name())
                    .isEqualTo(image.format().qemuFormat());
            assertThat(info.get("virtual-size").asLong())
                    .as(image.format().name())
                    .isEqualTo(SIZE);
            Host.Result same = Host.compare(raw, image.path());
            assertThat(same.exitCode()).as(image.format() + ": " + same.out()).isZero();
            assertThat(same.out()).contains("Images are identical");
            assertThat(image.virtualSize()).isEqualTo(SIZE);
        }
        assertThat(raw).exists();
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".jdib-partial"));
        }
        assertThat(sink.ofType(BuildEvent.OutputWritten.class))
                .extracting(BuildEvent.OutputWritten::type)
                .containsExactlyInAnyOrder("qcow2", "raw", "vhd", "vmdk", "vhdx");
        assertThat(sink.ofType(BuildEvent.Progress.class))
                .extracting(BuildEvent.Progress::percent)
                .contains(100);
    }

    @Test
    void formatSpecificSettings(@TempDir Path out) {
        convert(ConversionRequest.of(
                raw, out.resolve("img"), List.of(DiskFormat.QCOW2, DiskFormat.VHD, DiskFormat.VMDK)));
        JsonNode qcow2 =
                Host.info(out.resolve("img.qcow2")).get("format-specific").get("data");
        assertThat(qcow2.get("compat").asText()).isEqualTo("1.1");
        String vhd = Host.ok(null, "qemu-img", "info", out.resolve("img.vhd").toString());
        assertThat(Host.info(out.resolve("img.vhd")).get("virtual-size").asLong())
                .isEqualTo(SIZE);
        assertThat(Host.info(out.resolve("img.vmdk"))
                        .get("format-specific")
                        .get("data")
                        .get("create-type")
                        .asText())
                .isEqualTo("monolithicSparse");
        // dynamic VHD: far smaller than the 16 MiB a fixed one would need
        assertThat(out.resolve("img.vhd").toFile().length()).as(vhd).isLessThan(SIZE);
    }

    @Test
    void qcow2IsCompressedUnlessAskedNotTo(@TempDir Path out) {
        ConversionResult packed = convert(ConversionRequest.of(raw, out.resolve("packed"), List.of(DiskFormat.QCOW2)));
        ConversionResult plain = convert(ConversionRequest.of(raw, out.resolve("plain"), List.of(DiskFormat.QCOW2))
                .withCompress(false));
        long packedBytes = packed.outputs().get(0).bytes();
        long plainBytes = plain.outputs().get(0).bytes();
        // 3 MiB of text compresses to almost nothing; the 1 MiB of noise does not
        assertThat(packedBytes).isLessThan(plainBytes - (2L << 20));
        assertThat(Host.compare(raw, out.resolve("plain.qcow2")).exitCode()).isZero();
    }

    @Test
    void eachOutputIsTheSameWhateverElseIsRequestedAndInWhatOrder(@TempDir Path out) throws IOException {
        Path alone = out.resolve("alone");
        Path mixed = out.resolve("mixed");
        Files.createDirectories(alone);
        Files.createDirectories(mixed);
        // In-order writes make qcow2 byte-for-byte reproducible, so the files themselves can be compared.
        convert(ConversionRequest.of(raw, alone.resolve("img"), List.of(DiskFormat.QCOW2))
                .withParallelWrites(false));
        convert(ConversionRequest.of(
                        raw,
                        mixed.resolve("img"),
                        List.of(DiskFormat.VHD, DiskFormat.RAW, DiskFormat.VMDK, DiskFormat.QCOW2))
                .withParallelWrites(false));
        assertThat(Files.mismatch(alone.resolve("img.qcow2"), mixed.resolve("img.qcow2")))
                .isEqualTo(-1L);
        assertThat(Files.mismatch(raw, mixed.resolve("img.raw"))).isEqualTo(-1L);

        // With parallel writes (the default) the cluster order varies, the content and settings do not.
        Path parallel = out.resolve("parallel");
        Files.createDirectories(parallel);
        convert(ConversionRequest.of(raw, parallel.resolve("img"), List.of(DiskFormat.VHDX, DiskFormat.QCOW2)));
        JsonNode a = Host.info(alone.resolve("img.qcow2"));
        JsonNode b = Host.info(parallel.resolve("img.qcow2"));
        assertThat(b.get("format-specific")).isEqualTo(a.get("format-specific"));
        assertThat(Host.run(
                                null,
                                "qemu-img",
                                "compare",
                                "-s",
                                alone.resolve("img.qcow2").toString(),
                                parallel.resolve("img.qcow2").toString())
                        .exitCode())
                .isZero();
        // both compressed: well under the uncompressed size
        assertThat(parallel.resolve("img.qcow2").toFile().length()).isLessThan(3L << 20);
    }

    @Test
    void rawIsASparseCopyOrAMoveWhenTheSourceMayBeConsumed(@TempDir Path out) throws IOException {
        Path copy = out.resolve("copy");
        ConversionResult copied = convert(ConversionRequest.of(raw, copy, List.of(DiskFormat.RAW)));
        Path copiedRaw = copied.outputs().get(0).path();
        assertThat(Files.mismatch(raw, copiedRaw)).isEqualTo(-1L);
        long allocated = Long.parseLong(
                Host.ok(null, "du", "-B1", "--", copiedRaw.toString()).split("\\s")[0]);
        assertThat(allocated).as("sparse copy").isLessThan(SIZE / 2);

        Path scratch = out.resolve("scratch.raw");
        Files.copy(raw, scratch);
        ConversionResult moved =
                convert(ConversionRequest.of(scratch, out.resolve("moved"), List.of(DiskFormat.RAW, DiskFormat.QCOW2))
                        .withConsumeSource(true));
        assertThat(scratch).doesNotExist();
        assertThat(Files.mismatch(raw, out.resolve("moved.raw"))).isEqualTo(-1L);
        // raw is made last, so qcow2 was converted from the source before it moved
        assertThat(Host.compare(
                                raw,
                                moved.output(DiskFormat.QCOW2).orElseThrow().path())
                        .exitCode())
                .isZero();
    }

    @Test
    void checksumFilesVerifyWithTheCoreutilsCheckers(@TempDir Path out) {
        ConversionResult result =
                convert(ConversionRequest.of(raw, out.resolve("img"), List.of(DiskFormat.QCOW2, DiskFormat.RAW))
                        .withChecksum(true));
        for (ConvertedImage image : result.outputs()) {
            String name = image.path().getFileName().toString();
            assertThat(image.checksums()).containsExactly(out.resolve(name + ".sha256"), out.resolve(name + ".md5"));
            assertThat(Host.ok(out, "sha256sum", "-c", name + ".sha256")).contains(name + ": OK");
            assertThat(Host.ok(out, "md5sum", "-c", name + ".md5")).contains(name + ": OK");
            assertThat(Host.ok(out, "sha256sum", name)).isEqualTo(readString(out.resolve(name + ".sha256")));
        }
    }

    @Test
    void aChecksumDetectsAChangedFile(@TempDir Path out) throws IOException {
        convert(ConversionRequest.of(raw, out.resolve("img"), List.of(DiskFormat.RAW))
                .withChecksum(true));
        try (RandomAccessFile f = new RandomAccessFile(out.resolve("img.raw").toFile(), "rw")) {
            f.seek(5);
            f.write(0x5a);
        }
        assertThat(Host.run(out, "sha256sum", "-c", "img.raw.sha256").exitCode())
                .isNotZero();
    }

    @Test
    void extraQemuImgOptionsReachQemuImgAndOverrideDefaults(@TempDir Path out) {
        convert(ConversionRequest.of(raw, out.resolve("img"), List.of(DiskFormat.QCOW2))
                .withQemuImgOptions("compat=0.10"));
        assertThat(Host.info(out.resolve("img.qcow2"))
                        .get("format-specific")
                        .get("data")
                        .get("compat")
                        .asText())
                .isEqualTo("0.10");
        List<String> argv = DiskFormats.qemuImgArgs(
                ConversionRequest.of(raw, out.resolve("x"), List.of(DiskFormat.QCOW2))
                        .withQemuImgOptions("cluster_size=131072"),
                DiskFormat.QCOW2,
                raw,
                out.resolve("x.qcow2"));
        String cores =
                Integer.toString(DiskFormats.coroutines(Runtime.getRuntime().availableProcessors()));
        assertThat(argv).containsSubsequence("-c", "-m", cores, "-W", "-o", "compat=1.1", "-o", "cluster_size=131072");
    }

    @Test
    void qcow2IsConvertedOnEveryCoreWithinQemuImgsLimits() {
        assertThat(DiskFormats.coroutines(1)).isEqualTo(2);
        assertThat(DiskFormats.coroutines(2)).isEqualTo(2);
        assertThat(DiskFormats.coroutines(8)).isEqualTo(8);
        assertThat(DiskFormats.coroutines(64)).isEqualTo(16);
    }

    @Test
    void qcow2OnlyOptionsReachOnlyTheQcow2Conversion(@TempDir Path out) {
        ConversionRequest request = ConversionRequest.of(
                        raw, out.resolve("img"), List.of(DiskFormat.QCOW2, DiskFormat.VMDK, DiskFormat.VHDX))
                .withQemuImgOptions("compat=0.10,compression_type=zstd,subformat=streamOptimized");
        assertThat(DiskFormats.qemuImgArgs(request, DiskFormat.QCOW2, raw, out.resolve("img.qcow2")))
                .containsSubsequence(
                        "-o", "compat=1.1", "-o", "compat=0.10,compression_type=zstd,subformat=streamOptimized");
        assertThat(DiskFormats.qemuImgArgs(request, DiskFormat.VMDK, raw, out.resolve("img.vmdk")))
                .containsSubsequence("-O", "vmdk", "-o", "subformat=streamOptimized")
                .noneMatch(a -> a.contains("compat") || a.contains("compression_type"));
        ConversionRequest qcow2Only = ConversionRequest.of(raw, out.resolve("img"), List.of(DiskFormat.VMDK))
                .withQemuImgOptions("compression_type=zstd");
        assertThat(DiskFormats.qemuImgArgs(qcow2Only, DiskFormat.VMDK, raw, out.resolve("img.vmdk")))
                .doesNotContain("-o");
        assertThat(DiskFormats.splitOptions("a=1, b=x,,y,c")).containsExactly("a=1", "b=x,,y", "c");
    }

    @Test
    void zstdQcow2HoldsTheSameDisk(@TempDir Path out) {
        ConversionRequest request = ConversionRequest.of(
                        raw, out.resolve("img"), List.of(DiskFormat.QCOW2, DiskFormat.VMDK))
                .withQemuImgOptions("compression_type=zlib,lazy_refcounts=on")
                .withCompression(Qcow2Compression.ZSTD);
        // The typed choice (--qcow2-compression) wins over the option string, and reaches qcow2 only.
        assertThat(DiskFormats.qemuImgArgs(request, DiskFormat.QCOW2, raw, out.resolve("img.qcow2")))
                .containsSubsequence("-o", "compat=1.1", "-o", "lazy_refcounts=on,compression_type=zstd")
                .noneMatch(a -> a.contains("zlib"));
        assertThat(DiskFormats.qemuImgArgs(request, DiskFormat.VMDK, raw, out.resolve("img.vmdk")))
                .noneMatch(a -> a.contains("compression_type"));
        ConversionResult result = convert(request);

        JsonNode data =
                Host.info(out.resolve("img.qcow2")).get("format-specific").get("data");
        assertThat(data.get("compression-type").asText()).isEqualTo("zstd");
        assertThat(Host.compare(raw, out.resolve("img.qcow2")).exitCode()).isZero();
        assertThat(Host.compare(raw, out.resolve("img.vmdk")).exitCode()).isZero();
        assertThat(result.output(DiskFormat.QCOW2).orElseThrow().bytes()).isLessThan(SIZE / 2);
    }

    @Test
    void qcow2CompressionTypesAreNamedByQemuImgsWords() {
        assertThat(Qcow2Compression.parse(" ZSTD")).isEqualTo(Qcow2Compression.ZSTD);
        assertThat(Qcow2Compression.ZLIB.addTo(null)).isEqualTo("compression_type=zlib");
        assertThatThrownBy(() -> Qcow2Compression.parse("xz"))
                .isInstanceOf(DiskFormatError.class)
                .hasMessage("'xz' is not a qcow2 compression type; use zlib (read everywhere) or zstd"
                        + " (faster; needs QEMU 5.1 or later to read)");
    }

    @Test
    void severalFormatsAreConvertedAtOnceAndReportedInRequestOrder(@TempDir Path out) {
        RecordingSink sink = new RecordingSink();
        List<DiskFormat> wanted = List.of(DiskFormat.VMDK, DiskFormat.RAW, DiskFormat.QCOW2, DiskFormat.VHD);
        ConversionResult result = new DiskFormats(sink).convert(ConversionRequest.of(raw, out.resolve("img"), wanted));

        assertThat(result.outputs()).extracting(ConvertedImage::format).containsExactlyElementsOf(wanted);
        assertThat(sink.ofType(BuildEvent.Info.class))
                .extracting(BuildEvent.Info::message)
                .contains("converting to vmdk, qcow2, vhd at once");
        // raw last: it may be the source moved into place
        assertThat(sink.ofType(BuildEvent.OutputWritten.class).get(3).path()).endsWith("img.raw");
        for (ConvertedImage image : result.outputs()) {
            assertThat(Host.compare(raw, image.path()).exitCode())
                    .as(image.format().name())
                    .isZero();
        }
    }

    @Test
    void oneFailedConversionAmongSeveralFailsTheWholeAndLeavesNoPartial(@TempDir Path out) throws IOException {
        ConversionRequest bad = ConversionRequest.of(
                        raw, out.resolve("img"), List.of(DiskFormat.QCOW2, DiskFormat.VMDK))
                .withQemuImgOptions("no_such_option=1");
        assertThatThrownBy(() -> convert(bad)).isInstanceOf(DiskFormatError.class);
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".jdib-partial"));
        }
    }

    @Test
    void qemuImgOptionsSkipVhdAsDibsVhdUtilChainDoes(@TempDir Path out) {
        ConversionRequest request = ConversionRequest.of(
                        raw, out.resolve("img"), List.of(DiskFormat.QCOW2, DiskFormat.VHD))
                .withQemuImgOptions("compat=0.10");
        assertThat(DiskFormats.qemuImgArgs(request, DiskFormat.VHD, raw, out.resolve("img.vhd")))
                .doesNotContain("compat=0.10")
                .contains("subformat=dynamic,force_size=on");
        convert(request);
        assertThat(Host.info(out.resolve("img.qcow2"))
                        .get("format-specific")
                        .get("data")
                        .get("compat")
                        .asText())
                .isEqualTo("0.10");
        assertThat(Host.info(out.resolve("img.vhd")).get("format").asText()).isEqualTo("vpc");
    }

    @Test
    void aFailedConversionLeavesNeitherTheFileNorThePartial(@TempDir Path out) throws IOException {
        ConversionRequest bad = ConversionRequest.of(raw, out.resolve("img"), List.of(DiskFormat.VMDK))
                .withQemuImgOptions("no_such_option=1");
        assertThatThrownBy(() -> convert(bad))
                .isInstanceOf(DiskFormatError.class)
                .hasMessageContaining("img.vmdk")
                .hasMessageContaining("no_such_option");
        assertThat(out.resolve("img.vmdk")).doesNotExist();
        assertThat(out.resolve("img.vmdk.jdib-partial")).doesNotExist();
    }

    @Test
    void badRequestsAreRefusedWithAClearMessage(@TempDir Path out) {
        assertThatThrownBy(() -> DiskFormat.parse("vdi"))
                .isInstanceOf(DiskFormatError.class)
                .hasMessageContaining("qcow2, raw, vhd, vmdk, vhdx");
        assertThat(DiskFormat.parse("QCOW2")).isEqualTo(DiskFormat.QCOW2);
        assertThatThrownBy(() -> convert(ConversionRequest.of(
                        out.resolve("missing.raw"), out.resolve("img"), List.of(DiskFormat.QCOW2))))
                .isInstanceOf(DiskFormatError.class)
                .hasMessageContaining("missing.raw");
        assertThatThrownBy(() -> ConversionRequest.of(raw, out.resolve("img"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConversionRequest.of(raw, out.resolve("img"), List.of(DiskFormat.QCOW2))
                        .withQemuImgOptions("compat=1.1, lazy_refcounts=on"))
                .isInstanceOf(DiskFormatError.class)
                .hasMessageContaining("without spaces");
        assertThat(ConversionRequest.of(
                                raw, out.resolve("img"), List.of(DiskFormat.RAW, DiskFormat.QCOW2, DiskFormat.RAW))
                        .formats())
                .containsExactly(DiskFormat.RAW, DiskFormat.QCOW2);
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
