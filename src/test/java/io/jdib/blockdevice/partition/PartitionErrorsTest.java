package io.jdib.blockdevice.partition;

import static io.jdib.blockdevice.partition.Layouts.part;
import static io.jdib.blockdevice.partition.Layouts.typed;
import static io.jdib.blockdevice.partition.PartitionSize.mib;
import static io.jdib.blockdevice.partition.PartitionSize.percent;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every user error: its type and the one line that says what to do. */
class PartitionErrorsTest {
    private static final long GIB = 1L << 30;

    @Test
    void partitionThatDoesNotFitSaysHowMuchRemains() {
        PartitionTableSpec spec = PartitionTableSpec.mbr(
                List.of(part("root", mib(1945), Flag.PRIMARY), part("var", mib(2048), Flag.PRIMARY)));
        assertThatThrownBy(() -> LayoutPlanner.plan(spec, 3 * GIB))
                .isInstanceOf(PartitionFitException.class)
                .hasMessage("partition 'var' needs 2.0 GiB but only 1.1 GiB remain on a 3.0 GiB disk;"
                        + " enlarge --image-size or shrink the partition");
    }

    @Test
    void absolutePartitionAfterAHundredPercentOneDoesNotFit() {
        PartitionTableSpec spec = PartitionTableSpec.gpt(List.of(part("root", percent(100)), part("swap", mib(512))));
        assertThatThrownBy(() -> LayoutPlanner.plan(spec, GIB))
                .isInstanceOf(PartitionFitException.class)
                .hasMessage("partition 'swap' needs 512.0 MiB but only 1007.5 KiB remain on a 1.0 GiB disk;"
                        + " enlarge --image-size or shrink the partition");
    }

    @Test
    void mbrBeyondTwoTebibytesSuggestsGpt() {
        PartitionTableSpec spec =
                PartitionTableSpec.mbr(List.of(part("root", PartitionSize.bytes(2L << 40), Flag.PRIMARY)));
        assertThatThrownBy(() -> LayoutPlanner.plan(spec, 3L << 40))
                .isInstanceOf(PartitionFitException.class)
                .hasMessage("partition 'root' needs 2.0 TiB but only 2.0 TiB remain on a 3.0 TiB disk"
                        + " (MBR reaches only the first 2.0 TiB; use label gpt);"
                        + " enlarge --image-size or shrink the partition");
    }

    @Test
    void percentThatComesOutAtZero() {
        PartitionTableSpec spec = PartitionTableSpec.mbr(List.of(
                        part("root", PartitionSize.bytes((4L << 20) - 1024 * 1024 - 512), Flag.PRIMARY),
                        part("tiny", percent(0.1), Flag.PRIMARY)))
                .withAlign(512);
        assertThatThrownBy(() -> LayoutPlanner.plan(spec, 3L << 20))
                .isInstanceOf(PartitionFitException.class)
                .hasMessageStartingWith("partition 'tiny' comes out at 0 bytes (0.1% of 0 B remaining");
        PartitionTableSpec zero = PartitionTableSpec.mbr(
                List.of(part("root", mib(1), Flag.PRIMARY), part("tiny", percent(10), Flag.PRIMARY)));
        assertThatThrownBy(() -> LayoutPlanner.plan(zero, 2L << 20))
                .isInstanceOf(PartitionFitException.class)
                .hasMessage("partition 'tiny' comes out at 0 bytes (10% of 0 B remaining on a 2.0 MiB disk);"
                        + " enlarge --image-size or give it an absolute size");
    }

    @Test
    void percentOfASliverComesOutAtZero() {
        // 10% of 5 sectors is half a sector.
        PartitionTableSpec spec = new PartitionTableSpec(
                Label.MBR,
                512,
                512,
                List.of(
                        part("a", PartitionSize.bytes(512L * 2042), Flag.PRIMARY),
                        part("b", percent(10), Flag.PRIMARY)));
        assertThatThrownBy(() -> LayoutPlanner.plan(spec, 1L << 20))
                .isInstanceOf(PartitionFitException.class)
                .hasMessage("partition 'b' comes out at 0 bytes (10% of 2.5 KiB remaining on a 1.0 MiB disk);"
                        + " enlarge --image-size or give it an absolute size");
    }

    @Test
    void diskTooSmallForGpt() {
        PartitionTableSpec spec = PartitionTableSpec.gpt(List.of(part("root", percent(100))));
        assertThatThrownBy(() -> LayoutPlanner.plan(spec, 16 * 1024))
                .isInstanceOf(PartitionFitException.class)
                .hasMessage("a 16.0 KiB disk is too small for a GPT, whose tables alone take 33.5 KiB;"
                        + " enlarge --image-size");
    }

    @Test
    void diskSizeNotAWholeNumberOfSectors() {
        PartitionTableSpec spec = PartitionTableSpec.gpt(List.of(part("root", percent(100))));
        assertThatThrownBy(() -> LayoutPlanner.plan(spec, GIB + 100))
                .isInstanceOf(PartitionFitException.class)
                .hasMessage("disk size 1073741924 bytes is not a positive multiple of the 512-byte sector size;"
                        + " make --image-size a whole number of sectors");
    }

    @Test
    void primaryFlagOnGpt() {
        assertThatThrownBy(() -> PartitionTableSpec.gpt(List.of(part("root", percent(100), Flag.PRIMARY))))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("partition 'root' has flag primary, which only MBR tables have;"
                        + " remove the flag or use label mbr");
    }

