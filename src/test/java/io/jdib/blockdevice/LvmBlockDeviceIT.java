package io.jdib.blockdevice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.check.CheckReport;
import io.jdib.check.ImageCheck;
import io.jdib.event.EventSink;
import io.jdib.sys.Ledger;
import io.jdib.sys.Workspace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LVM layouts built on a host without device-mapper: the PVs are written by jdib, the LVs reached
 * by offset loops; afterwards lvm2's tools find the LVs where the filesystems are.
 */
@Tag("integration")
class LvmBlockDeviceIT extends LoopTestSupport {

    @Test
    @Timeout(180)
    void lvsHoldTheFilesystemsWhereLvmSaysTheyAre() throws Exception {
        BlockDeviceGraph g = layout("lvm-root-var.yaml");
        Path raw;
        try (BlockDevice disk = BlockDevice.create(g, options(256 * MIB), ledger, events)) {
            String rootDev = disk.device("lv_root").orElseThrow();
            String varDev = disk.device("lv_var").orElseThrow();
            assertThat(rootDev)
                    .startsWith("/dev/loop")
                    .isNotEqualTo(disk.device("image0").orElseThrow());
            assertThat(disk.bootDevice("lv_root")).contains("/dev/mapper/vgjdib-lv_root");
            assertThat(disk.bootDevice("root")).isEmpty();
            assertThat(blkid(rootDev, "LABEL")).isEqualTo("lvroot");
            assertThat(blkid(varDev, "LABEL")).isEqualTo("lvvar");
            Files.writeString(mountRoot.resolve("hello"), "on the root lv\n");
            Files.writeString(mountRoot.resolve("var/hello"), "on the var lv\n");
            Files.createDirectories(mountRoot.resolve("etc"));
            Files.writeString(mountRoot.resolve("etc/fstab"), disk.fstab());
            assertThat(disk.fstab())
                    .isEqualTo("LABEL=lvroot / ext4 defaults 0 1\nLABEL=lvvar /var ext4 defaults 0 2\n");
            assertThat(BlockDeviceState.read(imageDir).loops())
                    .extracting(BlockDeviceState.LoopState::node)
                    .containsExactly("image0", "lv_root", "lv_var");
            disk.umount();
            disk.cleanup();
            raw = disk.imageFile();
        }
        assertThat(losetupJ(raw)).isEmpty();

        // jdib check finds the root LV through the metadata and mounts /var from its LV.
        CheckReport report;
        try (Workspace workspace = Workspace.open(tmp, "check", m -> {})) {
            report = new ImageCheck(workspace.work(), workspace.ledger(), m -> {}).check(raw);
        }
        String evidence = report.result("root-filesystem").orElseThrow().evidence().stream()
                .map(e -> e.file() + ": " + e.text())
                .reduce("", (a, b) -> a + "\n" + b);
        assertThat(evidence).contains("the root is on LVM").contains("vgjdib-lv_root: ext4 LABEL=lvroot mounted at /");
        assertThat(losetupJ(raw)).as("check detaches what it attached").isEmpty();

        // Read back: the PV partition (partition 2 of the GPT) through a read-only offset loop.
        String part = ok("sfdisk", "--dump", raw.toString())
                .lines()
                .filter(l -> l.contains("image0.raw2"))
                .findFirst()
                .orElseThrow();
        long start = Long.parseLong(part.replaceAll(".*start=\\s*(\\d+),.*", "$1")) * 512;
        String pv = ok("losetup", "--read-only", "--find", "--show", "--offset", Long.toString(start), raw.toString())
                .strip();
        try {
            String filter = "devices{filter=[\"a|^" + pv + "$|\",\"r|.*|\"]}";
            List<String> lvs = lvm("lvs", filter, "lv_name,lv_size,seg_pe_ranges");
            assertThat(lvs).hasSize(2);
            assertThat(lvm("vgck", filter, null)).isEmpty();
            long peStart = Long.parseLong(lvm("pvs", filter, "pe_start").get(0));
            long extent = Long.parseLong(lvm("vgs", filter, "vg_extent_size").get(0));
            for (String[] lv :
                    new String[][] {{"lv_root", "/hello", "on the root lv"}, {"lv_var", "/hello", "on the var lv"}}) {
                String line = lvs.stream()
                        .filter(l -> l.startsWith(lv[0] + "|"))
                        .findFirst()
                        .orElseThrow();
                String[] f = line.split("\\|");
                long first = Long.parseLong(f[2].replaceAll(".*:(\\d+)-\\d+", "$1"));
                long offset = start + peStart + first * extent;
                String dev = ok(
                                "losetup",
                                "--read-only",
                                "--find",
                                "--show",
                                "--offset",
                                Long.toString(offset),
                                "--sizelimit",
                                f[1],
                                raw.toString())
                        .strip();
                try {
                    assertThat(ok("debugfs", "-R", "cat " + lv[1], dev))
                            .as(lv[0])
                            .contains(lv[2]);
                } finally {
                    ok("losetup", "--detach", dev);
                }
            }
        } finally {
            ok("losetup", "--detach", pv);
        }
    }

