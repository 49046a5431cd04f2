package io.jdib.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.blockdevice.BlockDevice;
import io.jdib.blockdevice.config.BlockDeviceConfig;
import io.jdib.blockdevice.config.ConfigDefaults;
import io.jdib.event.EventSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Workspace;
import io.jdib.testing.HostState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdib check} on disks laid out the way other tools lay them out, each made in seconds from
 * the {@code cloud-ready} fixture tree (no OS needed: the rules judged here are about layout): a
 * root filesystem that is the whole disk, GPT with the root partition followed by swap or by a data
 * partition, Debian's cloud layout (root is partition 1 but lies after partitions 14 and 15), and a
 * root on LVM written by jdib's own LVM writer, with and without growvols. Every disk is shipped as
 * a compressed qcow2, so what fails is the layout; the verdicts are asserted under every profile.
 */
@Tag("integration")
@Timeout(300)
class ForeignLayoutsIT {
    private static final long MIB = 1L << 20;
    private static final String LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    private static final String SWAP = "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F";
    private static final String BIOS_BOOT = "21686148-6449-6E6F-744E-656564454649";
    private static final String ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC3B8";

    @TempDir
    Path dir;

    @AfterEach
    void nothingLeft() {
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
    }

    /** The profiles' verdicts on one disk: what fails the check under each, and what is only advice. */
    private record Verdict(List<String> failed, List<String> warnings) {
        static Verdict of(List<String> failed, List<String> warnings) {
            return new Verdict(failed, warnings);
        }
    }

    private static void assertVerdicts(CheckReport report, Map<Profile, Verdict> expected) {
        for (Profile p : Profile.values()) {
            CheckReport under = report.withProfile(p);
            Verdict v = expected.get(p);
            String all = under.results().stream()
                    .map(r -> r.id() + " " + r.outcome() + " " + r.evidence())
                    .reduce("", (a, b) -> a + "\n" + b);
            assertThat(under.failed()).as(p.id() + all).containsExactlyElementsOf(v.failed());
            assertThat(under.warnings()).as(p.id() + all).containsExactlyElementsOf(v.warnings());
            assertThat(under.passed()).isEqualTo(v.failed().isEmpty());
        }
    }

    private static Map<Profile, Verdict> everywhere(Verdict v) {
        return Map.of(Profile.OPENSTACK, v, Profile.EGI, v, Profile.OPENNEBULA, v, Profile.GENERIC, v);
    }

    private static RuleResult.Outcome outcome(CheckReport report, String id) {
        return report.result(id).orElseThrow().outcome();
    }

    private static String evidence(CheckReport report, String id) {
        return report.result(id).orElseThrow().evidence().stream()
                .map(RuleResult.Evidence::render)
                .reduce("", (a, b) -> a + "\n" + b);
    }

    @Test
    void aRootFilesystemWithNoPartitionTable() throws Exception {
        // As DIB makes without a block-device element, and as old "-root" cloud images were: mkfs on the disk.
        Path raw = dir.resolve("whole.raw");
        ext4(tree(List.of()), raw, 64 * MIB, "cloudimg-rootfs");

        CheckReport report = check(raw);

        assertThat(evidence(report, "root-filesystem"))
                .contains("whole disk (no partition table): ext4 LABEL=cloudimg-rootfs mounted at /")
                .contains("no boot code in the first sector");
        // It grows with the disk: no partition for growpart, cloud-init's resizefs grows the filesystem.
        assertThat(outcome(report, "growroot")).isEqualTo(RuleResult.Outcome.PASS);
        assertThat(evidence(report, "growroot")).contains("cloud-init module resizefs");
        assertThat(evidence(report, "root-fills-partition")).contains("whole disk: ext4 of 64 MiB in a 64 MiB disk");
        assertThat(outcome(report, "root-fills-partition")).isEqualTo(RuleResult.Outcome.PASS);
        assertVerdicts(report, everywhere(Verdict.of(List.of("root-filesystem"), List.of())));
    }

