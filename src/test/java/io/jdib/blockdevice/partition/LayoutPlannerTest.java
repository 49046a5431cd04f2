package io.jdib.blockdevice.partition;

import static io.jdib.blockdevice.partition.Layouts.part;
import static io.jdib.blockdevice.partition.PartitionSize.mib;
import static io.jdib.blockdevice.partition.PartitionSize.percent;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutPlannerTest {
    private static final long GIB = 1L << 30;

    @Test
    void percentIsOfWhatRemainsWhenThePartitionIsPlaced() {
        // DIB's documented example: 33%, 50%, 100% gives three partitions of about a third each.
        Layout layout = LayoutPlanner.plan(
                PartitionTableSpec.mbr(List.of(
                        part("data0", percent(33), Flag.PRIMARY),
                        part("data1", percent(50), Flag.PRIMARY),
                        part("data2", percent(100), Flag.PRIMARY))),
                3 * GIB);
        long usable = layout.diskSectors() - 2048;
        for (PlacedPartition p : layout.partitions()) {
            assertThat((double) p.sectorCount() / usable).as(p.name()).isBetween(0.32, 0.34);
        }
        assertThat(layout.partitions().get(2).endSector()).isEqualTo(layout.diskSectors());
    }

    @Test
    void absoluteSizesAreExactAndRoundedUpToSectors() {
        Layout layout = LayoutPlanner.plan(
                PartitionTableSpec.gpt(List.of(part("a", PartitionSize.bytes(1000)), part("b", mib(3)))), GIB);
        assertThat(layout.partitions()).extracting(PlacedPartition::sectorCount).containsExactly(2L, 6144L);
    }

    @Test
    void everyPartitionStartsOnTheAlignment() {
        for (long align : new long[] {4096, 1 << 20}) {
            Layout layout = LayoutPlanner.plan(
                    PartitionTableSpec.mbr(List.of(
                                    part("boot", PartitionSize.bytes(100_000), Flag.PRIMARY),
                                    part("var", PartitionSize.bytes(300_000)),
                                    part("root", percent(100))))
                            .withAlign(align),
                    GIB);
            long alignSectors = align / 512;
            assertThat(layout.partitions())
                    .allSatisfy(p -> assertThat(p.startSector() % alignSectors)
                            .as("%s with align %d", p.name(), align)
                            .isZero());
            assertThat(layout.partitions().get(0).startSector()).isEqualTo(alignSectors);
        }
    }

    @Test
    void mbrNumbersPrimariesFromOneAndLogicalsFromFive() {
        Layout layout = LayoutPlanner.plan(
                PartitionTableSpec.mbr(List.of(
                        part("boot", mib(100), Flag.PRIMARY, Flag.BOOT),
                        part("a", mib(100)),
                        part("b", mib(100)),
                        part("c", percent(100)))),
                GIB);
        assertThat(layout.partitions()).extracting(PlacedPartition::number).containsExactly(1, 5, 6, 7);
        Layout.Extended ext = layout.extended().orElseThrow();
        assertThat(ext.number()).isEqualTo(2);
        // The extended partition starts at the first EBR, one alignment unit before 'a'.
        assertThat(ext.startSector()).isEqualTo(layout.find("a").orElseThrow().startSector() - 2048);
        assertThat(ext.startSector() + ext.sectorCount()).isEqualTo(layout.diskSectors());
        assertThat(layout.ebrSector(layout.find("c").orElseThrow()))
                .isEqualTo(layout.find("b").orElseThrow().endSector());
    }

    @Test
    void gptUsableAreaFor512ByteSectors() {
        Layout layout = LayoutPlanner.plan(
                PartitionTableSpec.gpt(List.of(part("root", percent(100)))).withAlign(512), GIB);
        PlacedPartition root = layout.partitions().get(0);
        assertThat(root.startSector()).isEqualTo(34); // LBA 0 PMBR, 1 header, 2-33 entries
        assertThat(root.lastSector()).isEqualTo(layout.diskSectors() - 34); // 32 entries + header
    }

    @Test
    void gptUsableAreaFor4096ByteSectors() {
        Layout layout = LayoutPlanner.plan(
                PartitionTableSpec.gpt(List.of(part("root", percent(100))))
                        .withSectorSize(4096)
                        .withAlign(4096),
                GIB);
        PlacedPartition root = layout.partitions().get(0);
        assertThat(root.startSector()).isEqualTo(6); // 16 KiB of entries is 4 sectors
        assertThat(root.lastSector()).isEqualTo(layout.diskSectors() - 6);
        assertThat(layout.sectorSize()).isEqualTo(4096);
    }

    @Test
    void percentSharesEndOnTheAlignment() {
        Layout layout = LayoutPlanner.plan(
                PartitionTableSpec.gpt(List.of(part("home", percent(37)), part("root", percent(100)))), 3 * GIB);
        assertThat(layout.partitions())
                .allSatisfy(p -> assertThat(p.endSector() % 2048).isZero());
    }

    @Test
    void defaultTypesAreLinux() {
        PartitionTableSpec mbr = PartitionTableSpec.mbr(List.of(part("r", mib(1))));
        PartitionTableSpec gpt = PartitionTableSpec.gpt(List.of(part("r", mib(1))));
        assertThat(mbr.partitions().get(0).type()).isEqualTo("83");
        assertThat(gpt.partitions().get(0).type()).isEqualTo("8300");
        assertThat(PartitionTableSpec.gpt(List.of(Layouts.typed("e", mib(1), "ef00")))
                        .partitions()
                        .get(0)
                        .type())
                .isEqualTo("EF00");
        assertThat(PartitionTableSpec.mbr(List.of(Layouts.typed("e", mib(1), "0xC")))
                        .partitions()
                        .get(0)
                        .type())
                .isEqualTo("0c");
    }

    @Test
    void gptAcceptsATypeGuid() {
        String guid = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
        PartitionTableSpec spec = PartitionTableSpec.gpt(List.of(Layouts.typed("r", mib(1), guid)));
        assertThat(GptType.guid(spec.partitions().get(0).type()).toString())
                .isEqualTo(guid.toLowerCase(java.util.Locale.ROOT));
    }
}
