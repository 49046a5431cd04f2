package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import io.jdib.testing.SerialBoot;
import io.jdib.testing.SharedBuilds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * replace-partition and block-device-efi-4k on one real build, DIB's documented use of the two:
 * the shared EFI image (GPT on 512-byte sectors) is rebuilt, packages untouched, as a GPT/ESP image
 * for 4096-byte sectors. The result is read on a 4K loop device (sgdisk, fsck of both filesystems),
 * compared with the source's tree, read back by replace-partition's own extractor with
 * DIB_SOURCE_BLOCK_SIZE=4096, and booted under OVMF from a virtio disk with 4096-byte sectors.
 */
@Tag("integration")
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class DiskElementsIT {
    private static final Duration BUILD = Duration.ofMinutes(20);

    @TempDir
    static Path dir;

    private static SharedBuilds.Built source;
    private static JdibProcess.Result build;
    private static Path image;

    private static Map<String, String> env() {
        return new HashMap<>(Map.of(
                "ELEMENTS_PATH", JdibProcess.testElements().toString(),
                "JDIB_WORK_DIR", dir.resolve("work").toString()));
    }

    @BeforeAll
    static void rebuildTheEfiImageFor4kSectors() {
        source = SharedBuilds.efiVm().requireSuccess();
        Map<String, String> env = env();
        env.putAll(Map.of(
                "DIB_LOCAL_IMAGE", source.output("qcow2").toString(),
                "DISTRO_NAME", "debian",
                "DIB_RELEASE", "trixie"));
        long start = System.nanoTime();
        build = JdibProcess.run(
                BUILD,
                env,
                "disk-image-create",
                "-o",
                dir.resolve("out/k4").toString(),
                "-t",
                "raw",
                "replace-partition",
                "block-device-efi-4k");
        System.out.printf("DiskElementsIT: replace-partition build in %.1f s%n", (System.nanoTime() - start) / 1e9);
        image = dir.resolve("out/k4.raw");
    }

    private void requireBuild() {
        assertThat(build.exitCode()).as(build.output()).isZero();
    }

    /** Runs {@code script} with the image on a read-only 4K loop as $L (partitions $L"p1"...), detached after. */
    private String onLoop4k(String script) {
        return HostState.run(
                "/bin/bash",
                "-c",
                "set -eu -o pipefail; L=$(losetup --find --show --read-only --sector-size 4096 '" + image + "');"
                        + " trap 'partx -d $L >/dev/null 2>&1 || true; losetup -d $L' EXIT; partx -a $L; "
                        + script + " 2>&1 || echo \"EXIT $?\"");
    }

    private static String sh(String script) {
        return HostState.run("/bin/bash", "-c", "set -eu -o pipefail; " + script + " 2>&1 || echo \"EXIT $?\"");
    }

    @Test
    void buildCopiesEveryFilesystemOfTheSourceAndChangesNoPackage() {
        requireBuild();
        assertThat(build.output())
                .contains("elements: ")
                .contains("replace-partition")
                .contains("block-device-efi-4k")
                .contains("replace-partition: copied / (ext4) from partition 3")
                .contains("replace-partition: copied /boot/efi (vfat) from partition 1")
                .doesNotContain("debian-minimal/08-debian-minimal-bootstrap")
                .doesNotContain("not in the image:");
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
    }

    @Test
    void gptIsWrittenIn4kSectorsAndBothFilesystemsCheckClean() throws IOException {
        requireBuild();
        System.out.printf("DiskElementsIT: k4.raw %d MiB%n", Files.size(image) >> 20);
        String table = onLoop4k("sgdisk -p $L; sfdisk --dump $L");
        assertThat(table)
                .doesNotContain("EXIT")
                .contains("Sector size (logical/physical): 4096/4096 bytes")
                .contains("sector-size: 4096")
                .contains("first-lba: 6")
                .containsPattern("1 +256 +141055 +550\\.0 MiB +EF00 +ESP")
                .containsPattern("2 +141056 +143103 +8\\.0 MiB +EF02 +BSP")
                .containsPattern("3 +143104 +\\d+ +\\d+\\.\\d MiB +8300 +root");
        // Read with 512-byte sectors, the same bytes show only the protective MBR: no GPT.
        assertThat(sh("sfdisk --json '" + image + "'"))
                .contains("\"label\": \"dos\"")
                .contains("\"type\": \"ee\"");

        String checks = onLoop4k("fsck.fat -n ${L}p1; file -s ${L}p1; e2fsck -fn ${L}p3;"
                + " mdir -/ -b -i ${L}p1 ::/EFI/BOOT; blkid -o export ${L}p3");
        assertThat(checks)
                .doesNotContain("EXIT")
                .contains("Bytes/sector 4096")
                .contains("label: \"ESP        \"")
                .contains("::/EFI/BOOT/BOOTX64.EFI")
                .contains("LABEL=cloudimg-rootfs")
                .containsPattern("cloudimg-rootfs: \\d+/\\d+ files");
    }

    @Test
    void treeIsTheSourceTreeWithTheNewFstab() throws IOException {
        requireBuild();
        Path src = Files.createDirectories(dir.resolve("source-tree"));
        assertThat(sh("tar --extract --file '" + source.output("tar") + "' --directory '" + src
                        + "' ./var/lib/dpkg/status ./etc/hostname ./usr/lib/os-release"))
                .doesNotContain("EXIT");
        Path got = Files.createDirectories(dir.resolve("new-tree"));
        assertThat(onLoop4k("for f in var/lib/dpkg/status etc/hostname usr/lib/os-release etc/fstab; do"
                        + " debugfs -R \"dump /$f " + got + "/$(basename $f)\" ${L}p3; done"))
                .doesNotContain("EXIT");
        // The same packages, byte for byte: nothing was installed, upgraded or removed.
        assertThat(got.resolve("status")).hasSameTextualContentAs(src.resolve("var/lib/dpkg/status"));
        assertThat(got.resolve("hostname")).hasSameTextualContentAs(src.resolve("etc/hostname"));
        assertThat(got.resolve("os-release")).hasSameTextualContentAs(src.resolve("usr/lib/os-release"));
        assertThat(Files.readString(got.resolve("fstab")))
                .containsPattern("LABEL=cloudimg-rootfs\\s+/\\s")
                .containsPattern("/boot/efi\\s+vfat");
    }

    @Test
    void extractorReadsA4kImageOnlyWhenToldItsSectorSize() throws IOException {
        requireBuild();
        Path tree = dir.resolve("extracted");
        Map<String, String> env = env();
        JdibProcess.Result wrong = JdibProcess.run(
                Duration.ofMinutes(5),
                env,
                "internal",
                "image-extract",
                "--image",
                image.toString(),
                "--root",
                dir.resolve("wrong").toString());
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.output()).contains("needs DIB_SOURCE_BLOCK_SIZE=4096");

        JdibProcess.Result right = JdibProcess.run(
                Duration.ofMinutes(5),
                env,
                "internal",
                "image-extract",
                "--image",
                image.toString(),
                "--sector-size",
                "4096",
                "--root",
                tree.toString());
        assertThat(right.exitCode()).as(right.output()).isZero();
        assertThat(tree.resolve("etc/fstab")).isRegularFile();
        assertThat(tree.resolve("boot/efi/EFI/BOOT/BOOTX64.EFI")).isRegularFile();
        // Owners and modes survive (GNU tar with numeric owners): root:shadow 0640.
        assertThat(sh("stat -c '%u:%g %a' '" + tree.resolve("etc/shadow") + "'"))
                .startsWith("0:42 640");
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
    }

    @Test
    void bootsUnderOvmfFromADiskWith4kSectors() {
        requireBuild();
        List<String> drives = new ArrayList<>(SerialBoot.ovmf(dir));
        drives.addAll(List.of(
                "-drive",
                "file=" + image + ",format=raw,if=none,id=d0,snapshot=on",
                "-device",
                "virtio-blk-pci,drive=d0,logical_block_size=4096,physical_block_size=4096"));
        SerialBoot.Result r = SerialBoot.boot(drives, dir.resolve("k4.console"), "login:", Duration.ofMinutes(8));
        assertThat(r.matched())
                .as(r.console().substring(Math.max(0, r.console().length() - 3000)))
                .isTrue();
        System.out.printf("DiskElementsIT: 4K-sector UEFI boot to login in %.1f s%n", r.seconds());
        assertThat(r.console())
                .contains("4096-byte logical blocks")
                .containsPattern("Mounted .{0,20}boot-efi\\.mount")
                .doesNotContain("Kernel panic");
    }

    @Test
    void withoutALocalImageTheBuildStopsNamingTheVariable() {
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(5),
                env(),
                "disk-image-create",
                "-o",
                dir.resolve("out/none").toString(),
                "-t",
                "raw",
                "replace-partition",
                "block-device-efi-4k");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output())
                .contains("replace-partition: set DIB_LOCAL_IMAGE (see the element's README)")
                .contains("10-local-image-extract");
        assertThat(dir.resolve("out/none.raw")).doesNotExist();
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
    }
}
