package io.jdib.blockdevice.partition;

import static io.jdib.blockdevice.partition.Layouts.part;
import static io.jdib.blockdevice.partition.Layouts.typed;
import static io.jdib.blockdevice.partition.PartitionSize.mib;
import static io.jdib.blockdevice.partition.PartitionSize.percent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the writers touch, and the raw GPT structures they leave. */
class PartitionerTest {
    @TempDir
    Path dir;

    private Path randomImage(long bytes) throws IOException {
        Path image = dir.resolve("random.img");
        byte[] data = new byte[(int) bytes];
        new Random(42).nextBytes(data);
        Files.write(image, data);
        return image;
    }

    private record Range(long from, long to) {
        boolean contains(long offset) {
            return offset >= from && offset < to;
        }
    }

    private static void assertOnlyChanged(byte[] before, byte[] after, List<Range> allowed) {
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.length; i++) {
            if (before[i] != after[i]) {
                long offset = i;
                assertThat(allowed)
                        .as("byte %d changed outside the table areas", offset)
                        .anyMatch(r -> r.contains(offset));
            }
        }
    }

    @Test
    void mbrWriterTouchesOnlyTheMbrAndEbrTables() throws IOException {
        Path image = randomImage(16L << 20);
        byte[] before = Files.readAllBytes(image);
        Layout layout = Partitioner.partition(
                image,
                PartitionTableSpec.mbr(List.of(
                        part("boot", mib(2), Flag.PRIMARY, Flag.BOOT),
                        part("var", mib(3)),
                        part("tmp", mib(2)),
                        part("root", percent(100)))),
                IdSource.seeded("x"));
        List<Range> allowed = new ArrayList<>(List.of(new Range(440, 512)));
        for (PlacedPartition p : layout.logicals()) {
            long ebr = layout.ebrSector(p) * 512;
            allowed.add(new Range(ebr + 446, ebr + 512));
        }
        byte[] after = Files.readAllBytes(image);
        assertOnlyChanged(before, after, allowed);
        assertThat(after[510]).isEqualTo((byte) 0x55);
        assertThat(after[511]).isEqualTo((byte) 0xAA);
        assertThat(HostTools.sfdiskJson(image).get("partitions")).hasSize(5); // 4 + extended
    }

    @Test
    void gptWriterTouchesOnlyTheGptAreas() throws IOException {
        Path image = randomImage(16L << 20);
        byte[] before = Files.readAllBytes(image);
        Partitioner.partition(
                image,
                PartitionTableSpec.gpt(List.of(typed("ESP", mib(4), "EF00"), part("root", percent(100)))),
                IdSource.seeded("x"));
        long size = before.length;
        List<Range> allowed = List.of(
                new Range(440, 512), // protective MBR entries, boot code kept
                new Range(512, 34 * 512), // header + entries
                new Range(size - 33 * 512, size)); // backup entries + header
        assertOnlyChanged(before, Files.readAllBytes(image), allowed);
        assertThat(HostTools.ok("sgdisk", "-v", image.toString())).contains("No problems found");
    }

    @Test
    void neverGrowsTheImage() throws IOException {
        Path image = HostTools.sparseImage(dir, "small.img", 8L << 20);
        Layout bigger = LayoutPlanner.plan(PartitionTableSpec.gpt(List.of(part("r", percent(100)))), 1L << 30);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThatThrownBy(() -> new GptWriter(IdSource.random()).write(ch, bigger))
                    .isInstanceOf(PartitionFitException.class)
                    .hasMessage("the layout is for a 1.0 GiB disk but this one holds 8.0 MiB;"
                            + " plan the layout for the disk's real size");
        }
        assertThat(Files.size(image)).isEqualTo(8L << 20);
    }

    @Test
    void writersRefuseTheOtherLabel() throws IOException {
        Path image = HostTools.sparseImage(dir, "l.img", 8L << 20);
        Layout gpt = LayoutPlanner.plan(PartitionTableSpec.gpt(List.of(part("r", percent(100)))), 8L << 20);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThatThrownBy(() -> new MbrWriter(IdSource.random()).write(ch, gpt))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("MBR layout");
        }
    }

    @Test
    void mbrOverAnOldGptWipesTheStaleGptHeaders() throws IOException {
        Path image = HostTools.sparseImage(dir, "re.img", 64L << 20);
        Partitioner.partition(image, PartitionTableSpec.gpt(List.of(part("r", percent(100)))), IdSource.seeded("a"));
        Partitioner.partition(
                image,
                PartitionTableSpec.mbr(List.of(part("root", mib(32), Flag.PRIMARY, Flag.BOOT))),
                IdSource.seeded("b"));
        try (FileChannel ch = FileChannel.open(image)) {
            assertThat(DiskIo.readAt(ch, 512, 512)).isEqualTo(ByteBuffer.allocate(512));
            assertThat(DiskIo.readAt(ch, (64L << 20) - 512, 512)).isEqualTo(ByteBuffer.allocate(512));
        }
        assertThat(HostTools.sfdiskJson(image).get("label").asText()).isEqualTo("dos");
        assertThat(HostTools.run("sgdisk", "-v", image.toString()).stdout()).doesNotContain("EFI PART");
    }

    @Test
    void rewritingWithTheSameSeedGivesTheSameBytes() throws IOException {
        PartitionTableSpec spec =
                PartitionTableSpec.gpt(List.of(typed("ESP", mib(8), "EF00"), part("r", percent(100))));
        Path a = HostTools.sparseImage(dir, "a.img", 64L << 20);
        Path b = HostTools.sparseImage(dir, "b.img", 64L << 20);
        Partitioner.partition(a, spec, IdSource.seeded("s"));
        Partitioner.partition(b, spec, IdSource.seeded("s"));
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }

    @Test
    void gptWith4096ByteSectorsHasConsistentHeaders() throws IOException {
        long diskBytes = 64L << 20;
        Path image = HostTools.sparseImage(dir, "4k.img", diskBytes);
        Partitioner.partition(
                image,
                PartitionTableSpec.gpt(List.of(typed("ESP", mib(8), "EF00"), part("root", percent(100), Flag.BOOT)))
                        .withSectorSize(4096),
                IdSource.seeded("4k"));
        long n = diskBytes / 4096;
        try (FileChannel ch = FileChannel.open(image)) {
            ByteBuffer primary = DiskIo.readAt(ch, 4096, 4096).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer backup = DiskIo.readAt(ch, (n - 1) * 4096, 4096).order(ByteOrder.LITTLE_ENDIAN);
            checkHeader(ch, primary, 1, n - 1, 2, n);
            checkHeader(ch, backup, n - 1, 1, n - 5, n);
            assertThat(Guids.get(primary.position(56))).isEqualTo(Guids.get(backup.position(56)));

            ByteBuffer pmbr = DiskIo.readAt(ch, 446, 16).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(pmbr.get(4) & 0xff).isEqualTo(0xEE);
            assertThat(pmbr.getInt(8)).isEqualTo(1);
            assertThat(pmbr.getInt(12) & 0xffff_ffffL).isEqualTo(n - 1);

            ByteBuffer entry2 = DiskIo.readAt(ch, 2 * 4096 + 128, 128).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(entry2.getLong(48)).as("attributes").isEqualTo(GptWriter.ATTR_LEGACY_BIOS_BOOTABLE);
            byte[] name = new byte[8];
            entry2.position(56).get(name);
            assertThat(new String(name, java.nio.charset.StandardCharsets.UTF_16LE))
                    .isEqualTo("root");
        }
        assertThat(HostTools.fdiskVerify(image, 4096)).contains("No errors detected");
    }

    private static void checkHeader(FileChannel ch, ByteBuffer h, long my, long alternate, long entriesLba, long n)
            throws IOException {
        byte[] sig = new byte[8];
        h.position(0).get(sig);
        assertThat(new String(sig, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("EFI PART");
        assertThat(h.getInt(8)).isEqualTo(0x00010000);
        assertThat(h.getInt(12)).isEqualTo(92);
        assertThat(h.getLong(24)).isEqualTo(my);
        assertThat(h.getLong(32)).isEqualTo(alternate);
        assertThat(h.getLong(40)).as("first usable").isEqualTo(6);
        assertThat(h.getLong(48)).as("last usable").isEqualTo(n - 6);
        assertThat(h.getLong(72)).as("entries LBA").isEqualTo(entriesLba);
        assertThat(h.getInt(80)).isEqualTo(128);
        assertThat(h.getInt(84)).isEqualTo(128);

        CRC32 entriesCrc = new CRC32();
        entriesCrc.update(DiskIo.readAt(ch, entriesLba * 4096, 128 * 128));
        assertThat(h.getInt(88)).isEqualTo((int) entriesCrc.getValue());

        byte[] header = new byte[92];
        h.position(0).get(header);
        int stored = h.getInt(16);
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0);
        CRC32 headerCrc = new CRC32();
        headerCrc.update(header);
        assertThat(stored).isEqualTo((int) headerCrc.getValue());
    }

    @Test
    void blockDeviceSizeComesFromSysfs() throws IOException {
        Path sys = dir.resolve("sys");
        Files.createDirectories(sys.resolve("loop7"));
        Files.writeString(sys.resolve("loop7/size"), "4194304\n");
        assertThat(DiskIo.blockDeviceSize(sys, "loop7")).isEqualTo(2L << 30);
        assertThatThrownBy(() -> DiskIo.blockDeviceSize(sys, "loop8"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot tell the size of loop8");
    }
}
