package io.jdib.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.check.DiskFacts.Volume;
import io.jdib.check.RuleResult.Evidence;
import io.jdib.check.RuleResult.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each static rule on two fixture trees: {@code trees/cloud-ready} passes every rule and
 * {@code trees/not-ready} fails them, with evidence naming the file and line.
 */
class StaticChecksTest {
    private static final long MIB = CheckFixtures.MIB;
    private static final DiskFacts GOOD_DISK = CheckFixtures.GOOD_DISK;
    private static final DiskFacts BAD_DISK = CheckFixtures.BAD_DISK;

    private static ImageTree tree(String name) {
        return CheckFixtures.tree(name);
    }

    private static RuleResult rule(List<RuleResult> results, String id) {
        return results.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    private static List<RuleResult> good() {
        return StaticChecks.run(tree("cloud-ready"), GOOD_DISK);
    }

    private static List<RuleResult> bad() {
        return StaticChecks.run(tree("not-ready"), BAD_DISK);
    }

    private static void assertEvidence(RuleResult r, String file, int line, String text) {
        assertThat(r.evidence()).as(r.id()).anySatisfy(e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.text()).contains(text);
        });
    }

    @Test
    void everyRuleRunsInOrderAndTheCloudReadyTreePassesThemAll() {
        List<RuleResult> results = good();
        assertThat(results).extracting(RuleResult::id).containsExactlyElementsOf(StaticChecks.RULES);
        assertThat(results)
                .allSatisfy(r ->
                        assertThat(r.outcome()).as(r.id() + " " + r.evidence()).isEqualTo(Outcome.PASS));
        assertThat(results).allSatisfy(r -> assertThat(r.evidence()).as(r.id()).isNotEmpty());
    }

    @Test
    void rootFilesystem() {
        RuleResult good = rule(good(), "root-filesystem");
        assertEvidence(good, "/etc/fstab", 1, "LABEL=cloudimg-rootfs / ext4");
        assertEvidence(good, "partition p1", 0, "last on the disk");
        RuleResult bad = rule(bad(), "root-filesystem");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "logical volume vg-root", 0, "root is ext3, not ext4 or xfs");

        // A partition after the root (swap, data) leaves growpart no room, however the partitions are numbered.
        List<Volume> rootThenSwap = List.of(
                new Volume("p1", MIB, 2048 * MIB, "83", "ext4", "cloudimg-rootfs", "u1", "abcd-01", "/"),
                new Volume("p2", 2049 * MIB, 512 * MIB, "82", "swap", "", "u2", "abcd-02", ""));
        RuleResult notLast = rule(
                StaticChecks.run(tree("cloud-ready"), new DiskFacts("qcow2", "gpt", rootThenSwap, "p1", null, -1, -1)),
                "root-filesystem");
        assertThat(notLast.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(notLast, "partition p2", 0, "swap comes after the root partition");
        // Debian's cloud images: root is partition 1 but lies after the BIOS boot (14) and EFI (15) partitions.
        List<Volume> debianCloud = List.of(
                new Volume("p14", MIB, 3 * MIB, "21686148-6449-6e6f-744e-656564454649", "", "", "", "", ""),
                new Volume("p15", 4 * MIB, 124 * MIB, "c12a7328-f81f-11d2-ba4b-00a0c93ec3b8", "vfat", "", "", "", ""),
                new Volume("p1", 128 * MIB, 1920 * MIB, "", "ext4", "", "u1", "", "/"));
        RuleResult numbered = rule(
                StaticChecks.run(tree("cloud-ready"), new DiskFacts("qcow2", "gpt", debianCloud, "p1", null, -1, -1)),
                "root-filesystem");
        assertThat(numbered.outcome()).as(numbered.evidence().toString()).isEqualTo(Outcome.PASS);

        // An LVM root is laid out growably (growroot decides whether something grows it; no-lvm-root is EGI's).
        List<Volume> lvm = List.of(
                new Volume("p1", MIB, 100 * MIB, "", "ext4", "boot", "", "", "/boot"),
                new Volume("p2", 101 * MIB, 900 * MIB, "", "LVM2_member", "", "", "", ""),
                new Volume("vg-root", 102 * MIB, 600 * MIB, "", "ext4", "img-rootfs", "", "", "/"),
                new Volume("vg-var", 702 * MIB, 298 * MIB, "", "ext4", "fs_var", "", "", "/var"));
        List<RuleResult> onLvm =
                StaticChecks.run(tree("cloud-ready"), new DiskFacts("qcow2", "gpt", lvm, "vg-root", null, -1, -1));
        assertThat(rule(onLvm, "root-filesystem").outcome()).isEqualTo(Outcome.PASS);
        assertEvidence(rule(onLvm, "root-filesystem"), "logical volume vg-root", 0, "the root is on LVM");
        assertThat(rule(onLvm, "no-lvm-root").outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(rule(onLvm, "no-lvm-root"), "partition p2", 0, "LVM physical volume");
        assertThat(rule(onLvm, "growroot").outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(rule(onLvm, "growroot"), "/usr/local/sbin/growvols", 0, "absent");
    }

    @Test
    void wholeDiskRoot(@TempDir Path dir) throws Exception {
        List<Volume> whole = List.of(new Volume("disk", 0, 2048 * MIB, "", "ext4", "cloudimg-rootfs", "u1", "", "/"));
        DiskFacts noBootCode =
                new DiskFacts("raw", null, whole, "disk", null, -1, -1, 2048 * MIB, -1, 2048 * MIB, false);
        List<RuleResult> results = StaticChecks.run(tree("cloud-ready"), noBootCode);
        RuleResult layout = rule(results, "root-filesystem");
        assertThat(layout.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(layout, "whole disk (no partition table)", 0, "no boot code in the first sector");
        // It grows with the disk: cloud-init's resizefs grows the filesystem; there is no partition to grow.
        RuleResult grows = rule(results, "growroot");
        assertThat(grows.outcome()).as(grows.evidence().toString()).isEqualTo(Outcome.PASS);
        assertEvidence(grows, "/etc/cloud/cloud.cfg", 7, "cloud-init module resizefs");
        assertEvidence(rule(results, "root-fills-partition"), "whole disk", 0, "ext4 of 2048 MiB in a 2048 MiB disk");
        DiskFacts extlinux = new DiskFacts("raw", null, whole, "disk", null, -1, -1, 2048 * MIB, -1, 2048 * MIB, true);
        assertThat(rule(StaticChecks.run(tree("cloud-ready"), extlinux), "root-filesystem")
                        .outcome())
                .isEqualTo(Outcome.PASS);

        Path root = copyOf("cloud-ready", dir);
        Files.writeString(root.resolve("etc/cloud/cloud.cfg.d/99-no-resize.cfg"), "resize_rootfs: false\n");
        RuleResult off = rule(StaticChecks.run(new ImageTree(root), noBootCode), "growroot");
        assertThat(off.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(off, "/etc/cloud/cloud.cfg.d/99-no-resize.cfg", 1, "resize_rootfs: false");
    }

    @Test
    void lvmRootGrowsWithGrowvols(@TempDir Path dir) throws Exception {
        Path root = copyOf("cloud-ready", dir);
        Files.createDirectories(root.resolve("usr/local/sbin"));
        Files.writeString(root.resolve("usr/local/sbin/growvols"), "#!/bin/bash\n");
        Path wants = root.resolve("etc/systemd/system/multi-user.target.wants/growvols.service");
        Files.createSymbolicLink(wants, Path.of("/etc/systemd/system/growvols.service"));
        DiskFacts lvm = new DiskFacts(
                "qcow2",
                "gpt",
                List.of(
                        new Volume("p1", MIB, 1000 * MIB, "", "LVM2_member", "", "", "", ""),
                        new Volume("vg-lv_root", 2 * MIB, 998 * MIB, "", "xfs", "img-rootfs", "", "", "/")),
                "vg-lv_root",
                null,
                -1,
                -1);
        List<RuleResult> results = StaticChecks.run(new ImageTree(root), lvm);
        RuleResult grows = rule(results, "growroot");
        assertThat(grows.outcome()).as(grows.evidence().toString()).isEqualTo(Outcome.PASS);
        assertEvidence(
                grows,
                "/etc/systemd/system/multi-user.target.wants/growvols.service",
                0,
                "growvols grows vg-lv_root at first boot");
        // EGI asks for no LVM root; the other profiles take it as advice.
        CheckReport openstack = new CheckReport(Path.of("lvm.qcow2"), "qcow2", results, 1);
        assertThat(openstack.warnings()).contains("no-lvm-root");
        assertThat(openstack.failed()).doesNotContain("no-lvm-root", "root-filesystem", "growroot");
        assertThat(openstack.withProfile(Profile.EGI).failed()).contains("no-lvm-root");
    }

    @Test
    void rootFillsPartition() {
        assertEvidence(
                rule(good(), "root-fills-partition"), "partition p1", 0, "ext4 of 2048 MiB in a 2048 MiB partition");
        RuleResult bad = rule(bad(), "root-fills-partition");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(
                bad,
                "logical volume vg-root",
                0,
                "ext3 of 1024 MiB in a 2040 MiB logical volume: the filesystem stops short");
        assertEvidence(bad, "partition p2", 0, "ends at 2561 MiB, past the end of the 2400 MiB disk");

        // GPT records the disk size it was written for: a table made for a larger disk is caught.
        List<Volume> gpt = List.of(new Volume("p1", MIB, 2047 * MIB, "", "ext4", "cloudimg-rootfs", "", "", "/"));
        DiskFacts moved = new DiskFacts("qcow2", "gpt", gpt, "p1", null, -1, -1, 2049 * MIB, 4096 * MIB, 2047 * MIB);
        RuleResult r = rule(StaticChecks.run(tree("cloud-ready"), moved), "root-fills-partition");
        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(r, "gpt partition table", 0, "backup header is not at the end");
        DiskFacts right = new DiskFacts("qcow2", "gpt", gpt, "p1", null, -1, -1, 2049 * MIB, 2049 * MIB, 2047 * MIB);
        assertThat(rule(StaticChecks.run(tree("cloud-ready"), right), "root-fills-partition")
                        .outcome())
                .isEqualTo(Outcome.PASS);
        // Without the sizes (an unknown filesystem type), the rule does not judge.
        DiskFacts unknown = new DiskFacts("qcow2", "gpt", gpt, "p1", null, -1, -1);
        assertThat(rule(StaticChecks.run(tree("cloud-ready"), unknown), "root-fills-partition")
                        .outcome())
                .isEqualTo(Outcome.NOT_APPLICABLE);
    }

    @Test
    void noSwap() {
        assertThat(rule(good(), "no-swap").outcome()).isEqualTo(Outcome.PASS);
        RuleResult bad = rule(bad(), "no-swap");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "/etc/fstab", 2, "/dev/vda2 none swap");
        assertEvidence(bad, "partition p2", 0, "swap");
    }

    @Test
    void growroot() {
        assertEvidence(rule(good(), "growroot"), ImageFacts.DPKG_STATUS, 9, "cloud-initramfs-growroot");
        RuleResult bad = rule(bad(), "growroot");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "logical volume vg-root", 0, "nothing grows the logical volume");
        // On a partition, the packages decide.
        DiskFacts partition = new DiskFacts(
                "raw",
                "dos",
                List.of(new Volume("p1", MIB, 2048 * MIB, "83", "ext4", "", "", "", "/")),
                "p1",
                null,
                -1,
                -1);
        assertEvidence(
                rule(StaticChecks.run(tree("not-ready"), partition), "growroot"),
                ImageFacts.DPKG_STATUS,
                0,
                "growpart (cloud-guest-utils) is not installed");
    }

    @Test
    void growrootThroughCloudInitsGrowpartModule(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("var/lib/dpkg/status");
        Files.createDirectories(status.getParent());
        Files.writeString(
                status,
                "Package: cloud-init\nStatus: install ok installed\n\n"
                        + "Package: cloud-guest-utils\nStatus: install ok installed\n");
        Path cfg = dir.resolve("etc/cloud/cloud.cfg");
        Files.createDirectories(cfg.getParent());
        Files.writeString(cfg, "cloud_init_modules:\n - migrator\n - growpart\n");
        RuleResult r = rule(StaticChecks.run(new ImageTree(dir), GOOD_DISK), "growroot");
        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertEvidence(r, "/etc/cloud/cloud.cfg", 3, "cloud-init module growpart");

        Files.createDirectories(dir.resolve("etc/cloud/cloud.cfg.d"));
        Files.writeString(dir.resolve("etc/cloud/cloud.cfg.d/99-off.cfg"), "growpart:\n  mode: off\n");
        assertThat(rule(StaticChecks.run(new ImageTree(dir), GOOD_DISK), "growroot")
                        .outcome())
                .isEqualTo(Outcome.FAIL);
    }

    @Test
    void noPersistentNetRules() {
        RuleResult good = rule(good(), "no-persistent-net-rules");
        assertEvidence(good, "/etc/udev/rules.d/75-persistent-net-generator.rules", 0, "empty");
        RuleResult bad = rule(bad(), "no-persistent-net-rules");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "/etc/udev/rules.d/70-persistent-net.rules", 2, "ATTR{address}==\"52:54:00:12:34:56\"");
        assertEvidence(bad, "/lib/udev/rules.d/75-persistent-net-generator.rules", 0, "generator is active");
    }

    @Test
    void noHwaddr() {
        assertThat(rule(good(), "no-hwaddr").outcome()).isEqualTo(Outcome.PASS);
        RuleResult bad = rule(bad(), "no-hwaddr");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "/etc/sysconfig/network-scripts/ifcfg-eth0", 3, "HWADDR=52:54:00:12:34:56");
    }

    @Test
    void dhcpAllInterfaces() {
        assertEvidence(
                rule(good(), "dhcp-all-interfaces"),
                "/etc/systemd/network/99-dhcp-all-interfaces.network",
                1,
                "matches every interface");
        RuleResult bad = rule(bad(), "dhcp-all-interfaces");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "/etc/network/interfaces", 5, "one named interface only");
    }

    @Test
    void networkdFileForOneMacDoesNotCount(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("etc/systemd/network/10-eth0.network");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "[Match]\nMACAddress=52:54:00:12:34:56\n[Network]\nDHCP=yes\n");
        Path wants = dir.resolve("etc/systemd/system/multi-user.target.wants/systemd-networkd.service");
        Files.createDirectories(wants.getParent());
        Files.createFile(wants);
        List<RuleResult> results = StaticChecks.run(new ImageTree(dir), GOOD_DISK);
        assertThat(rule(results, "dhcp-all-interfaces").outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(rule(results, "no-hwaddr"), "/etc/systemd/network/10-eth0.network", 2, "MACAddress=");
    }

    @Test
    void sshdEnabled() {
        assertEvidence(rule(good(), "sshd-enabled"), "/etc/systemd/system/multi-user.target.wants/ssh.service", 0, "");
        RuleResult bad = rule(bad(), "sshd-enabled");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "/etc/systemd/system", 0, "no *.wants link to ssh.service");
    }

    @Test
    void noSshHostKeys() {
        assertThat(rule(good(), "no-ssh-host-keys").outcome()).isEqualTo(Outcome.PASS);
        RuleResult bad = rule(bad(), "no-ssh-host-keys");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "/etc/ssh/ssh_host_ed25519_key", 0, "host key shipped");
    }

    @Test
    void noVirtualConsoles() {
        assertEvidence(
                rule(good(), "no-virtual-consoles"), "/etc/systemd/logind.conf.d/50-ssh-only.conf", 2, "NAutoVTs=0");
        RuleResult bad = rule(bad(), "no-virtual-consoles");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(
                bad, "/etc/systemd/system/getty.target.wants/getty@tty1.service", 0, "a getty on tty1 is enabled");
        assertEvidence(bad, "/etc/systemd/logind.conf", 0, "NAutoVTs not set");
        assertThat(Profile.EGI.severity("no-virtual-consoles")).isEqualTo(Severity.ADVICE);
    }

    @Test
    void noFirewall() {
        assertThat(rule(good(), "no-firewall").outcome()).isEqualTo(Outcome.PASS);
        RuleResult bad = rule(bad(), "no-firewall");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "/etc/systemd/system/multi-user.target.wants/ufw.service", 0, "ufw.service is enabled");
    }

    @Test
    void cloudInitInstalled() {
        assertEvidence(rule(good(), "cloud-init-installed"), ImageFacts.DPKG_STATUS, 5, "cloud-init");
        assertThat(rule(bad(), "cloud-init-installed").outcome()).isEqualTo(Outcome.FAIL);
    }

    @Test
    void sshPasswordAuthOff() {
        assertEvidence(
                rule(good(), "ssh-password-auth-off"),
                "/etc/cloud/cloud.cfg.d/60-dib-cloud-init.cfg",
                1,
                "ssh_pwauth: false");
        RuleResult bad = rule(bad(), "ssh-password-auth-off");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        // sshd takes the first value it reads: the Include on line 1 comes before anything else.
        assertEvidence(bad, "/etc/ssh/sshd_config.d/50-local.conf", 1, "PasswordAuthentication yes");
    }

    @Test
    void rootLocked() {
        assertEvidence(rule(good(), "root-locked"), "/etc/shadow", 1, "locked");
        RuleResult bad = rule(bad(), "root-locked");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "/etc/shadow", 1, "usable password hash");
        assertThat(bad.evidence()).extracting(Evidence::text).noneMatch(t -> t.contains("$6$"));
    }

    @Test
    void defaultUser() {
        assertEvidence(rule(good(), "default-user"), "/etc/cloud/cloud.cfg", 10, "name: debian");
        RuleResult bad = rule(bad(), "default-user");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, ImageFacts.DPKG_STATUS, 0, "cloud-init is not installed");
    }

    @Test
    void cloudInitServices() {
        RuleResult good = rule(good(), "cloud-init-services");
        assertThat(good.evidence()).hasSize(4);
        assertEvidence(good, "/etc/systemd/system/cloud-init.target.wants/cloud-final.service", 0, "");
        assertThat(rule(bad(), "cloud-init-services").outcome()).isEqualTo(Outcome.FAIL);
    }

    @Test
    void cloudInitServicesAcceptTrixiesNetworkStageName(@TempDir Path dir) throws Exception {
        // cloud-init 24.3 (Debian trixie) calls the network stage cloud-init-network.service.
        Path root = copyOf("cloud-ready", dir);
        Path wants = root.resolve("etc/systemd/system/cloud-init.target.wants");
        Files.move(wants.resolve("cloud-init.service"), wants.resolve("cloud-init-network.service"));

        RuleResult trixie = rule(StaticChecks.run(new ImageTree(root), GOOD_DISK), "cloud-init-services");

        assertThat(trixie.outcome()).isEqualTo(Outcome.PASS);
        assertEvidence(trixie, "/etc/systemd/system/cloud-init.target.wants/cloud-init-network.service", 0, "");
        Files.delete(wants.resolve("cloud-init-network.service"));
        RuleResult neither = rule(StaticChecks.run(new ImageTree(root), GOOD_DISK), "cloud-init-services");
        assertThat(neither.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(
                neither, "/etc/systemd/system", 0, "cloud-init-network.service or cloud-init.service is not enabled");
    }

    @Test
    void serialConsoleNeedsBothGrubCfgAndItsSource() {
        RuleResult good = rule(good(), "serial-console");
        assertEvidence(good, "/boot/grub/grub.cfg", 3, "console=ttyS0,115200");
        assertEvidence(good, "/etc/default/grub.d/50-jdib.cfg", 2, "GRUB_CMDLINE_LINUX has console=ttyS0,115200");
        RuleResult bad = rule(bad(), "serial-console");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "/boot/grub/grub.cfg", 2, "console=ttyS0");
        assertEvidence(bad, "/etc/default/grub", 0, "grub-mkconfig would drop it");
    }

    /** A copy of a fixture tree under {@code dir}, to change one thing in. */
    private static Path copyOf(String name, Path dir) throws Exception {
        Path root = dir.resolve(name);
        Path source = tree(name).root();
        try (var walk = Files.walk(source)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = root.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return root;
    }

    /** Gives {@code root} a usr-merged /bin/sh (dash) that is an ELF program of {@code arch}. */
    private static Path withShellOf(Path root, io.jdib.sys.Architecture arch) throws Exception {
        Files.createDirectories(root.resolve("usr/bin"));
        Files.write(root.resolve("usr/bin/dash"), elfHeader(arch));
        Files.createSymbolicLink(root.resolve("usr/bin/sh"), Path.of("dash"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        return root;
    }

    /** The first bytes of a position-independent executable of {@code arch}, as /bin/sh is. */
    private static byte[] elfHeader(io.jdib.sys.Architecture arch) {
        byte[] header = java.util.Arrays.copyOf(arch.elfMagic(), 64);
        header[arch == io.jdib.sys.Architecture.S390X ? 17 : 16] = 3; // ET_DYN
        return header;
    }

    @Test
    void serialConsoleIsTheArchitecturesPort(@TempDir Path dir) throws Exception {
        // An arm64 tree (QEMU's virt machine has ttyAMA0).
        Path root = withShellOf(copyOf("cloud-ready", dir), io.jdib.sys.Architecture.ARM64);

        RuleResult ttyS0 = rule(StaticChecks.run(new ImageTree(root), GOOD_DISK), "serial-console");
        assertThat(ttyS0.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(ttyS0, "/bin/sh", 0, "ELF program for arm64: its serial console is ttyAMA0");
        assertEvidence(ttyS0, "/boot/grub/grub.cfg", 0, "no kernel line with console=ttyAMA0");

        for (String file : List.of("boot/grub/grub.cfg", "etc/default/grub.d/50-jdib.cfg")) {
            Path p = root.resolve(file);
            Files.writeString(p, Files.readString(p).replace("ttyS0", "ttyAMA0"));
        }
        RuleResult ttyAma0 = rule(StaticChecks.run(new ImageTree(root), GOOD_DISK), "serial-console");
        assertThat(ttyAma0.outcome()).as(ttyAma0.evidence().toString()).isEqualTo(Outcome.PASS);
        assertEvidence(ttyAma0, "/boot/grub/grub.cfg", 3, "console=ttyAMA0,115200 on the kernel line");

        // An amd64 program wants ttyS0 again; without ELF programs dpkg's architecture decides.
        Files.write(root.resolve("usr/bin/dash"), elfHeader(io.jdib.sys.Architecture.AMD64));
        RuleResult amd64 = rule(StaticChecks.run(new ImageTree(root), GOOD_DISK), "serial-console");
        assertThat(amd64.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(amd64, "/bin/sh", 0, "ELF program for amd64: its serial console is ttyS0");
        Files.write(root.resolve("usr/bin/dash"), new byte[] {'#', '!'});
        Path status = root.resolve("var/lib/dpkg/status");
        Files.writeString(
                status,
                Files.readString(status) + "\nPackage: dpkg\nStatus: install ok installed\n" + "Architecture: arm64\n");
        RuleResult dpkg = rule(StaticChecks.run(new ImageTree(root), GOOD_DISK), "serial-console");
        assertThat(dpkg.outcome()).isEqualTo(Outcome.PASS);
        assertThat(dpkg.evidence())
                .anySatisfy(
                        e -> assertThat(e.render()).matches("/var/lib/dpkg/status:\\d+: dpkg is built for arm64.*"));
        // The port is matched whole: console=ttyS01 is not console=ttyS0.
        assertThat(StaticChecks.console("ttyS0").matcher("console=ttyS01").find())
                .isFalse();
        assertThat(StaticChecks.console("ttyS0")
                        .matcher("x console=ttyS0,115200n8")
                        .find())
                .isTrue();
    }

    @Test
    void anS390xImageCarriesItsConsoleInZiplConf(@TempDir Path dir) throws Exception {
        Path root = withShellOf(copyOf("cloud-ready", dir), io.jdib.sys.Architecture.S390X);
        Files.delete(root.resolve("boot/grub/grub.cfg"));
        Path zipl = root.resolve("etc/zipl.conf");
        Files.writeString(
                zipl,
                "[defaultboot]\ndefault=debian\n[debian]\ntarget=/boot\n"
                        + "parameters=\"root=LABEL=cloudimg-rootfs console=ttyS0 console=ttysclp0\"\n");

        RuleResult ok = rule(StaticChecks.run(new ImageTree(root), GOOD_DISK), "serial-console");
        assertThat(ok.outcome()).as(ok.evidence().toString()).isEqualTo(Outcome.PASS);
        assertEvidence(ok, "/etc/zipl.conf", 5, "console=ttysclp0 in zipl's parameters");
        assertEvidence(ok, "/bin/sh", 0, "ELF program for s390x: its serial console is ttysclp0");

        // DIB's default names the VT220 console ttyS1, the kernel's other name for it.
        Files.writeString(zipl, Files.readString(zipl).replace("console=ttysclp0", "console=ttyS1"));
        RuleResult dibDefault = rule(StaticChecks.run(new ImageTree(root), GOOD_DISK), "serial-console");
        assertThat(dibDefault.outcome()).isEqualTo(Outcome.PASS);
        assertEvidence(dibDefault, "/etc/zipl.conf", 5, "console=ttyS1 in zipl's parameters");

        Files.writeString(zipl, Files.readString(zipl).replace(" console=ttyS1", ""));
        RuleResult lineModeOnly = rule(StaticChecks.run(new ImageTree(root), GOOD_DISK), "serial-console");
        assertThat(lineModeOnly.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(lineModeOnly, "/etc/zipl.conf", 0, "no parameters line with console=ttysclp0");
    }

    @Test
    void compressedImage() {
        assertEvidence(
                rule(good(), "compressed-image"), "qemu-img check", 0, "990 of 1000 allocated clusters compressed");
        assertThat(rule(bad(), "compressed-image").outcome()).isEqualTo(Outcome.FAIL);
        DiskFacts uncompressed = new DiskFacts(
                "qcow2",
                "dos",
                GOOD_DISK.volumes(),
                "p1",
                new DiskFacts.Qcow2Clusters(32768, 1000, 0),
                900 * MIB,
                880 * MIB);
        RuleResult r = rule(StaticChecks.run(tree("cloud-ready"), uncompressed), "compressed-image");
        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(r, "qemu-img check", 0, "0 of 1000");
    }

    @Test
    void trimmed() {
        assertThat(rule(good(), "trimmed").outcome()).isEqualTo(Outcome.PASS);
        RuleResult bad = rule(bad(), "trimmed");
        assertThat(bad.outcome()).isEqualTo(Outcome.FAIL);
        assertEvidence(bad, "qemu-img map", 0, "2000 MiB of data allocated; filesystems use 880 MiB");
    }

    @Test
    void datasourceList() {
        assertEvidence(
                rule(good(), "datasource-list"),
                "/etc/cloud/cloud.cfg.d/91-dib-cloud-init-datasources.cfg",
                1,
                "[ConfigDrive, OpenStack]");
        assertThat(rule(bad(), "datasource-list").outcome()).isEqualTo(Outcome.FAIL);
    }

    @Test
    void reportFailsOnlyOnRequiredFailures() {
        CheckReport good = new CheckReport(Path.of("good.qcow2"), "qcow2", good(), 1);
        CheckReport bad = new CheckReport(Path.of("bad.raw"), "raw", bad(), 1);
        assertThat(good.passed()).isTrue();
        assertThat(bad.passed()).isFalse();
        // Under the default profile (openstack) swap, format and size are advice: they warn, never fail.
        assertThat(bad.profile()).isEqualTo(Profile.OPENSTACK);
        assertThat(bad.failed())
                .contains("root-filesystem", "root-fills-partition", "cloud-init-installed", "serial-console")
                .doesNotContain("no-swap", "compressed-image", "trimmed");
        assertThat(bad.warnings())
                .containsExactlyInAnyOrder(
                        "no-lvm-root", "no-swap", "no-virtual-consoles", "compressed-image", "trimmed");
        assertThat(StaticChecks.RULES).containsAll(bad.failed()).containsAll(bad.warnings());
    }

    @Test
    void symlinksResolveInsideTheImageNotOnTheHost(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("etc"));
        Files.createDirectories(dir.resolve("usr/lib"));
        Files.writeString(dir.resolve("usr/lib/os-release"), "ID=debian\n");
        Files.createSymbolicLink(dir.resolve("etc/os-release"), Path.of("../usr/lib/os-release"));
        Files.createSymbolicLink(dir.resolve("etc/passwd"), Path.of("/usr/lib/os-release"));
        Files.createSymbolicLink(dir.resolve("etc/escape"), Path.of("../../../../../../etc/hostname"));
        ImageTree tree = new ImageTree(dir);
        assertThat(tree.lines("/etc/os-release")).containsExactly("ID=debian");
        assertThat(tree.lines("/etc/passwd")).containsExactly("ID=debian");
        assertThat(tree.resolve("/etc/escape")).isEqualTo(dir.resolve("etc/hostname"));
        assertThat(tree.exists("/etc/escape")).isFalse();
    }

    @Test
    void fstabSpecsMatchVolumes() {
        Volume v = new Volume("p2", 0, 1, "83", "ext4", "boot", "0a1b-2c", "abcd1234-02", "");
        assertThat(ImageCheck.matches("LABEL=boot", v)).isTrue();
        assertThat(ImageCheck.matches("UUID=0A1B-2C", v)).isTrue();
        assertThat(ImageCheck.matches("PARTUUID=abcd1234-02", v)).isTrue();
        assertThat(ImageCheck.matches("/dev/disk/by-label/boot", v)).isTrue();
        assertThat(ImageCheck.matches("LABEL=root", v)).isFalse();
        assertThat(ImageCheck.matches("/dev/vda2", v)).isFalse();
    }
}