    @Test
    void gptWithSwapAfterTheRoot() throws Exception {
        Path raw = gpt("root-swap.raw", 96 * MIB, List.of(part(1, 1, 63, LINUX), part(2, 64, 0, SWAP)));
        ext4(tree(List.of("/dev/vda2 none swap sw 0 0")), partition(raw, 1), 0, "cloudimg-rootfs");
        swap(partition(raw, 2));

        CheckReport report = check(raw);

        assertThat(evidence(report, "root-filesystem"))
                .contains("partition p2: swap comes after the root partition, so growpart cannot grow root");
        assertThat(outcome(report, "root-fills-partition")).isEqualTo(RuleResult.Outcome.PASS);
        assertThat(evidence(report, "no-swap")).contains("partition p2: swap space");
        Verdict openstack = Verdict.of(List.of("root-filesystem"), List.of("no-swap"));
        assertVerdicts(
                report,
                Map.of(
                        Profile.OPENSTACK,
                        openstack,
                        Profile.EGI,
                        Verdict.of(List.of("root-filesystem", "no-swap"), List.of()),
                        Profile.OPENNEBULA,
                        openstack,
                        Profile.GENERIC,
                        openstack));
    }

    @Test
    void gptWithADataPartitionAfterTheRoot() throws Exception {
        Path raw = gpt("root-data.raw", 96 * MIB, List.of(part(1, 1, 63, LINUX), part(2, 64, 0, LINUX)));
        ext4(tree(List.of("LABEL=data /srv ext4 defaults 0 2")), partition(raw, 1), 0, "cloudimg-rootfs");
        ext4(null, partition(raw, 2), 0, "data");

        CheckReport report = check(raw);

        assertThat(evidence(report, "root-filesystem"))
                .contains("partition p1: ext4 LABEL=cloudimg-rootfs mounted at /")
                .contains("partition p2: ext4 comes after the root partition");
        assertThat(outcome(report, "root-fills-partition")).isEqualTo(RuleResult.Outcome.PASS);
        assertVerdicts(report, everywhere(Verdict.of(List.of("root-filesystem"), List.of())));
    }

    @Test
    void debiansCloudLayoutRootNumberedFirstButLast() throws Exception {
        // Debian's cloud images: BIOS boot is partition 14, the ESP 15, both before root (partition 1).
        Path raw = gpt(
                "debian-cloud.raw",
                96 * MIB,
                List.of(part(14, 1, 3, BIOS_BOOT), part(15, 4, 16, ESP), part(1, 20, 0, LINUX)));
        Exec.check("mkfs.vfat", "-n", "EFI", partition(raw, 15).toString());
        ext4(tree(List.of()), partition(raw, 1), 0, "cloudimg-rootfs");

        CheckReport report = check(raw);

        assertThat(evidence(report, "root-filesystem"))
                .contains("partition p1: last on the disk: growpart can grow it");
        assertVerdicts(report, everywhere(Verdict.of(List.of(), List.of())));
    }

    @Test
    void aRootOnLvmWrittenByJdib() throws Exception {
        Path plain = lvm("lvm", false);
        Path growing = lvm("lvm-growvols", true);

        CheckReport report = check(plain);
        assertThat(evidence(report, "root-filesystem"))
                .contains("logical volume vgcheck-lv_root: ext4 LABEL=lvroot mounted at /")
                .contains("the root is on LVM");
        assertThat(evidence(report, "no-lvm-root")).contains("partition p2: LVM physical volume");
        assertThat(evidence(report, "growroot")).contains("nothing grows the logical volume");
        assertThat(outcome(report, "root-fills-partition")).isEqualTo(RuleResult.Outcome.PASS);
        Verdict advice = Verdict.of(List.of("growroot"), List.of("no-lvm-root"));
        assertVerdicts(
                report,
                Map.of(
                        Profile.OPENSTACK,
                        advice,
                        Profile.EGI,
                        Verdict.of(List.of("no-lvm-root", "growroot"), List.of()),
                        Profile.OPENNEBULA,
                        advice,
                        Profile.GENERIC,
                        advice));

        // With growvols enabled at first boot the LVM root grows: only EGI still refuses it.
        CheckReport grows = check(growing);
        assertThat(evidence(grows, "growroot")).contains("growvols grows vgcheck-lv_root at first boot");
        Verdict ok = Verdict.of(List.of(), List.of("no-lvm-root"));
        assertVerdicts(
                grows,
                Map.of(
                        Profile.OPENSTACK,
                        ok,
                        Profile.EGI,
                        Verdict.of(List.of("no-lvm-root"), List.of()),
                        Profile.OPENNEBULA,
                        ok,
                        Profile.GENERIC,
                        ok));
    }

