package io.jdib.blockdevice.partition;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jdib.blockdevice.partition.HostTools.PartxRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Writes every layout in {@link Layouts} to a sparse file and has sfdisk, fdisk, sgdisk and partx
 * read it back: each must see exactly the planned partitions and find nothing wrong.
 */
class TableToolsTest {
    private static final String FIXTURES = "src/test/resources/io/jdib/blockdevice/partition/";

    @TempDir
    Path dir;

    static Stream<Layouts.Case> allCases() {
        return Stream.concat(Layouts.mbr().stream(), Layouts.gpt().stream());
    }

    static Stream<Layouts.Case> cases512() {
        return allCases().filter(c -> c.spec().sectorSize() == 512);
    }

    private Layout write(Layouts.Case c) throws IOException {
        Path image = image(c);
        return Partitioner.partition(image, c.spec(), IdSource.seeded(c.name()));
    }

    private Path image(Layouts.Case c) throws IOException {
        Path image = dir.resolve(c.name() + ".img");
        if (!Files.exists(image)) {
            HostTools.sparseImage(dir, c.name() + ".img", c.diskBytes());
        }
        return image;
    }

    @ParameterizedTest
    @MethodSource("cases512")
    void sfdiskDumpMatchesFixture(Layouts.Case c) throws IOException {
        write(c);
        assertMatchesFixture(c.name() + ".sfdisk", HostTools.sfdiskDump(image(c)));
    }

    @ParameterizedTest
    @MethodSource("allCases")
    void fdiskListMatchesFixture(Layouts.Case c) throws IOException {
        write(c);
        String listing =
                HostTools.fdiskList(image(c), c.spec().sectorSize(), c.spec().label());
        assertMatchesFixture(c.name() + ".fdisk", listing);
    }

    @ParameterizedTest
    @MethodSource("cases512")
    void sfdiskJsonShowsPlannedPartitions(Layouts.Case c) throws IOException {
        Layout layout = write(c);
        JsonNode table = HostTools.sfdiskJson(image(c));
        assertThat(table.get("label").asText()).isEqualTo(c.spec().label() == Label.MBR ? "dos" : "gpt");

        List<String> seen = new ArrayList<>();
        for (JsonNode p : table.get("partitions")) {
            String node = p.get("node").asText();
            int number = Integer.parseInt(node.substring(node.lastIndexOf(".img") + 4));
            String type = p.get("type").asText();
            if (layout.extended().isPresent()
                    && number == layout.extended().get().number()) {
                Layout.Extended ext = layout.extended().get();
                assertThat(type).isEqualTo("f");
                assertThat(p.get("start").asLong()).isEqualTo(ext.startSector());
                assertThat(p.get("size").asLong()).isEqualTo(ext.sectorCount());
                continue;
            }
            PlacedPartition want = layout.partitions().stream()
                    .filter(w -> w.number() == number)
                    .findFirst()
                    .orElseThrow();
            seen.add(want.name());
            assertThat(p.get("start").asLong()).as("start of %s", want.name()).isEqualTo(want.startSector());
            assertThat(p.get("size").asLong()).as("size of %s", want.name()).isEqualTo(want.sectorCount());
            if (c.spec().label() == Label.MBR) {
                assertThat(Integer.parseInt(type, 16)).isEqualTo(Integer.parseInt(want.type(), 16));
                assertThat(p.path("bootable").asBoolean(false)).isEqualTo(want.has(Flag.BOOT));
            } else {
                assertThat(type.toLowerCase(Locale.ROOT))
                        .isEqualTo(GptType.guid(want.type()).toString());
                assertThat(p.get("name").asText()).isEqualTo(want.name());
                assertThat(p.path("attrs").asText("")).isEqualTo(want.has(Flag.BOOT) ? "LegacyBIOSBootable" : "");
            }
        }
        assertThat(seen)
                .containsExactlyInAnyOrderElementsOf(
                        layout.partitions().stream().map(PlacedPartition::name).toList());
    }

    @ParameterizedTest
    @MethodSource("allCases")
    void partxListsPlannedPartitions(Layouts.Case c) throws IOException {
        Layout layout = write(c);
        int ss = c.spec().sectorSize();
        long per512 = ss / 512;
        List<PartxRow> rows = HostTools.partx(image(c), ss);

        List<Integer> expectedNumbers = new ArrayList<>();
        layout.partitions().forEach(p -> expectedNumbers.add(p.number()));
        layout.extended().ifPresent(e -> expectedNumbers.add(e.number()));
        assertThat(rows).extracting(PartxRow::nr).containsExactlyInAnyOrderElementsOf(expectedNumbers);

        for (PlacedPartition want : layout.partitions()) {
            PartxRow row = rows.stream()
                    .filter(r -> r.nr() == want.number())
                    .findFirst()
                    .orElseThrow();
            assertThat(row.start512()).as("start of %s", want.name()).isEqualTo(want.startSector() * per512);
            assertThat(row.sizeBytes()).as("bytes of %s", want.name()).isEqualTo(want.sectorCount() * ss);
            if (c.spec().label() == Label.GPT) {
                assertThat(row.name()).isEqualTo(want.name());
                assertThat(row.flags()).isEqualTo(want.has(Flag.BOOT) ? GptWriter.ATTR_LEGACY_BIOS_BOOTABLE : 0);
            } else {
                assertThat(Integer.decode(row.type())).isEqualTo(Integer.parseInt(want.type(), 16));
                assertThat(row.flags()).isEqualTo(want.has(Flag.BOOT) ? 0x80 : 0);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases512")
    void sfdiskVerifyFindsNoErrors(Layouts.Case c) throws IOException {
        write(c);
        assertThat(HostTools.ok("sfdisk", "--verify", image(c).toString())).contains("No errors detected");
    }

    @ParameterizedTest
    @MethodSource("allCases")
    void fdiskVerifyFindsNoErrors(Layouts.Case c) throws IOException {
        write(c);
        String out = HostTools.fdiskVerify(image(c), c.spec().sectorSize());
        assertThat(out).contains("No errors detected").doesNotContainPattern("\\d+ errors? detected");
    }

    @ParameterizedTest
    @MethodSource("gpt512")
    void sgdiskVerifyFindsNoProblems(Layouts.Case c) throws IOException {
        write(c);
        String out = HostTools.ok("sgdisk", "-v", image(c).toString());
        assertThat(out).contains("No problems found").doesNotContainIgnoringCase("warning");
    }

    static Stream<Layouts.Case> gpt512() {
        return Layouts.gpt().stream().filter(c -> c.spec().sectorSize() == 512);
    }

    private static void assertMatchesFixture(String name, String actual) throws IOException {
        if (Boolean.getBoolean("jdib.fixtures.update")) {
            Path file = Path.of(System.getProperty("jdib.home", "."), FIXTURES, name);
            Files.writeString(file, actual);
        }
        assertThat(actual).isEqualTo(HostTools.fixture(name));
    }
}
