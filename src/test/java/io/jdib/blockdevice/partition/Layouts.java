package io.jdib.blockdevice.partition;

import static io.jdib.blockdevice.partition.PartitionSize.mib;
import static io.jdib.blockdevice.partition.PartitionSize.percent;

import java.util.List;
import java.util.Set;

/** The layouts the tool tests write; each has a fixture {@code <name>.sfdisk} where it is stable. */
final class Layouts {
    static final long GIB = 1L << 30;

    private Layouts() {}

    record Case(String name, long diskBytes, PartitionTableSpec spec) {
        @Override
        public String toString() {
            return name;
        }
    }

    static PartitionSpec part(String name, PartitionSize size, Flag... flags) {
        return new PartitionSpec(name, size, flags);
    }

    static PartitionSpec typed(String name, PartitionSize size, String type, Flag... flags) {
        return new PartitionSpec(name, size, Set.of(flags), type);
    }

    static List<Case> mbr() {
        return List.of(
                // DIB's default vm layout: one bootable primary root.
                new Case(
                        "mbr-single-root",
                        GIB,
                        PartitionTableSpec.mbr(List.of(part("root", percent(100), Flag.BOOT, Flag.PRIMARY)))),
                new Case(
                        "mbr-boot-root-var",
                        3 * GIB,
                        PartitionTableSpec.mbr(List.of(
                                part("boot", mib(512), Flag.BOOT, Flag.PRIMARY),
                                part("root", mib(1536), Flag.PRIMARY),
                                part("var", percent(100), Flag.PRIMARY)))),
                // Not flagged primary means logical, as in DIB: a lone partition goes in an extended one.
                new Case("mbr-single-logical", GIB, PartitionTableSpec.mbr(List.of(part("root", percent(100))))),
                new Case(
                        "mbr-extended-logicals",
                        3 * GIB,
                        PartitionTableSpec.mbr(List.of(
                                part("boot", mib(512), Flag.BOOT, Flag.PRIMARY),
                                typed("swap", mib(256), "82", Flag.PRIMARY),
                                part("var", mib(512)),
                                typed("data", percent(50), "0x8e"),
                                part("tmp", mib(100)),
                                typed("esp", mib(64), "ef"),
                                part("root", percent(100))))),
                // DIB's docs example: 33%, 50%, 100% make three thirds.
                new Case(
                        "mbr-thirds",
                        3 * GIB,
                        PartitionTableSpec.mbr(List.of(
                                part("data0", percent(33), Flag.PRIMARY),
                                part("data1", percent(50), Flag.PRIMARY),
                                part("data2", percent(100), Flag.PRIMARY)))),
                new Case(
                        "mbr-align-4k",
                        256L << 20,
                        PartitionTableSpec.mbr(List.of(
                                        part("boot", mib(64), Flag.BOOT, Flag.PRIMARY),
                                        part("var", mib(32)),
                                        part("root", percent(100))))
                                .withAlign(4096)),
                new Case(
                        "mbr-4k-sectors",
                        GIB,
                        PartitionTableSpec.mbr(List.of(
                                        part("boot", mib(128), Flag.BOOT, Flag.PRIMARY),
                                        part("var", mib(128)),
                                        part("root", percent(100))))
                                .withSectorSize(4096)));
    }

    static List<Case> gpt() {
        return List.of(
                new Case("gpt-single-root", GIB, PartitionTableSpec.gpt(List.of(part("root", percent(100))))),
                new Case(
                        "gpt-bios-esp-root",
                        3 * GIB,
                        PartitionTableSpec.gpt(List.of(
                                typed("BSP", mib(8), "EF02"),
                                typed("ESP", mib(550), "EF00"),
                                part("root", percent(100), Flag.BOOT)))),
                new Case(
                        "gpt-many-types",
                        2 * GIB,
                        PartitionTableSpec.gpt(List.of(
                                typed("ESP", mib(16), "ef00"),
                                typed("swap", mib(128), "8200"),
                                typed("data", mib(256), "0700"),
                                typed("raid", mib(64), "FD00"),
                                typed("home", percent(25), "8302"),
                                typed("lvm", percent(100), "8E00")))),
                new Case(
                        "gpt-align-4k",
                        256L << 20,
                        PartitionTableSpec.gpt(List.of(typed("ESP", mib(32), "EF00"), part("root", percent(100))))
                                .withAlign(4096)),
                new Case(
                        "gpt-4k-sectors",
                        3 * GIB,
                        PartitionTableSpec.gpt(List.of(
                                        typed("BSP", mib(1), "EF02"),
                                        typed("ESP", mib(550), "EF00"),
                                        part("root", percent(100), Flag.BOOT)))
                                .withSectorSize(4096)));
    }
}