    // ---- making the disks

    /** A partition: its number, start and size in MiB (size 0: the rest of the disk), and GPT type. */
    private record Part(int number, long startMib, long sizeMib, String type) {}

    private static Part part(int number, long startMib, long sizeMib, String type) {
        return new Part(number, startMib, sizeMib, type);
    }

    /** A raw disk with a GPT written by sfdisk; each partition's bytes are made in a file of its own first. */
    private Path gpt(String name, long bytes, List<Part> parts) throws Exception {
        Path raw = dir.resolve(name);
        Exec.check("truncate", "-s", Long.toString(bytes), raw.toString());
        StringBuilder script = new StringBuilder("label: gpt\n");
        for (Part p : parts) {
            script.append(raw)
                    .append(p.number())
                    .append(" : start=")
                    .append(p.startMib() * 2048)
                    .append(p.sizeMib() > 0 ? ", size=" + p.sizeMib() * 2048 : "")
                    .append(", type=")
                    .append(p.type())
                    .append('\n');
        }
        Path scriptFile = Files.writeString(dir.resolve(name + ".sfdisk"), script);
        Exec.check("sh", "-c", "sfdisk -q '" + raw + "' < '" + scriptFile + "'");
        String dump = Exec.check("sfdisk", "--dump", raw.toString());
        for (Part p : parts) {
            String line = dump.lines()
                    .filter(l -> l.startsWith(raw.toString() + p.number() + " "))
                    .findFirst()
                    .orElseThrow();
            long sectors = Long.parseLong(line.replaceAll(".*size=\\s*(\\d+),.*", "$1"));
            Exec.check(
                    "truncate",
                    "-s",
                    Long.toString(sectors * 512),
                    partition(raw, p.number()).toString());
        }
        return raw;
    }

    /** The file that holds partition {@code n}'s bytes until {@link #check} copies it into the disk. */
    private static Path partition(Path raw, int n) {
        return raw.resolveSibling(raw.getFileName() + ".p" + n);
    }

    /** ext4 made from {@code tree} (null: empty) in {@code file}; {@code bytes} 0 keeps the file's size. */
    private static void ext4(Path tree, Path file, long bytes, String label) {
        if (bytes > 0) {
            Exec.check("truncate", "-s", Long.toString(bytes), file.toString());
        }
        List<String> argv = new ArrayList<>(List.of("mkfs.ext4", "-q", "-F", "-L", label));
        if (tree != null) {
            argv.addAll(List.of("-d", tree.toString()));
        }
        argv.add(file.toString());
        Exec.check(Exec.Command.of(argv));
    }

    private static void swap(Path file) {
        Exec.check("mkswap", "-q", file.toString());
    }

    /** The cloud-ready fixture tree, with {@code fstab} lines added to its /etc/fstab. */
    private Path tree(List<String> fstab) throws Exception {
        Path root = Files.createTempDirectory(dir, "tree");
        Path source = CheckFixtures.tree("cloud-ready").root();
        copy(source, root);
        Path file = root.resolve("etc/fstab");
        Files.writeString(
                file,
                Files.readString(file)
                        + String.join("", fstab.stream().map(l -> l + "\n").toList()));
        Files.createDirectories(root.resolve("srv"));
        return root;
    }

