package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.check.BootRequest;
import io.jdib.check.BootResult;
import io.jdib.check.QemuBoot;
import io.jdib.event.EventSink;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import io.jdib.testing.SharedBuilds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ramdisk-image-create, disk-image-get-kernel and the baremetal element, on real builds: the ramdisk
 * boots under QEMU (TCG) to its init.d marker, and kernels pulled out of MBR and GPT images are the
 * bytes of the tree they were built from.
 */
@Tag("integration")
@Timeout(value = 50, unit = TimeUnit.MINUTES)
class RamdiskAndKernelIT {
    private static final Duration BUILD = Duration.ofMinutes(20);

    @TempDir
    Path dir;

    private Map<String, String> env() {
        return new HashMap<>(Map.of(
                "ELEMENTS_PATH",
                JdibProcess.testElements().toString(),
                "JDIB_WORK_DIR",
                dir.resolve("work").toString()));
    }

    private Path out(String name) {
        return dir.resolve("out").resolve(name);
    }

    private void assertNothingLeft() {
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
    }

    private static String sh(String script) {
        return HostState.run("/bin/bash", "-c", "set -eu -o pipefail; " + script + " 2>&1 || echo \"EXIT $?\"");
    }

    @Test
    void ramdiskHoldsTheLibraryClosureAndBootsToTheInitDMarker() throws IOException {
        JdibProcess.Result r = JdibProcess.run(
                BUILD,
                env(),
                "ramdisk-image-create",
                "-o",
                out("rd").toString(),
                // DIB's options about disks are taken, as DIB's ramdisk-image-create takes them;
                // --checksum applies.
                "-t",
                "qcow2",
                "--mkfs-options",
                "-O ^has_journal",
                "--checksum",
                "debian-minimal",
                "jdib-test-ramdisk");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("elements: ").contains("ramdisk-base").contains("write ramdisk");
        assertThat(r.output())
                .contains("-t, --mkfs-options: accepted as DIB's ramdisk-image-create accepts them, and ignored");
        Path kernel = out("rd.kernel");
        Path initramfs = out("rd.initramfs");
        assertThat(out("rd.qcow2")).doesNotExist();
        for (Path p : List.of(kernel, initramfs)) {
            String sum = sh("cd '" + p.getParent() + "' && sha256sum --check '" + p.getFileName() + ".sha256'");
            assertThat(sum).isEqualTo(p.getFileName() + ": OK\n");
            assertThat(Files.readString(p.resolveSibling(p.getFileName() + ".md5")))
                    .endsWith("  " + p.getFileName() + "\n");
        }
        assertThat(HostState.run("file", "--brief", kernel.toString())).contains("Linux kernel x86 boot executable");
        assertThat(HostState.run("file", "--brief", initramfs.toString())).startsWith("gzip compressed data");
        assertNothingLeft();

        // What is in it: the listing, then every program run in a chroot of the unpacked archive.
        String listing = sh("zcat '" + initramfs + "' | cpio --list --quiet");
        assertThat(listing.lines())
                .contains(
                        "init",
                        "dev/console",
                        "usr/bin/busybox",
                        "usr/bin/udevadm",
                        "usr/lib/systemd/systemd-udevd",
                        "usr/bin/findmnt",
                        "usr/bin/lsblk",
                        "usr/sbin/blkid",
                        "lib64",
                        "usr/lib64/ld-linux-x86-64.so.2",
                        "usr/lib/x86_64-linux-gnu/libc.so.6",
                        "usr/lib/x86_64-linux-gnu/libmount.so.1",
                        "usr/lib/x86_64-linux-gnu/libblkid.so.1",
                        "usr/lib/x86_64-linux-gnu/libsmartcols.so.1");
        // Whether kmod links libkmod depends on the release (trixie's does not); the closure is
        // checked for every program below, whatever it needs.
        assertThat(listing)
                // trixie's kernel ships its modules xz-compressed
                .containsPattern("lib/modules/[^/]+/kernel/drivers/net/virtio_net\\.ko(\\.xz|\\.zst)?\n")
                .containsPattern("lib/modules/[^/]+/modules.dep\n")
                .doesNotContain("usr/bin/apt")
                .doesNotContain("usr/share/doc");
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        assertThat(sh("cd '" + unpacked + "' && zcat '" + initramfs + "' | cpio --extract --quiet --make-directories"
                        + " --no-absolute-filenames"))
                .doesNotContain("EXIT");
        for (String program : List.of(
                "/usr/bin/busybox",
                "/usr/bin/udevadm",
                "/usr/bin/kmod",
                "/usr/bin/findmnt",
                "/usr/bin/lsblk",
                "/usr/sbin/blkid")) {
            String libs = sh("chroot '" + unpacked + "' /lib64/ld-linux-x86-64.so.2 --list " + program);
            assertThat(libs)
                    .as(program)
                    .doesNotContain("not found")
                    .doesNotContain("EXIT")
                    .contains("libc.so.6");
        }
        assertThat(sh("chroot '" + unpacked + "' /usr/bin/findmnt --version")).contains("findmnt from util-linux");
        assertThat(sh("grep -c . " + unpacked + "/lib/modules/*/modules.alias")).doesNotContain("EXIT");
        long uncompressed =
                Long.parseLong(sh("zcat '" + initramfs + "' | wc -c").strip());
        System.out.printf(
                "ramdisk: initramfs %d KiB gzip, %d KiB uncompressed%n",
                Files.size(initramfs) / 1024, uncompressed / 1024);

        BootResult booted = new QemuBoot(EventSink.NONE)
                .boot(BootRequest.ofKernel(kernel, initramfs)
                        .withExpect("JDIB-RAMDISK-MARKER")
                        .withTimeout(Duration.ofMinutes(5))
                        .withConsoleLog(dir.resolve("rd.console")));

        assertThat(booted.matched()).as(String.join("\n", booted.lastLines())).isTrue();
        System.out.printf("ramdisk: JDIB-RAMDISK-MARKER after %.1f s%n", booted.seconds());
        String console = Files.readString(booted.consoleLog());
        assertThat(console)
                .contains("Starting systemd-udevd")
                .contains("JDIB-RAMDISK-NET eth0 10.0.2.15/24")
                .contains("JDIB-RAMDISK-FINDMNT findmnt from util-linux")
                .doesNotContain("Kernel panic");
    }

