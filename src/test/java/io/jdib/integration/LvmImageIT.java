package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.check.BootRequest;
import io.jdib.check.BootResult;
import io.jdib.check.QemuBoot;
import io.jdib.event.EventSink;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code debian-minimal vm block-device-efi-lvm} built on this host (no device-mapper) and booted
 * under QEMU: root, /var and /home on logical volumes the image's initramfs and systemd activate,
 * and growvols grows them at first boot on a larger disk. One build, shared by the tests.
 */
@Tag("integration")
class LvmImageIT {
    private static final Duration BUILD = Duration.ofMinutes(25);
    private static final Duration BOOT = Duration.ofMinutes(8);

    @TempDir
    static Path dir;

    static JdibProcess.Result build;

    static Map<String, String> env(String... extra) {
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

    static Path out(String name) {
        return dir.resolve("out").resolve(name);
    }

    @BeforeAll
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    static void buildOnce() {
        build = JdibProcess.run(
                BUILD,
                env("DIB_GROWVOLS_TRIGGER", "systemd", "DIB_GROWVOLS_ARGS", "/var=50% fs_home=512MiB"),
                "disk-image-create",
                "-o",
                out("lvm").toString(),
                "-t",
                "raw,qcow2",
                "--image-size",
                "6G",
                "debian-minimal",
                "vm",
                "block-device-efi-lvm",
                "growvols");
    }

    @Test
    @Timeout(60)
    void theBuildWritesTheVolumeGroupAndLeavesNothingAttached() {
        assertThat(build.exitCode()).as(build.output()).isZero();
        assertThat(build.output())
                .contains("pv 'pv' of vg 'vg' on /dev/loop")
                .contains("lv 'vg/lv_root'")
                .contains("lv 'vg/lv_var'")
                .contains("lv 'vg/lv_home'")
                .contains("installing GRUB for BIOS")
                .contains("installing GRUB for UEFI")
                .contains("growvols/80-growvols");
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
    }

    @Test
    @Timeout(120)
    void lvm2ReadsTheVolumesBackFromTheImage() throws Exception {
        assertThat(build.exitCode()).isZero();
        Path raw = out("lvm.raw");
        String part = HostState.run("sfdisk", "--dump", raw.toString())
                .lines()
                .filter(l -> l.contains("lvm.raw3"))
                .findFirst()
                .orElseThrow();
        long start = Long.parseLong(part.replaceAll(".*start=\\s*(\\d+),.*", "$1")) * 512;
        String pv = HostState.run(
                        "losetup", "--read-only", "--find", "--show", "--offset", Long.toString(start), raw.toString())
                .strip();
        try {
            String filter = "devices{filter=[\"a|^" + pv + "$|\",\"r|.*|\"]}";
            String lvs = lvm(
                    "lvs",
                    "--config",
                    filter,
                    "--noheadings",
                    "--separator",
                    "|",
                    "-o",
                    "vg_name,lv_name,seg_pe_ranges");
            List<String> rows =
                    lvs.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            assertThat(rows).hasSize(3).allMatch(r -> r.startsWith("vg|lv_"));
            assertThat(rows).anyMatch(r -> r.startsWith("vg|lv_root|" + pv + ":0-"));
            lvm("vgck", "--config", filter, "vg");
        } finally {
            HostState.run("losetup", "--detach", pv);
        }
    }

    @Test
    @Timeout(600)
    void itBootsWithBiosAndMountsVarAndHomeFromTheirLvs() throws Exception {
        assertThat(build.exitCode()).isZero();
        String console = boot(out("lvm.qcow2"), false);
        assertThat(console)
                .contains("root=/dev/mapper/vg-lv_root")
                .contains("XFS (dm-0)")
                .containsPattern("Mounted .{0,12}var\\.mount")
                .containsPattern("Mounted .{0,12}home\\.mount")
                .doesNotContain("emergency mode");
        assertThat(console).as("the disk is as large as the image").contains("growvols: no unpartitioned space");
    }

    @Test
    @Timeout(600)
    void onALargerDiskGrowvolsGrowsTheLvsAtFirstUefiBoot() throws Exception {
        assertThat(build.exitCode()).isZero();
        Path larger = dir.resolve("larger.qcow2");
        String made = HostState.run(
                "qemu-img",
                "create",
                "-f",
                "qcow2",
                "-F",
                "qcow2",
                "-b",
                out("lvm.qcow2").toString(),
                larger.toString(),
                "10G");
        assertThat(made).contains("Formatting");
        String console = boot(larger, true);
        assertThat(console)
                .contains("growvols: added /dev/vda4 to volume group vg")
                .containsPattern("growvols: vg/lv_var grew by \\d+ MiB")
                .contains("growvols: vg/lv_home grew by 512 MiB")
                .containsPattern("growvols: vg/lv_root grew by \\d+ MiB")
                .doesNotContain("emergency mode");
    }

    @Test
    @Timeout(120)
    void thinVolumesStopTheBuildBeforeTheTreeWithOneLine() {
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(2),
                env("DIB_BLOCK_DEVICE_CONFIG", "file://" + fixture("lvm-thin.yaml")),
                "disk-image-create",
                "-o",
                out("thin").toString(),
                "debian-minimal",
                "vm");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output())
                .containsPattern("error: [^\\n]*lvm-thin.yaml:21:9: lv 'lv_pool' is a thin-pool volume,"
                        + " which jdib cannot write without device-mapper");
        assertThat(r.output()).doesNotContain("==> root.d");
        assertThat(HostState.loopsUnder(dir)).isEmpty();
    }

    private static String boot(Path image, boolean uefi) throws Exception {
        Path log = dir.resolve(image.getFileName() + (uefi ? ".uefi" : ".bios") + ".console");
        BootRequest request =
                BootRequest.ofImage(image).withUefi(uefi).withTimeout(BOOT).withConsoleLog(log);
        BootResult booted = new QemuBoot(EventSink.NONE).boot(request);
        assertThat(booted.matched()).as(String.join("\n", booted.lastLines())).isTrue();
        return new String(Files.readAllBytes(booted.consoleLog()), StandardCharsets.ISO_8859_1);
    }

    /** An lvm2 command that must succeed; its standard output. */
    private static String lvm(String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", argv)).isZero();
        return out;
    }

    private static Path fixture(String name) {
        try {
            return Path.of(
                    Objects.requireNonNull(LvmImageIT.class.getResource(name)).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