    private static void copy(Path source, Path target) throws Exception {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /**
     * GPT with a BIOS boot partition and one physical volume holding {@code /} and {@code /var}, written
     * by jdib's block-device layer (its own LVM2 metadata, offset loops), then filled from the fixture.
     */
    private Path lvm(String name, boolean growvols) throws Exception {
        String yaml = String.join(
                "\n",
                "- local_loop:",
                "    name: image0",
                "- partitioning:",
                "    base: image0",
                "    label: gpt",
                "    partitions:",
                "      - {name: BSP, type: 'EF02', size: 8MiB}",
                "      - {name: root, size: 100%}",
                "- lvm:",
                "    name: lvm",
                "    base: [ root ]",
                "    pvs:",
                "      - {name: pv, base: root, options: [\"--force\"]}",
                "    vgs:",
                "      - {name: vgcheck, base: [pv]}",
                "    lvs:",
                "      - {name: lv_root, base: vgcheck, extents: 70%VG}",
                "      - {name: lv_var, base: vgcheck, extents: 100%FREE}",
                "- mkfs:",
                "    name: mkfs_root",
                "    base: lv_root",
                "    type: ext4",
                "    label: lvroot",
                "    mount: {mount_point: /, fstab: {options: defaults, fsck-passno: 1}}",
                "- mkfs:",
                "    name: fs_var",
                "    base: lv_var",
                "    type: ext4",
                "    label: lvvar",
                "    mount: {mount_point: /var, fstab: {options: defaults, fsck-passno: 2}}",
                "");
        Path work = dir.resolve(name);
        Ledger ledger = Ledger.create(work.resolve("ledger"), m -> {});
        Path raw;
        try (BlockDevice disk = BlockDevice.create(
                BlockDeviceConfig.parse(yaml, name + ".yaml", ConfigDefaults.dib()),
                BlockDevice.Options.of(work.resolve("image"), work.resolve("mnt"), 128 * MIB),
                ledger,
                EventSink.NONE)) {
            Path mnt = disk.mountRoot();
            copy(CheckFixtures.tree("cloud-ready").root(), mnt);
            Files.writeString(mnt.resolve("etc/fstab"), disk.fstab());
            if (growvols) {
                Files.createDirectories(mnt.resolve("usr/local/sbin"));
                Files.writeString(mnt.resolve("usr/local/sbin/growvols"), "#!/bin/bash\n");
                Files.writeString(mnt.resolve("etc/systemd/system/growvols.service"), "[Service]\nType=oneshot\n");
                Files.createSymbolicLink(
                        mnt.resolve("etc/systemd/system/multi-user.target.wants/growvols.service"),
                        Path.of("/etc/systemd/system/growvols.service"));
            }
            disk.umount();
            disk.cleanup();
            raw = disk.imageFile();
        } finally {
            Ledger.undoAll(ledger.file(), m -> {});
        }
        return raw;
    }

    /** Copies each partition file into the disk, ships it as a compressed qcow2, and checks that. */
    private CheckReport check(Path raw) throws Exception {
        String name = raw.getFileName().toString();
        try (Stream<Path> files = Files.list(raw.getParent())) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(name + ".p"))
                    .toList()) {
                int n = Integer.parseInt(p.getFileName().toString().substring(name.length() + 2));
                String dump = Exec.check("sfdisk", "--dump", raw.toString());
                String line = dump.lines()
                        .filter(l -> l.startsWith(raw.toString() + n + " "))
                        .findFirst()
                        .orElseThrow();
                long start = Long.parseLong(line.replaceAll(".*start=\\s*(\\d+),.*", "$1"));
                Exec.check(
                        "dd",
                        "if=" + p,
                        "of=" + raw,
                        "bs=1M",
                        "seek=" + start * 512,
                        "oflag=seek_bytes",
                        "conv=notrunc,sparse",
                        "status=none");
            }
        }
        Path qcow2 = raw.resolveSibling(name.replaceFirst("\\.raw$", "") + ".qcow2");
        Exec.check("qemu-img", "convert", "-c", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        try (Workspace workspace = Workspace.open(dir.resolve("work"), "check", m -> {})) {
            return new ImageCheck(workspace.work(), workspace.ledger(), m -> {}).check(qcow2);
        }
    }
}
