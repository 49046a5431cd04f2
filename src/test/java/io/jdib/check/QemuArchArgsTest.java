package io.jdib.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.sys.Architecture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The emulator command line per architecture (no QEMU is started). */
class QemuArchArgsTest {
    @Test
    void arm64BootsTheVirtMachineWithAavmfAlways() {
        BootRequest request = BootRequest.ofImage(Path.of("/images/arm.qcow2")).withArch(Architecture.ARM64);
        assertThat(request.bootsUefi()).isTrue();

        var argv = QemuBoot.qemuArgs(
                Path.of("/usr/bin/qemu-system-aarch64"),
                request,
                Path.of("/tmp/c.log"),
                Path.of("/tmp/vars.fd"),
                "qcow2");

        assertThat(argv)
                .containsSubsequence(
                        "/usr/bin/qemu-system-aarch64", "-accel", "tcg", "-M", "virt", "-cpu", "cortex-a57")
                .contains("if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd")
                .contains("if=pflash,format=raw,unit=1,file=/tmp/vars.fd")
                .contains("file=/images/arm.qcow2,format=qcow2,if=virtio,snapshot=on");
    }

    @Test
    void armhfBootsTheVirtMachineWith32BitAavmf() {
        BootRequest request =
                BootRequest.ofImage(Path.of("/images/armhf.qcow2")).withArch(Architecture.ARMHF);
        assertThat(request.bootsUefi()).isTrue();
        var argv = QemuBoot.qemuArgs(
                Path.of("/usr/bin/qemu-system-arm"), request, Path.of("/tmp/c.log"), Path.of("/tmp/v.fd"), "qcow2");
        assertThat(argv)
                .containsSubsequence("/usr/bin/qemu-system-arm", "-accel", "tcg", "-M", "virt", "-cpu", "cortex-a15")
                .contains("if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/AAVMF/AAVMF32_CODE.fd");
    }

    @Test
    void ppc64elBootsPseriesWithItsOwnFirmware() {
        BootRequest request = BootRequest.ofImage(Path.of("/images/ppc.qcow2")).withArch(Architecture.PPC64EL);
        assertThat(request.bootsUefi()).isFalse();
        var argv =
                QemuBoot.qemuArgs(Path.of("/usr/bin/qemu-system-ppc64"), request, Path.of("/tmp/c.log"), null, "qcow2");
        assertThat(argv)
                .containsSubsequence("/usr/bin/qemu-system-ppc64", "-accel", "tcg", "-M", "pseries")
                .contains("file=/images/ppc.qcow2,format=qcow2,if=virtio,snapshot=on")
                .noneMatch(a -> a.contains("pflash"));
        assertThat(QemuBoot.firmwareName(request)).isEqualTo("SLOF");
        assertThat(QemuBoot.firmwareName(request.withArch(Architecture.I386))).isEqualTo("BIOS");
        assertThat(QemuBoot.firmwareName(request.withArch(Architecture.ARMHF))).isEqualTo("UEFI");
    }

    @Test
    void s390xIplsTheCcwMachineWithChannelDevices() {
        BootRequest request = BootRequest.ofImage(Path.of("/images/z.qcow2")).withArch(Architecture.S390X);
        assertThat(request.bootsUefi()).isFalse();
        var argv =
                QemuBoot.qemuArgs(Path.of("/usr/bin/qemu-system-s390x"), request, Path.of("/tmp/c.log"), null, "qcow2");
        assertThat(argv)
                .containsSubsequence("/usr/bin/qemu-system-s390x", "-accel", "tcg", "-M", "s390-ccw-virtio")
                .contains("user,model=virtio")
                .contains("file=/images/z.qcow2,format=qcow2,if=virtio,snapshot=on")
                .noneMatch(a -> a.contains("pflash") || a.contains("virtio-net-pci"));
        assertThat(QemuBoot.firmwareName(request)).isEqualTo("s390-ccw IPL");
    }

    @Test
    void amd64KeepsBiosUnlessUefiIsAsked() {
        BootRequest bios = BootRequest.ofImage(Path.of("/i.qcow2")).withArch(Architecture.AMD64);
        assertThat(bios.bootsUefi()).isFalse();
        var argv =
                QemuBoot.qemuArgs(Path.of("/usr/bin/qemu-system-x86_64"), bios, Path.of("/tmp/c.log"), null, "qcow2");
        assertThat(argv).doesNotContain("-M").noneMatch(a -> a.contains("pflash"));

        BootRequest uefi = bios.withUefi(true);
        var uefiArgv = QemuBoot.qemuArgs(
                Path.of("/usr/bin/qemu-system-x86_64"), uefi, Path.of("/tmp/c.log"), Path.of("/tmp/v.fd"), "qcow2");
        assertThat(uefiArgv).contains("if=pflash,format=raw,unit=0,readonly=on,file=" + QemuBoot.OVMF_CODE);
    }

    @Test
    void theDefaultIsThisHostsArchitectureAndWithersKeepIt() {
        assertThat(BootRequest.ofImage(Path.of("/i")).arch()).isEqualTo(Architecture.host());
        BootRequest arm = BootRequest.ofImage(Path.of("/i")).withArch(Architecture.ARM64);
        assertThat(arm.withTimeout(java.time.Duration.ofSeconds(5))
                        .withMemoryMiB(512)
                        .withExpect("x")
                        .arch())
                .isEqualTo(Architecture.ARM64);
    }

    @Test
    void bootWithAnUnknownArchitectureSaysWhichAreKnown(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path image = java.nio.file.Files.writeString(dir.resolve("i.raw"), "x");
        InProcessCli.Run run = InProcessCli.jdib("boot", "-a", "sparc", image.toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("unknown architecture 'sparc' for -a").contains("arm64 (aarch64)");
    }
}
