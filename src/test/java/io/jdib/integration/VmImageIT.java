package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.check.BootRequest;
import io.jdib.check.BootResult;
import io.jdib.check.QemuBoot;
import io.jdib.event.EventSink;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import io.jdib.testing.SharedBuilds;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real bootable images: built with loop devices, mkfs and GRUB, then booted under QEMU (TCG). */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class VmImageIT {
    private static final Duration BUILD = Duration.ofMinutes(20);
    private static final Duration BOOT = Duration.ofMinutes(6);

    @TempDir
    Path dir;

    private Map<String, String> env(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "ELEMENTS_PATH",
                JdibProcess.testElements().toString(),
                "JDIB_WORK_DIR",
                dir.resolve("work").toString()));
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    private Path out(String name) {
        return dir.resolve("out").resolve(name);
    }

    private JdibProcess.Result build(Map<String, String> env, String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "disk-image-create";
        System.arraycopy(args, 0, argv, 1, args.length);
        return JdibProcess.run(BUILD, env, argv);
    }

    private static Path fixture(String name) {
        try {
            return Path.of(
                    Objects.requireNonNull(VmImageIT.class.getResource(name)).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private BootResult boot(Path image, boolean uefi) {
        BootRequest request = BootRequest.ofImage(image)
                .withUefi(uefi)
                .withTimeout(BOOT)
                .withConsoleLog(dir.resolve(image.getFileName() + (uefi ? ".uefi" : ".bios") + ".console"));
        return new QemuBoot(EventSink.NONE).boot(request);
    }

    private void assertNothingLeft() {
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
    }

    /** The serial console holds control sequences and stray bytes: read it as Latin-1. */
    private static String console(BootResult booted) throws java.io.IOException {
        return new String(Files.readAllBytes(booted.consoleLog()), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static long allocatedBytes(Path file) {
        return Long.parseLong(
                        HostState.run("stat", "--format=%b", file.toString()).strip())
                * 512;
    }

    @Test
    void mbrBiosImageBootsToLogin() throws Exception {
        SharedBuilds.Built built = SharedBuilds.minimalVm().requireSuccess();

        assertThat(built.result().output()).contains("block-device-mbr").contains("installing GRUB for BIOS");
        Path qcow2 = built.output("qcow2");
        Path raw = built.output("raw");
        assertThat(HostState.run("qemu-img", "info", "--output=json", qcow2.toString()))
                .contains("\"format\": \"qcow2\"");
        assertThat(HostState.run("sfdisk", "--dump", raw.toString())).contains("type=83, bootable");
        // Trimmed free space stays unallocated, so the raw file is sparse.
        assertThat(allocatedBytes(raw)).isLessThan(Files.size(raw) * 3 / 4);
        assertThat(Files.size(qcow2)).isLessThan(allocatedBytes(raw));
        // Looked at when the build ended: a class running beside this one may since have attached a
        // read-only loop device to an output (disk-image-get-kernel does).
        assertThat(built.leftBehind()).isEmpty();

        BootResult booted = boot(qcow2, false);
        assertThat(booted.matched()).as(String.join("\n", booted.lastLines())).isTrue();
        String console = console(booted);
        assertThat(console).contains("root=LABEL=cloudimg-rootfs").contains("console=ttyS0,115200");
    }

    /**
     * debian-minimal's build-time speedups (dpkg without fsync, the initramfs generated once at the
     * end of post-install.d) leave nothing behind: apt, dpkg and initramfs-tools are configured as
     * Debian ships them, no trigger is left pending, and every kernel has its initramfs.
     */
    @Test
    void packageInstallSpeedupsLeaveDebianAsShippedAndOneInitramfsPerKernel() throws Exception {
        SharedBuilds.Built built = SharedBuilds.minimalVm().requireSuccess();
        Path tar = built.output("tar");

        assertThat(built.result().output().lines().filter(l -> l.contains("update-initramfs: Generating")))
                .singleElement()
                .asString()
                .contains("99-zz-dpkg-build-speedups-end");
        List<String> entries =
                HostState.run("tar", "--list", "--file", tar.toString()).lines().toList();
        assertThat(entries)
                .doesNotContain("./etc/apt/apt.conf.d/99jdib-build", "./etc/dpkg/dpkg.cfg.d/jdib-build-unsafe-io")
                .noneMatch(e -> e.startsWith("./var/lib/jdib-build"));

        Path tree = Files.createDirectories(dir.resolve("tree"));
        extract(
                tar,
                tree,
                List.of(
                        "./boot",
                        "./var/lib/dpkg/status",
                        "./var/lib/dpkg/diversions",
                        "./var/lib/dpkg/info/initramfs-tools.md5sums",
                        "./usr/sbin/update-initramfs"));

        String status = Files.readString(tree.resolve("var/lib/dpkg/status"));
        assertThat(status).doesNotContain("Triggers-Pending:").doesNotContain("Triggers-Awaited:");
        assertThat(status.lines().filter(l -> l.startsWith("Status:"))).allMatch(l -> l.endsWith(" installed"));
        Map<String, String> conffiles =
                conffiles(status, List.of("apt", "dpkg", "initramfs-tools", "initramfs-tools-core"));
        assertThat(conffiles).containsKey("/etc/initramfs-tools/update-initramfs.conf");
        extract(tar, tree, conffiles.keySet().stream().map(p -> "." + p).toList());
        Map<String, String> onDisk = new HashMap<>();
        for (String path : conffiles.keySet()) {
            onDisk.put(path, md5(tree.resolve(path.substring(1))));
        }
        assertThat(onDisk).as("conffiles of apt, dpkg and initramfs-tools").isEqualTo(conffiles);
        assertThat(Files.readString(tree.resolve("var/lib/dpkg/info/initramfs-tools.md5sums")))
                .contains(md5(tree.resolve("usr/sbin/update-initramfs")) + "  usr/sbin/update-initramfs");
        assertThat(Files.readString(tree.resolve("var/lib/dpkg/diversions"))).doesNotContain("update-initramfs");

        List<String> versions = entries.stream()
                .filter(e -> e.startsWith("./boot/vmlinuz-"))
                .map(e -> e.substring("./boot/vmlinuz-".length()))
                .toList();
        assertThat(versions).isNotEmpty();
        for (String version : versions) {
            Path initrd = tree.resolve("boot/initrd.img-" + version);
            assertThat(initrd).isRegularFile();
            assertThat(Files.size(initrd)).isGreaterThan(8L << 20);
            assertThat(HostState.run("lsinitramfs", initrd.toString()).lines())
                    .contains("init", "usr/lib/modules/" + version + "/modules.dep")
                    .anyMatch(l -> l.contains("/kernel/fs/ext4/ext4.ko"))
                    .anyMatch(l -> l.contains("/kernel/drivers/block/virtio_blk.ko"));
        }
    }

    /** Extracts these members of a tar; a missing one is simply not there afterwards. */
    private static void extract(Path tar, Path into, List<String> members) {
        List<String> argv = new java.util.ArrayList<>(
                List.of("tar", "--extract", "--file", tar.toString(), "--directory", into.toString()));
        argv.addAll(members);
        HostState.run(argv.toArray(String[]::new));
    }

    /** The conffiles dpkg's status records for these packages: path to the md5 Debian shipped. */
    private static Map<String, String> conffiles(String status, List<String> packages) {
        Map<String, String> conffiles = new HashMap<>();
        for (String paragraph : status.split("\n\n")) {
            String name = paragraph
                    .lines()
                    .filter(l -> l.startsWith("Package: "))
                    .map(l -> l.substring("Package: ".length()))
                    .findFirst()
                    .orElse("");
            if (!packages.contains(name)) {
                continue;
            }
            boolean in = false;
            for (String line : paragraph.lines().toList()) {
                if (line.startsWith("Conffiles:")) {
                    in = true;
                } else if (in && line.startsWith(" ")) {
                    String[] fields = line.strip().split(" ");
                    if (fields.length == 2) {
                        conffiles.put(fields[0], fields[1]);
                    }
                } else {
                    in = false;
                }
            }
        }
        return conffiles;
    }

    private static String md5(Path file) throws java.io.IOException {
        if (!Files.isRegularFile(file)) {
            return "missing";
        }
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void efiGptImageBootsToLoginWithUefi() throws Exception {
        SharedBuilds.Built built = SharedBuilds.efiVm().requireSuccess();

        assertThat(built.result().output()).contains("installing GRUB for UEFI").contains("onto ESP (vfat)");
        assertThat(built.leftBehind()).isEmpty();

        BootResult booted = boot(built.output("qcow2"), true);
        assertThat(booted.matched()).as(String.join("\n", booted.lastLines())).isTrue();
        assertThat(console(booted)).contains("efi: EFI v");
    }

    @Test
    void multiPartitionImageBootsAndItsFstabIsRight() throws Exception {
        JdibProcess.Result r = build(
                env("DIB_BLOCK_DEVICE_CONFIG", "file://" + fixture("multi-partition.yaml")),
                "-o",
                out("multi").toString(),
                "-t",
                "qcow2,tar",
                "debian-minimal",
                "vm");

        assertThat(r.exitCode()).as(r.output()).isZero();
        String fstab = HostState.run(
                "tar", "--extract", "--to-stdout", "--file", out("multi.tar").toString(), "./etc/fstab");
        assertThat(fstab.lines().toList())
                .containsExactly(
                        "LABEL=cloudimg-rootfs / ext4 defaults 0 1",
                        "LABEL=boot /boot ext4 defaults 0 2",
                        "LABEL=var /var ext4 defaults 0 2",
                        "LABEL=varlog /var/log xfs defaults,noatime 0 2");
        // The tar is the whole final tree, across the image's own filesystems.
        assertThat(HostState.run("tar", "--list", "--file", out("multi.tar").toString()))
                .contains("./boot/grub/grub.cfg")
                .contains("./var/lib/dpkg/status");
        assertNothingLeft();

        BootResult booted = boot(out("multi.qcow2"), false);
        assertThat(booted.matched()).as(String.join("\n", booted.lastLines())).isTrue();
        assertThat(console(booted)).contains("XFS (vda").doesNotContain("emergency mode");
    }

    @Test
    void failingFinaliseHookLeavesNothingMountedOrAttached() throws Exception {
        JdibProcess.Result r =
                build(env(), "-o", out("fail").toString(), "-t", "raw", "debian-minimal", "jdib-test-fail-finalise");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output())
                .contains("==> create disk")
                .contains("error: hook failed: element jdib-test-fail-finalise, phase finalise.d, script 10-jdib-fail"
                        + " exited with code 4");
        assertThat(Files.exists(out("fail.raw"))).isFalse();
        assertNothingLeft();
    }

    @Test
    void sigkillDuringFinaliseThenCleanupDetachesEverything() throws Exception {
        JdibProcess p = JdibProcess.start(
                env(),
                "disk-image-create",
                "-o",
                out("killed").toString(),
                "-t",
                "raw",
                "debian-minimal",
                "jdib-test-hang-finalise");
        p.awaitLine(l -> l.contains("JDIB-FINALISE-READY"), BUILD);
        p.signal("KILL");
        p.waitFor(Duration.ofMinutes(1));
        assertThat(HostState.loopsUnder(dir)).isNotEmpty();
        assertThat(HostState.mountsUnder(dir)).isNotEmpty();

        JdibProcess.Result cleanup = JdibProcess.run(
                Duration.ofMinutes(2),
                env(),
                "cleanup",
                "--work-dir",
                dir.resolve("work").toString());

        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
        assertNothingLeft();
        assertThat(HostState.processes("sleep 6544")).isEmpty();
        assertThat(List.of(out("killed.raw"), out("killed.raw.jdib-partial"))).noneMatch(Files::exists);
    }
}