    @Test
    void fivePrimariesOnMbr() {
        List<PartitionSpec> parts = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            parts.add(part("p" + i, mib(10), Flag.PRIMARY));
        }
        assertThatThrownBy(() -> PartitionTableSpec.mbr(parts))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("MBR holds at most 4 primary partitions but 5 are flagged primary"
                        + " ('p1', 'p2', 'p3', 'p4', 'p5'); drop the primary flag from some so they become"
                        + " logical partitions");
    }

    @Test
    void fourPrimariesLeaveNoSlotForTheExtendedPartition() {
        List<PartitionSpec> parts = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            parts.add(part("p" + i, mib(10), Flag.PRIMARY));
        }
        parts.add(part("logical", percent(100)));
        assertThatThrownBy(() -> PartitionTableSpec.mbr(parts))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("MBR holds at most 3 primary partitions next to the extended partition for"
                        + " logical ones but 4 are flagged primary ('p1', 'p2', 'p3', 'p4'); drop the primary"
                        + " flag from some so they become logical partitions");
    }

    @Test
    void primaryAfterLogical() {
        assertThatThrownBy(() ->
                        PartitionTableSpec.mbr(List.of(part("var", mib(10)), part("root", percent(100), Flag.PRIMARY))))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("primary partition 'root' comes after logical partition 'var';"
                        + " list primary partitions first");
    }

    @Test
    void badMbrTypes() {
        assertThatThrownBy(() -> PartitionTableSpec.mbr(List.of(typed("root", percent(100), "8300"))))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("partition 'root' has MBR type '8300', which is not one hex byte; use a code"
                        + " like 83 (Linux), 82 (swap), 8e (LVM), ef (EFI) or 0c (FAT32)");
        assertThatThrownBy(() -> PartitionTableSpec.mbr(List.of(typed("root", percent(100), "zz"))))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessageStartingWith("partition 'root' has MBR type 'zz', which is not one hex byte");
        assertThatThrownBy(() -> PartitionTableSpec.mbr(List.of(typed("ext", percent(100), "0x05"))))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("partition 'ext' has MBR type '0x05', which is empty or extended; jdib makes"
                        + " the extended partition itself, so give a data type like 83");
    }

    @Test
    void unknownGptType() {
        assertThatThrownBy(() -> PartitionTableSpec.gpt(List.of(typed("root", percent(100), "83"))))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("partition 'root' has unknown GPT type '83'; use one of 8300, 8200, 8E00,"
                        + " FD00, EF00, EF02, EA00, 0700, 0C01, 8301, 8302, 8303, 8304, 8305, 8306, 8307,"
                        + " 8309, 8310, 8311, 4100 or a type GUID");
    }

    @Test
    void badAlignAndSectorSize() {
        List<PartitionSpec> parts = List.of(part("root", percent(100)));
        assertThatThrownBy(() -> new PartitionTableSpec(Label.GPT, 1000, 512, parts))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("align 1000 bytes is not a positive multiple of the 512-byte sector size;"
                        + " use e.g. 1MiB (the default)");
        assertThatThrownBy(() -> new PartitionTableSpec(Label.GPT, 2048, 4096, parts))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessageContaining("align 2048 bytes is not a positive multiple of the 4096-byte");
        assertThatThrownBy(() -> new PartitionTableSpec(Label.GPT, 1 << 20, 1024, parts))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("sector size 1024 is not supported; use 512 or 4096");
    }

    @Test
    void namesAndListProblems() {
        assertThatThrownBy(() -> PartitionTableSpec.gpt(List.of(part("a", mib(1)), part("a", mib(1)))))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("two partitions are named 'a'; give each partition its own name");
        assertThatThrownBy(() -> PartitionTableSpec.gpt(List.of()))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("partitioning lists no partitions; add at least one, e.g. root with size 100%");
        String longName = "a-partition-name-that-is-far-too-long";
        assertThatThrownBy(() -> PartitionTableSpec.gpt(List.of(part(longName, mib(1)))))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("partition name '" + longName + "' is 37 characters but a GPT name holds at"
                        + " most 36; shorten it");
        assertThatThrownBy(() -> new PartitionSpec(" ", mib(1)))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("a partition has no name; give every partition a name");
        assertThatThrownBy(() -> new PartitionTableSpec(null, 1 << 20, 512, List.of(part("r", mib(1)))))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("partitioning has no label; use label mbr or gpt");
    }

    @Test
    void tooManyGptPartitions() {
        List<PartitionSpec> parts = new ArrayList<>();
        for (int i = 0; i < 129; i++) {
            parts.add(part("p" + i, mib(1)));
        }
        assertThatThrownBy(() -> PartitionTableSpec.gpt(parts))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("GPT holds at most 128 partitions but 129 are listed; merge some or use LVM");
    }

    @Test
    void badSizes() {
        assertThatThrownBy(() -> PartitionSize.bytes(0))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("partition size 0 bytes is not positive; give a size like 512MiB or 100%");
        assertThatThrownBy(() -> PartitionSize.percent(150))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessage("partition size 150.0% is outside 0..100%; give a percentage like 50% or 100%");
        assertThatThrownBy(() -> PartitionSize.percent(0))
                .isInstanceOf(PartitionSpecException.class)
                .hasMessageContaining("is outside 0..100%");
    }

    @Test
    void everyErrorIsOneLine() {
        List<Runnable> failing = List.of(
                () -> PartitionTableSpec.gpt(Collections.emptyList()),
                () -> LayoutPlanner.plan(PartitionTableSpec.gpt(List.of(part("r", mib(4096)))), GIB),
                () -> PartitionTableSpec.mbr(List.of(new PartitionSpec("r", mib(1), Set.of(), "xyz"))));
        for (Runnable r : failing) {
            assertThatThrownBy(r::run)
                    .isInstanceOf(PartitionException.class)
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage())
                            .doesNotContain("\n"));
        }
    }
}
