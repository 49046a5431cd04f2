package io.jdib.blockdevice.lvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.blockdevice.lvm.LvmPlanner.LvRequest;
import io.jdib.blockdevice.lvm.LvmPlanner.PvRequest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * lvm2's own tools, reading only, accept what {@link PvWriter} writes: PVs on loop devices of
 * image files, scanned with a filter that admits only those loops.
 */
@Tag("integration")
class LvmMetadataIT {

    static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    /** Writes {@code vg} onto one image file per PV, attaches them, runs {@code check}, detaches. */
    private void withVg(VgLayout vg, Map<String, Path> files, Check check) throws Exception {
        List<String> loops = new ArrayList<>();
        try {
            Map<String, String> devices = new LinkedHashMap<>();
            for (VgLayout.Pv pv : vg.pvs()) {
                Path file = files.get(pv.name());
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(pv.deviceBytes());
                }
                String loop = run("losetup", "--find", "--show", file.toString())
                        .out()
                        .strip();
                loops.add(loop);
                devices.put(pv.name(), loop);
            }
            String text = VgText.render(vg, 1, devices, new VgText.Origin("jdib-test", 1700000000L));
            for (VgLayout.Pv pv : vg.pvs()) {
                try (FileChannel ch = FileChannel.open(Path.of(devices.get(pv.name())), StandardOpenOption.WRITE)) {
                    PvWriter.write(ch, 0, pv, text);
                }
            }
            check.run(new Lvm(loops));
        } finally {
            for (String loop : loops) {
                run("losetup", "--detach", loop);
            }
        }
    }

    @Test
    @Timeout(120)
    void onePvWithLvsBySizeAndByExtents() throws Exception {
        VgLayout vg = LvmPlanner.plan(
                "vgtest",
                LvmPlanner.DEFAULT_EXTENT_BYTES,
                List.of(new PvRequest("pv0", 201 * MIB)),
                List.of(
                        new LvRequest("lv_root", LvSize.size("40M")),
                        new LvRequest("lv_var", LvSize.extents("25%VG")),
                        new LvRequest("lv_home", LvSize.extents("100%FREE"))),
                new Random());
        withVg(vg, Map.of("pv0", dir.resolve("pv0.img")), lvm -> {
            String dev = lvm.loops().get(0);
            assertThat(lvm.report("pvs", "pv_name,vg_name,pv_fmt,pv_size,pv_free,pv_uuid,pe_start"))
                    .containsExactly(dev + "|vgtest|lvm2|209715200|0|"
                            + vg.pvs().get(0).id().formatted() + "|1048576");
            assertThat(lvm.report(
                            "vgs", "vg_name,pv_count,lv_count,vg_extent_size,vg_extent_count,vg_free_count,vg_uuid"))
                    .containsExactly("vgtest|1|3|4194304|50|0|" + vg.id().formatted());
            assertThat(lvm.report("lvs", "lv_name,lv_size,seg_pe_ranges"))
                    .containsExactlyInAnyOrder(
                            "lv_root|41943040|" + dev + ":0-9",
                            "lv_var|50331648|" + dev + ":10-21",
                            "lv_home|117440512|" + dev + ":22-49");
            assertThat(lvm.run("vgck", "vgtest").exitCode())
                    .as("vgck accepts it")
                    .isZero();
        });
    }

    @Test
    @Timeout(120)
    void twoPvsInOneVgWithAnLvAcrossBoth() throws Exception {
        VgLayout vg = LvmPlanner.plan(
                "vgtwo",
                LvmPlanner.DEFAULT_EXTENT_BYTES,
                List.of(new PvRequest("pv0", 41 * MIB), new PvRequest("pv1", 81 * MIB)),
                List.of(new LvRequest("small", LvSize.extents("4")), new LvRequest("wide", LvSize.extents("50%VG"))),
                new Random());
        withVg(vg, Map.of("pv0", dir.resolve("a.img"), "pv1", dir.resolve("b.img")), lvm -> {
            String a = lvm.loops().get(0);
            String b = lvm.loops().get(1);
            assertThat(lvm.report("pvs", "pv_name,vg_name,pv_pe_count,pv_pe_alloc_count"))
                    .containsExactlyInAnyOrder(a + "|vgtwo|10|10", b + "|vgtwo|20|9");
            assertThat(lvm.report("vgs", "vg_name,pv_count,lv_count,vg_extent_count,vg_free_count"))
                    .containsExactly("vgtwo|2|2|30|11");
            assertThat(lvm.report("lvs", "lv_name,seg_count,lv_size"))
                    .containsExactlyInAnyOrder("small|1|16777216", "wide|2|62914560");
            assertThat(lvm.report("lvs", "lv_name,seg_pe_ranges"))
                    .containsExactlyInAnyOrder("small|" + a + ":0-3", "wide|" + a + ":4-9", "wide|" + b + ":0-8");
            assertThat(lvm.run("vgck", "vgtwo").exitCode()).isZero();
        });
    }

    @Test
    @Timeout(120)
    void aCorruptedTextIsRejectedByLvm() throws Exception {
        VgLayout vg = LvmPlanner.plan(
                "vgbad",
                LvmPlanner.DEFAULT_EXTENT_BYTES,
                List.of(new PvRequest("pv0", 41 * MIB)),
                List.of(new LvRequest("lv", LvSize.extents("1"))),
                new Random());
        withVg(vg, Map.of("pv0", dir.resolve("bad.img")), lvm -> {
            assertThat(lvm.run("vgck", "vgbad").exitCode()).as("intact first").isZero();
            try (FileChannel ch = FileChannel.open(Path.of(lvm.loops().get(0)), StandardOpenOption.WRITE)) {
                ch.write(
                        java.nio.ByteBuffer.wrap("X".getBytes(StandardCharsets.US_ASCII)),
                        PvWriter.MDA_START + PvWriter.MDA_HEADER_SIZE + 3);
            }
            Result r = lvm.run("vgck", "vgbad");
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.err()).contains("Checksum error");
        });
    }

    interface Check {
        void run(Lvm lvm) throws Exception;
    }

    record Result(int exitCode, String out, String err) {}

    /** lvm2 commands that see only {@code loops}. */
    record Lvm(List<String> loops) {
        Result run(String... args) throws IOException, InterruptedException {
            StringBuilder filter = new StringBuilder("devices{filter=[");
            loops.forEach(l -> filter.append("\"a|^").append(l).append("$|\","));
            filter.append("\"r|.*|\"] obtain_device_list_from_udev=0} global{use_lvmetad=0}");
            List<String> argv = new ArrayList<>(List.of(args));
            argv.add(1, "--config");
            argv.add(2, filter.toString());
            return LvmMetadataIT.run(argv.toArray(String[]::new));
        }

        List<String> report(String command, String fields) throws IOException, InterruptedException {
            Result r = run(command, "--noheadings", "--units", "b", "--nosuffix", "--separator", "|", "-o", fields);
            assertThat(r.exitCode()).as(command + ": " + r.err()).isZero();
            return r.out().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        }
    }

    static Result run(String... argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        Path out = Files.createTempFile("lvm", ".out");
        Path err = Files.createTempFile("lvm", ".err");
        try {
            Process p =
                    pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " timed out");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
