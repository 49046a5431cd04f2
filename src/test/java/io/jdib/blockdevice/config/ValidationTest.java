package io.jdib.blockdevice.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad config in errors/ and the one-line message it must give. */
class ValidationTest {

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                arguments(
                        "unknown-type.yaml",
                        "3:3: unknown node type 'mkfss'; use one of: mkfs, mount, fstab, lvm, local_loop,"
                                + " partitioning"),
                arguments(
                        "unknown-key.yaml",
                        "5:7: unknown key 'lable' in mkfs 'mkfs_root'; use one of: label, base, name, type,"
                                + " opts, uuid (or nest a node: partitioning, lvm, mkfs, mount, fstab)"),
                arguments(
                        "missing-key.yaml", "4:5: partitioning 'partitioning_image0' has no 'label'; add 'label: mbr'"),
                arguments(
                        "missing-base.yaml",
                        "2:5: mkfs has no 'base'; add 'base: NAME' naming the node it is built on, or nest it"
                                + " under that node"),
                arguments("lvm-no-name.yaml", "4:5: lvm has no 'name'; add 'name: lvm'"),
                arguments(
                        "lv-without-size.yaml",
                        "10:9: lv 'lv_root' has no 'size'; add 'size: 1800M' or 'extents: 100%FREE'"),
                arguments(
                        "duplicate-name.yaml",
                        "10:11: mkfs 'root' has the name of partition 'root' at errors/duplicate-name.yaml:7:9;"
                                + " give each node its own name"),
                arguments(
                        "unknown-base.yaml",
                        "13:11: mkfs 'mkfs_root' has base 'roott', which no node is named; use one of: root,"
                                + " boot, image0, partitioning_image0"),
                arguments(
                        "wrong-base-kind.yaml",
                        "5:11: mount 'root_mnt' is built on local_loop 'image0'; its base must be a mkfs node"),
                arguments(
                        "cycle.yaml",
                        "3:3: the nodes form a cycle: table -> inner -> table; change a 'base' so that no node"
                                + " is built, directly or not, on itself"),
                arguments(
                        "cycle-lvm.yaml",
                        "3:3: the nodes form a cycle: lvm -> pv -> vg -> lv_root -> lvm; change a 'base' so"
                                + " that no node is built, directly or not, on itself"),
                arguments(
                        "bad-size.yaml",
                        "8:15: size '1.5 GiBs' of partition 'root' is not a size; write a number with an"
                                + " optional unit (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB, K, M, G, T) or NN%"),
                arguments(
                        "too-big.yaml",
                        "11:15: partitions up to partition 'root' need 1073741824 bytes but local_loop 'image0'"
                                + " holds 1072693248 after the 1048576-byte alignment; shrink the partitions or"
                                + " grow local_loop 'image0' (errors/too-big.yaml:1:3)"),
                arguments(
                        "percent-over.yaml",
                        "10:15: partition 'swap' follows partition 'root', which takes 100% of the space left,"
                                + " so the percentages add up to over 100%; give partition 'root' less than 100% or"
                                + " list it last"),
                arguments(
                        "percent-range.yaml",
                        "8:15: size 150% of partition 'root' is not between 0% and 100%; give a share of the"
                                + " remaining space above 0% and at most 100%"),
                arguments(
                        "gpt-primary.yaml",
                        "8:16: flag 'primary' on partition 'root' but partitioning 'partitioning_image0' is"
                                + " gpt, which has no primary partitions; drop 'primary' or use 'label: mbr'"),
                arguments(
                        "mbr-five-primaries.yaml",
                        "11:27: partition 'p5' is primary number 5 on mbr partitioning 'partitioning_image0',"
                                + " which holds 4; drop 'primary' from it (it becomes a logical partition) or use"
                                + " 'label: gpt'"),
                arguments(
                        "primary-after-logical.yaml",
                        "10:16: primary partition 'root' follows logical partition 'data'; list the primary"
                                + " partitions first"),
                arguments(
                        "unknown-flag.yaml",
                        "8:16: unknown flag 'bootable' on partition 'root'; use boot and/or primary"),
                arguments(
                        "unknown-label.yaml",
                        "5:12: label 'dos' of partitioning 'partitioning_image0' is not a partition table type;"
                                + " use mbr or gpt"),
                arguments(
                        "label-too-long-ext4.yaml",
                        "6:14: label 'a-label-of-17-byt' of mkfs 'mkfs_root' is 17 bytes but ext4 allows 16;"
                                + " set a 'label' of at most 16 bytes"),
                arguments(
                        "label-too-long-xfs-default.yaml",
                        "4:7: label 'mkfs_var_log_audit' (defaulted from its name) of mkfs"
                                + " 'mkfs_var_log_audit' is 18 bytes but xfs allows 12; set a 'label' of at most 12"
                                + " bytes"),
                arguments(
                        "label-too-long-vfat.yaml",
                        "6:14: label 'EFI-SYSTEM-P' of mkfs 'esp' is 12 bytes but vfat allows 11; set a"
                                + " 'label' of at most 11 bytes"),
                arguments(
                        "duplicate-label.yaml",
                        "13:12: label 'cloudimg-rootfs' of mkfs 'mkfs_data' is also the label of mkfs"
                                + " 'mkfs_root' at errors/duplicate-label.yaml:6:5; give each filesystem its own"
                                + " label; LABEL= lookups need it"),
                arguments(
                        "duplicate-mount.yaml",
                        "15:20: mount 'mount_mkfs_data' mounts at '/' as mount 'mount_mkfs_root' at"
                                + " errors/duplicate-mount.yaml:9:20 does; mount each mount point once"),
                arguments(
                        "relative-mount-point.yaml",
                        "6:22: mount_point 'var' of mount 'mount_mkfs_root' is not an absolute path; write it"
                                + " from the image's root, e.g. '/var' (or 'none' for swap)"),
                arguments(
                        "unknown-fs-type.yaml",
                        "5:13: unknown filesystem type 'zfs' for mkfs 'mkfs_root'; use one of: ext2, ext3,"
                                + " ext4, xfs, btrfs, vfat, swap"),
                arguments(
                        "thin-pool-unknown.yaml",
                        "11:68: thin-pool 'pool' of lv 'lv_root' is not a thin-pool lv in vg 'vg'; name an lv"
                                + " of 'type: thin-pool' in the same vg"),
                arguments(
                        "bad-fsck-passno.yaml",
                        "8:24: 'fsck-passno' of fstab 'fstab_mount_mkfs_root' is 'first', not a whole number;"
                                + " write a number such as 0, 1 or 2"),
                arguments(
                        "yaml-syntax.yaml",
                        "4:7: YAML syntax error: expected ',' or ']', but got :; fix the YAML here"),
                arguments(
                        "not-a-list.yaml",
                        "1:1: the block-device config is a mapping, not a list; write each node as a list"
                                + " item, e.g. '- local_loop:'"),
                arguments(
                        "empty.yaml",
                        "1:1: the block-device config is empty; give a list of nodes, e.g. '- local_loop:"
                                + " {name: image0}'"),
                arguments(
                        "two-types-in-item.yaml",
                        "1:3: a list item holds 2 keys (local_loop, mkfs); give each node its own '- TYPE:'"
                                + " item, or indent its settings under the type"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigGivesOneLineWithPosition(String file, String expected) {
        String source = "errors/" + file;
        assertThatThrownBy(() -> Fixtures.parse(source))
                .isInstanceOf(BlockDeviceConfigException.class)
                .hasMessage(source + ":" + expected)
                .hasMessageNotContaining("\n");
    }
}
