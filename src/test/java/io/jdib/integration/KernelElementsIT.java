package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel, initrd and hardware elements, built for real once: debian-minimal with a kernel (the
 * kernel-elements-test fixture adds a fake DKMS kernel and module, and fake older kernels in
 * /boot), dkms, cleanup-kernel-initrd, select-boot-kernel-initrd, dracut-regenerate, iscsi-boot,
 * mellanox, nm-dhcp-ib-interfaces, deploy-tgtadm, uboot and no-final-image, asked for a tar and a
 * qcow2. no-final-image leaves only the tar; every other test asserts on what its element left in
 * that tree. uboot is also run on its own against a tree with an ARM-style kernel, since this
 * host builds amd64.
 */
@Tag("integration")
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class KernelElementsIT {
    @TempDir
    static Path dir;

    static Path out;
    static Path tree;
    static JdibProcess.Result build;
    static String kernelVersion;

    @BeforeAll
    static void build() throws IOException {
        out = dir.resolve("out");
        Path work = dir.resolve("work");
        Map<String, String> env = new HashMap<>();
        env.put("ELEMENTS_PATH", JdibProcess.testElements().toString());
        env.put("JDIB_WORK_DIR", work.toString());
        env.put("DIB_RELEASE", "bookworm");
        build = JdibProcess.run(
                Duration.ofMinutes(40),
                env,
                "disk-image-create",
                "-o",
                out.resolve("k").toString(),
                "-t",
                "tar,qcow2",
                "debian-minimal",
                "kernel-elements-test",
                "dkms",
                "cleanup-kernel-initrd",
                "select-boot-kernel-initrd",
                "dracut-regenerate",
                "iscsi-boot",
                "mellanox",
                "nm-dhcp-ib-interfaces",
                "deploy-tgtadm",
                "uboot",
                "no-final-image");
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        tree = Files.createDirectories(dir.resolve("tree"));
        assertThat(sh("tar -C '" + tree + "' -xpf '" + out.resolve("k.tar") + "'"))
                .doesNotContain("EXIT");
        kernelVersion = sh("ls '" + tree + "/lib/modules'").strip();
        System.out.printf(
                "kernel-elements: tar %d MiB, kernel %s%n", Files.size(out.resolve("k.tar")) >> 20, kernelVersion);
    }

    @AfterAll
    static void nothingLeft() {
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
    }

    private static String sh(String script) {
        return HostState.run("/bin/bash", "-c", "set -eu -o pipefail; " + script + " 2>&1 || echo \"EXIT $?\"");
    }

    private static String read(String path) throws IOException {
        return Files.readString(tree.resolve(path));
    }

    /** Packages dpkg records as installed in the image. */
    private static List<String> installed() {
        return sh("dpkg-query --admindir='" + tree + "/var/lib/dpkg' -W -f='${db:Status-Abbrev} ${Package}\\n'")
                .lines()
                .filter(l -> l.startsWith("ii "))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .toList();
    }

    private static List<String> boot() throws IOException {
        try (Stream<Path> files = Files.list(tree.resolve("boot"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void noFinalImageRunsEveryPhaseButMakesNoDisk() {
        assertThat(out.resolve("k.tar")).isRegularFile();
        assertThat(out.resolve("k.qcow2")).doesNotExist();
        assertThat(build.output())
                .contains("JDIB_NO_FINAL_IMAGE=1 (the no-final-image element): no disk image is made, qcow2 skipped")
                .doesNotContain("create disk");
        // finalise.d and cleanup.d ran on the tree: their results are in the tar.
        assertThat(tree.resolve("var/lib/kernel-elements-test/selected")).isRegularFile();
        assertThat(tree.resolve("boot/vmlinuz-5.10.0-99-amd64")).doesNotExist();
    }

    @Test
    void dkmsBuildsRegisteredModulesForEveryKernelWithHeaders() throws IOException {
        assertThat(installed()).contains("dkms");
        assertThat(read("var/lib/kernel-elements-test/dkms-status"))
                .contains("jdibhello/1.0, 9.9.9-jdibtest, x86_64: installed");
        assertThat(read("var/lib/kernel-elements-test/dkms-modules"))
                .contains("/lib/modules/9.9.9-jdibtest/updates/dkms/jdibhello.ko");
        assertThat(read("var/lib/kernel-elements-test/jdibhello.ko")).isEqualTo("jdibhello built by dkms\n");
        // The real kernel has no headers in this image: skipped, not a failure.
        assertThat(build.output()).contains("dkms: kernel " + kernelVersion + " has no headers installed");
    }

    @Test
    void cleanupKernelInitrdKeepsOnlyTheBootKernelAndDebugKernels() throws IOException {
        assertThat(boot())
                .contains("vmlinuz-" + kernelVersion, "initrd.img-" + kernelVersion, "config-" + kernelVersion)
                .contains("vmlinuz-5.10.0-98-debug", "initrd.img-5.10.0-98-debug")
                .noneMatch(name -> name.contains("5.10.0-99"));
        assertThat(build.output())
                .contains(
                        "cleanup-kernel-initrd: keeping vmlinuz-" + kernelVersion + " and initrd.img-" + kernelVersion)
                .containsPattern("removed '[^']*/boot/vmlinuz-5\\.10\\.0-99-amd64'");
    }

    @Test
    void selectBootKernelInitrdNamesTheNewestPairAndLeavesNoHelpersBehind() throws IOException {
        assertThat(read("var/lib/kernel-elements-test/selected").strip())
                .isEqualTo("vmlinuz-" + kernelVersion + ":initrd.img-" + kernelVersion);
        Path command = tree.resolve("usr/local/bin/select-boot-kernel-initrd");
        assertThat(command).isExecutable();
        assertThat(tree.resolve("lib/diskimage-builder")).doesNotExist();
    }

    @Test
    void dracutRegenerateRebuildsTheInitrdWithModulesAndElementConfiguration() throws IOException {
        assertThat(installed())
                .contains("dracut", "cryptsetup", "lvm2", "dracut-network", "iproute2", "procps")
                .doesNotContain("initramfs-tools", "python3-yaml");
        assertThat(read("etc/dracut.conf.d/90-kernel-elements-test.conf")).contains("/etc/kernel-elements-test.marker");
        assertThat(build.output())
                .contains(
                        "dracut-regenerate: dracut --force --add crypt lvm network iscsi --no-hostonly /boot/initrd.img-"
                                + kernelVersion + " " + kernelVersion);
        Path unpacked = dir.resolve("initrd");
        assertThat(sh("unmkinitramfs '" + tree.resolve("boot/initrd.img-" + kernelVersion) + "' '" + unpacked + "'"))
                .doesNotContain("EXIT");
        String listing = sh("cd '" + unpacked + "' && find . -printf '%P\\n'");
        assertThat(listing)
                .containsPattern("(?m)(^|/)etc/kernel-elements-test\\.marker$")
                .containsPattern("(?m)/crypt-run-generator$")
                .containsPattern("(?m)/lvm$")
                .containsPattern("(?m)/iscsiadm$")
                .containsPattern("(?m)/dhclient$");
        // dracut lists the modules it put into the initrd.
        List<String> modules = List.of(sh("cat \"$(find '" + unpacked + "' -path '*/usr/lib/dracut/modules.txt')\"")
                .strip()
                .split("\\s+"));
        assertThat(modules).contains("crypt", "lvm", "network", "network-legacy", "iscsi");
    }

    @Test
    void iscsiBootConfiguresOpenIscsiAndTheDracutRoute() throws IOException {
        assertThat(installed()).contains("open-iscsi");
        assertThat(read("etc/iscsi/iscsi.initramfs").strip()).isEqualTo("ISCSI_AUTO=true");
        assertThat(read("etc/default/grub.d/60-iscsi-boot.cfg")).contains("rd.iscsi.firmware=1");
        assertThat(read("etc/dracut.conf.d/50-iscsi-boot.conf")).contains("add_dracutmodules+=\" network-legacy \"");
        // The cfg file is sourced by grub-mkconfig: it must append to what earlier files set.
        assertThat(sh("GRUB_CMDLINE_LINUX_DEFAULT=quiet; source '"
                        + tree.resolve("etc/default/grub.d/60-iscsi-boot.cfg")
                        + "'; echo \"$GRUB_CMDLINE_LINUX_DEFAULT\""))
                .isEqualTo("quiet rd.iscsi.firmware=1\n");
    }

    @Test
    void mellanoxInstallsTheRdmaStackAndLoadsItsDriversOnce() throws IOException {
        assertThat(installed())
                .contains(
                        "rdma-core",
                        "libibverbs1",
                        "ibverbs-providers",
                        "ibverbs-utils",
                        "librdmacm1",
                        "rdmacm-utils",
                        "libibmad5",
                        "libibumad3",
                        "infiniband-diags",
                        "ibacm",
                        "srptools",
                        "opensm",
                        "perftest",
                        "mstflint",
                        "pciutils",
                        "vlan");
        String rules = read("etc/udev/rules.d/81-mellanox.rules");
        List<String> modules = List.of("mlx4_en", "mlx4_ib", "ib_ipoib", "mlx5_ib", "ib_umad", "ib_uverbs");
        for (String module : modules) {
            assertThat(rules).contains("SUBSYSTEM==\"net\", RUN+=\"/sbin/modprobe " + module + "\"");
            assertThat(read("etc/modules").lines().filter(module::equals))
                    .as(module)
                    .hasSize(1);
        }
        // The drivers it loads are modules of the image's kernel.
        assertThat(sh("find '" + tree.resolve("lib/modules") + "' -name 'mlx5_ib.ko*' -o -name 'ib_ipoib.ko*'")
                        .lines())
                .hasSize(2);
    }

    @Test
    void nmDhcpIbInterfacesInstallsAWildcardInfinibandProfile() throws IOException {
        Path profile = tree.resolve("etc/NetworkManager/system-connections/infiniband.nmconnection");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile)))
                .isEqualTo("rw-------");
        assertThat(Files.getOwner(profile).getName()).isEqualTo("root");
        assertThat(read("etc/NetworkManager/system-connections/infiniband.nmconnection"))
                .contains("type=infiniband", "multi-connect=3", "transport-mode=datagram", "method=auto")
                .doesNotContain("interface-name");
    }

    @Test
    void deployTgtadmInstallsTgtAndItsRamdiskFunctionsParse() {
        assertThat(installed()).contains("tgt");
        assertThat(tree.resolve("usr/sbin/tgtadm")).isExecutable();
        assertThat(tree.resolve("usr/sbin/tgtd")).isExecutable();
        Path element = JdibProcess.home().resolve("elements/deploy-tgtadm");
        // The init.d fragment runs in the ramdisk's busybox sh: POSIX only.
        assertThat(sh("busybox sh -n '" + element.resolve("init.d/40-deploy-tgtadm") + "' && echo ok"))
                .isEqualTo("ok\n");
        assertThat(sh("cat '" + element.resolve("binary-deps.d/deploy-tgtadm") + "'"))
                .isEqualTo("tgtadm\ntgtd\n");
    }

    @Test
    void ubootLeavesAnAmd64KernelAsItIs() {
        assertThat(build.output()).contains("uboot: amd64 is not a 32-bit ARM architecture");
        assertThat(sh("mkimage -l '" + tree.resolve("boot/vmlinuz-" + kernelVersion) + "'"))
                .contains("EXIT");
    }

    /** The uboot hook itself, on a tree whose ARCH is armhf: kernel and initrd become U-Boot images. */
    @Test
    void ubootWrapsAnArmKernelAndInitrdOnce() throws IOException {
        Path arm = Files.createDirectories(dir.resolve("arm-tree"));
        Files.createDirectories(arm.resolve("etc"));
        Files.writeString(arm.resolve("etc/debian_version"), "12.0\n");
        Files.createDirectories(arm.resolve("boot"));
        Files.write(arm.resolve("boot/vmlinuz-6.1.0-9-armmp"), new byte[4096]);
        assertThat(sh("echo initrd | gzip > '" + arm.resolve("boot/initrd.img-6.1.0-9-armmp") + "'"))
                .doesNotContain("EXIT");
        Path hook = JdibProcess.home().resolve("elements/uboot/cleanup.d/98-uboot");
        String env = "ARCH=armhf TARGET_ROOT='" + arm + "' _LIB='"
                + JdibProcess.home().resolve("lib") + "' UBOOT_KERNEL_ADDR=0x10008000 UBOOT_KERNEL_EP=0x10008040 ";

        assertThat(sh(env + "'" + hook + "'")).doesNotContain("EXIT");
        assertThat(sh(env + "'" + hook + "'"))
                .contains("is already a U-Boot image")
                .doesNotContain("EXIT");

        String kernel = sh("mkimage -l '" + arm.resolve("boot/vmlinuz-6.1.0-9-armmp") + "'");
        assertThat(kernel)
                .contains("Image Name:   Kernel")
                .contains("ARM Linux Kernel Image (uncompressed)")
                .contains("Load Address: 10008000")
                .contains("Entry Point:  10008040")
                .contains("Data Size:    4096 Bytes");
        assertThat(sh("mkimage -l '" + arm.resolve("boot/initrd.img-6.1.0-9-armmp") + "'"))
                .contains("Image Name:   RAMdisk")
                .contains("ARM Linux RAMDisk Image (gzip compressed)");
    }
}