    @Test
    void missingBinaryStopsTheRamdiskBuildNamingTheElement() {
        JdibProcess.Result r = JdibProcess.run(
                BUILD,
                env(),
                "ramdisk-image-create",
                "-o",
                out("missing").toString(),
                "debian-minimal",
                "jdib-test-ramdisk-missing");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output())
                .contains("error: element jdib-test-ramdisk-missing (binary-deps.d/"
                        + "jdib-test-ramdisk-missing): executable 'jdib-no-such-tool' not found in tree");
        assertThat(List.of(out("missing.kernel"), out("missing.initramfs"))).noneMatch(Files::exists);
        assertNothingLeft();
    }

    @Test
    void kernelOfAnMbrQcow2ImageIsTheTreesAndBaremetalWritesTheSame() throws IOException {
        SharedBuilds.Built mbr = SharedBuilds.minimalVm().requireSuccess();
        assertThat(mbr.result().output()).contains("baremetal: kernel ");

        Path tree = treeBoot(mbr.output("tar"));
        String before = sha256(mbr.output("qcow2"));
        Path got = Files.createDirectories(dir.resolve("got"));
        JdibProcess.Result k = JdibProcess.run(
                Duration.ofMinutes(5),
                env(),
                "disk-image-get-kernel",
                "-d",
                got.toString(),
                "-i",
                mbr.output("qcow2").toString());

        assertThat(k.exitCode()).as(k.output()).isZero();
        assertThat(k.output()).contains("converting qcow2 image to a temporary raw file");
        // Without -o the names come from the image's: minimal-vm.qcow2 gives minimal-vm-vmlinuz.
        assertSameKernel(tree, got.resolve(mbr.name() + "-vmlinuz"), got.resolve(mbr.name() + "-initrd"));
        assertSameKernel(tree, mbr.output("vmlinuz"), mbr.output("initrd"));
        assertThat(sha256(mbr.output("qcow2"))).isEqualTo(before);
        assertNothingLeft();
    }

    @Test
    void kernelOfAGptRawImageWithAnEspIsTheTrees() throws IOException {
        SharedBuilds.Built gpt = SharedBuilds.efiVm().requireSuccess();
        assertThat(HostState.run("sfdisk", "--dump", gpt.output("raw").toString()))
                .contains("label: gpt");

        Path tree = treeBoot(gpt.output("tar"));
        String before = sha256(gpt.output("raw"));
        Path got = Files.createDirectories(dir.resolve("got"));
        JdibProcess.Result k = JdibProcess.run(
                Duration.ofMinutes(5),
                env(),
                "disk-image-get-kernel",
                "-d",
                got.toString(),
                "-i",
                gpt.output("raw").toString(),
                "-o",
                "efi");

        assertThat(k.exitCode()).as(k.output()).isZero();
        assertSameKernel(tree, got.resolve("efi-vmlinuz"), got.resolve("efi-initrd"));
        assertThat(sha256(gpt.output("raw"))).isEqualTo(before);
        assertNothingLeft();
    }

    /** The /boot of the tree the image was built from, unpacked from its tar output. */
    private Path treeBoot(Path tar) throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree-" + tar.getFileName()));
        assertThat(sh("tar --extract --file '" + tar + "' --directory '" + tree + "' ./boot"))
                .doesNotContain("EXIT");
        return tree.resolve("boot");
    }

    private static void assertSameKernel(Path boot, Path kernel, Path initrd) throws IOException {
        List<Path> kernels;
        try (var list = Files.list(boot)) {
            kernels = list.filter(p -> p.getFileName().toString().startsWith("vmlinuz-"))
                    .toList();
        }
        assertThat(kernels).hasSize(1);
        String version = kernels.get(0).getFileName().toString().substring("vmlinuz-".length());
        assertThat(kernel).hasSameBinaryContentAs(kernels.get(0));
        assertThat(initrd).hasSameBinaryContentAs(boot.resolve("initrd.img-" + version));
    }

    private static String sha256(Path file) {
        return HostState.run("sha256sum", file.toString()).split(" ")[0];
    }
}
