package io.jdib.check;

import io.jdib.check.DiskFacts.Volume;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The fixture trees under {@code trees/} and the disk facts the static rules are run with. */
final class CheckFixtures {
    static final long MIB = 1024 * 1024;

    /** A compressed qcow2 whose one ext4 root fills its MBR disk. */
    static final DiskFacts GOOD_DISK = new DiskFacts(
            "qcow2",
            "dos",
            List.of(new Volume("p1", MIB, 2048 * MIB, "83", "ext4", "cloudimg-rootfs", "u1", "abcd-01", "/")),
            "p1",
            new DiskFacts.Qcow2Clusters(32768, 1000, 990),
            900 * MIB,
            880 * MIB,
            2049 * MIB,
            -1,
            2048 * MIB);

    /**
     * A raw image whose ext3 root is a logical volume on partition 1 and does not fill it, with a swap
     * partition after it that ends past the disk.
     */
    static final DiskFacts BAD_DISK = new DiskFacts(
            "raw",
            "dos",
            List.of(
                    new Volume("p1", MIB, 2048 * MIB, "8e", "LVM2_member", "", "pv1", "abcd-01", ""),
                    new Volume("vg-root", 2 * MIB, 2040 * MIB, "", "ext3", "cloudimg-rootfs", "u1", "", "/"),
                    new Volume("p2", 2049 * MIB, 512 * MIB, "82", "swap", "", "u2", "abcd-02", "")),
            "vg-root",
            null,
            2000 * MIB,
            880 * MIB,
            2400 * MIB,
            -1,
            1024 * MIB);

    private CheckFixtures() {}

    static ImageTree tree(String name) {
        try {
            return new ImageTree(Path.of(Objects.requireNonNull(CheckFixtures.class.getResource("trees/" + name))
                    .toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