    @Test
    @Timeout(180)
    void aFailedMkfsOnAnLvLeavesNothingAttached() throws Exception {
        BlockDeviceGraph g = layout("lvm-bad-mkfs.yaml");
        assertThatThrownBy(() -> BlockDevice.create(g, options(256 * MIB), ledger, events))
                .isInstanceOf(BlockDeviceException.class)
                .hasMessageContaining("mkfs 'fs_var'");
        assertThat(losetupJ(imageDir.resolve("image0.raw"))).isEmpty();
        assertThat(Ledger.pending(ledger.file())).isEmpty();
    }

    @Test
    @Timeout(180)
    void anLvTooLargeForTheImageStopsBeforeAnythingIsMade() throws Exception {
        BlockDeviceGraph g = layout("/io/jdib/blockdevice/config/errors/lvm-lv-too-big.yaml");
        assertThatThrownBy(() -> BlockDevice.create(g, options(0), ledger, events))
                .hasMessageStartingWith(
                        "/io/jdib/blockdevice/config/errors/lvm-lv-too-big.yaml:21:9: lv 'lv_var' needs");
        assertThat(Files.exists(imageDir.resolve("image0.raw"))).isFalse();
    }

    @Test
    @Timeout(180)
    void aKilledLvmBuildIsUndoneFromItsLedger() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), KilledMain.class.getName(), tmp.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            List<String> seen = new ArrayList<>();
            String ready = null;
            for (String line; (line = out.readLine()) != null; ) {
                seen.add(line);
                if (line.startsWith("READY ")) {
                    ready = line;
                    break;
                }
            }
            assertThat(ready).as("child output: %s", seen).isNotNull();
            Path ledgerFile = Path.of(ready.split(" ")[1]);
            Path raw = tmp.resolve("killed/image/image0.raw");
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(losetupJ(raw)).as("the disk and both lvs").hasSize(3);

            Ledger.undoAll(ledgerFile, m -> {});
            assertThat(losetupJ(raw)).isEmpty();
            assertThat(io.jdib.sys.Mounts.mountedUnder(tmp)).isEmpty();
            assertThat(Ledger.pending(ledgerFile)).isEmpty();
        } finally {
            child.destroyForcibly();
        }
    }

    /** Builds lvm-root-var.yaml under the directory it is given, says READY and waits to be killed. */
    public static final class KilledMain {
        public static void main(String[] args) throws Exception {
            Path work = Path.of(args[0]).resolve("killed");
            Ledger ledger = Ledger.create(work.resolve("ledger"), m -> {});
            BlockDevice.create(
                    layout("lvm-root-var.yaml"),
                    BlockDevice.Options.of(work.resolve("image"), work.resolve("mnt"), 256 * MIB),
                    ledger,
                    EventSink.NONE);
            System.out.println("READY " + ledger.file());
            System.out.flush();
            Thread.sleep(600_000);
        }
    }

    /** An lvm2 report (values only, '|' between fields) scoped by {@code filter}; fields null: no report options. */
    private static List<String> lvm(String command, String filter, String fields) {
        List<String> argv = new ArrayList<>(List.of(command, "--config", filter));
        if (fields != null) {
            argv.addAll(List.of("--noheadings", "--units", "b", "--nosuffix", "--separator", "|", "-o", fields));
        } else {
            argv.add("vgjdib");
        }
        return ok(argv.toArray(String[]::new))
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
    }
}
