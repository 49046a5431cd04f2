package io.jdib.blockdevice.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The examples of DIB's "Disk Image Layout" documentation parse to what the docs describe. */
class DibExamplesTest {

    @Test
    void localLoopExample() {
        BlockDeviceGraph g = Fixtures.parse("dib-docs/local-loop.yaml");

        LocalLoop image0 = (LocalLoop) g.node("image0").orElseThrow();
        LocalLoop data = (LocalLoop) g.node("data_image").orElseThrow();
        assertThat(image0.size()).isEmpty();
        assertThat(image0.directory()).isEmpty();
        assertThat(image0.blockSize()).isEqualTo(512);
        assertThat(data.size()).isEqualTo(OptionalLong.of(7_516_192_768L + 536_870_912L));
        assertThat(data.directory()).contains("/var/tmp");
    }

    @Test
    void partitioningExample() {
        BlockDeviceGraph g = Fixtures.parse("dib-docs/partitioning.yaml");

        Partitioning mbr = (Partitioning) g.node("partitioning_image0").orElseThrow();
        assertThat(mbr.label()).isEqualTo(Partitioning.Label.MBR);
        assertThat(mbr.align()).isEqualTo(1024 * 1024);
        Partition part1 = mbr.partitions().get(0);
        assertThat(part1.flags()).containsExactly(Partition.Flag.BOOT);
        assertThat(part1.size()).isEqualTo(new SizeSpec.Absolute(1L << 30));
        assertThat(part1.type()).isEqualTo("0x83");

        // Each percentage is of what is left, so 33%, 50%, 100% are about a third each.
        Partitioning data = (Partitioning) g.node("partitioning_data_image").orElseThrow();
        assertThat(data.partitions())
                .extracting(Partition::size)
                .containsExactly(
                        new SizeSpec.Percent(new BigDecimal("33")),
                        new SizeSpec.Percent(new BigDecimal("50")),
                        new SizeSpec.Percent(new BigDecimal("100")));

        Partitioning gpt = (Partitioning) g.node("partitioning_gpt_image").orElseThrow();
        assertThat(gpt.label()).isEqualTo(Partitioning.Label.GPT);
        assertThat(gpt.partitions())
                .extracting(Partition::name, Partition::type)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("ESP", "EF00"),
                        org.assertj.core.groups.Tuple.tuple("data1_gpt", "8300"),
                        org.assertj.core.groups.Tuple.tuple("lvmdata", "8E00"));
    }

    @Test
    void lvmExample() {
        BlockDeviceGraph g = Fixtures.parse("dib-docs/lvm.yaml");

        Lvm lvm = (Lvm) g.node("lvm").orElseThrow();
        assertThat(lvm.bases()).containsExactly("root");
        assertThat(lvm.pvs())
                .containsExactly(new PhysicalVolume(
                        "pv",
                        "root",
                        List.of("--force"),
                        "lvm",
                        lvm.pvs().get(0).position()));
        assertThat(lvm.vgs().get(0).bases()).containsExactly("pv");
        assertThat(lvm.vgs().get(0).options()).containsExactly("--force");
        assertThat(lvm.lvs())
                .extracting(LogicalVolume::name)
                .containsExactly("lv_root", "lv_tmp", "lv_var", "lv_log", "lv_audit", "lv_home");
        LogicalVolume root = (LogicalVolume) g.node("lv_root").orElseThrow();
        assertThat(root.size()).contains("1800M");
        assertThat(root.extents()).isEmpty();
        assertThat(root.type()).isEqualTo(LogicalVolume.Type.PLAIN);
        assertThat(g.edges())
                .contains(
                        new Edge("root", "lvm"),
                        new Edge("lvm", "pv"),
                        new Edge("pv", "vg"),
                        new Edge("vg", "lv_home"));
    }

    @Test
    void mkfsMountFstabExamples() {
        BlockDeviceGraph g = Fixtures.parse("dib-docs/mkfs-mount-fstab.yaml");

        Mkfs root = (Mkfs) g.node("mkfs_root").orElseThrow();
        assertThat(root.type()).isEqualTo(FsType.EXT4);
        assertThat(root.label()).isEqualTo("cloudimage-root");
        assertThat(root.uuid()).contains("b733f302-0336-49c0-85f2-38ca109e8bdb");
        assertThat(root.opts()).isEqualTo("-i 16384");
        assertThat(g.rootMkfs()).contains(root);
        assertThat(((Mount) g.node("root_mnt").orElseThrow()).mountPoint()).isEqualTo("/");

        Fstab fstab = (Fstab) g.node("var_log_fstab").orElseThrow();
        assertThat(fstab.base()).isEqualTo("var_log_mnt");
        assertThat(fstab.options()).isEqualTo("nodev,nosuid");
        assertThat(fstab.dumpFreq()).isEqualTo(2);
        assertThat(fstab.fsckPassno()).isEqualTo(2);
    }

    @Test
    void thinProvisionedLvm() {
        BlockDeviceGraph g = Fixtures.parse("lvm-thin.yaml");

        LogicalVolume pool = (LogicalVolume) g.node("lv_thinpool").orElseThrow();
        LogicalVolume root = (LogicalVolume) g.node("lv_root").orElseThrow();
        assertThat(pool.type()).isEqualTo(LogicalVolume.Type.THIN_POOL);
        assertThat(pool.thinPool()).isEmpty();
        assertThat(root.type()).isEqualTo(LogicalVolume.Type.THIN);
        assertThat(root.thinPool()).contains("lv_thinpool");
        assertThat(root.options()).containsExactly("--virtualsize", "2G");
        assertThat(g.edges()).contains(new Edge("lv_thinpool", "lv_root"));
        // A single word is a one-item list, as a VG over one PV is usually written.
        assertThat(((VolumeGroup) g.node("vg").orElseThrow()).bases()).containsExactly("pv");
        assertThat(((Mkfs) g.node("mkfs_root").orElseThrow()).label()).isEqualTo("img-rootfs");
    }

    @Test
    void failsafeSchemaKeepsYamlOneOneWordsAsText() {
        String yaml = """
        - local_loop:
            name: image0
            mkfs:
              name: mkfs_root
              label: on
              uuid: no
              mount:
                mount_point: /
                fstab:
                  options: yes
        """;
        BlockDeviceGraph g = BlockDeviceConfig.parse(yaml, "inline");

        Mkfs root = g.rootMkfs().orElseThrow();
        assertThat(root.label()).isEqualTo("on");
        assertThat(root.uuid()).isEqualTo(Optional.of("no"));
        assertThat(g.fstabEntries().get(0).options()).isEqualTo("yes");
        assertThat(g.nodes(Partition.class)).isEmpty();
        assertThat(Set.copyOf(g.nodes(Mount.class))).hasSize(1);
    }
}
