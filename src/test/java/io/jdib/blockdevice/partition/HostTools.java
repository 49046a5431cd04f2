package io.jdib.blockdevice.partition;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Runs sfdisk, sgdisk and partx against image files: the field's own tools judge our tables. */
final class HostTools {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HostTools() {}

    record Result(int exitCode, String stdout, String stderr) {}

    static Result run(String... command) {
        try {
            Path err = Files.createTempFile("jdib-tool", ".err");
            Path out = Files.createTempFile("jdib-tool", ".out");
            try {
                Process p = new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + String.join(" ", command));
                }
                return new Result(
                        p.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0] + " (install fdisk/gdisk)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs and insists on exit code 0, returning stdout. */
    static String ok(String... command) {
        Result r = run(command);
        assertThat(r.exitCode())
                .as("%s failed: %s%s", String.join(" ", command), r.stdout(), r.stderr())
                .isZero();
        return r.stdout();
    }

    /** A sparse image file of the given size. */
    static Path sparseImage(Path dir, String name, long bytes) throws IOException {
        Path image = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return image;
    }

    /** sfdisk 2.38 cannot be told a sector size, so these read 512-byte-sector tables only. */
    static JsonNode sfdiskJson(Path image) throws IOException {
        return JSON.readTree(ok("sfdisk", "--json", image.toString())).get("partitiontable");
    }

    /** {@code sfdisk --dump} with the temp path replaced by IMAGE, so it can be a fixture. */
    static String sfdiskDump(Path image) {
        return ok("sfdisk", "--dump", image.toString()).replace(image.toString(), "IMAGE");
    }

    /** {@code fdisk -l} for any sector size (fdisk takes -b), path replaced by IMAGE. */
    static String fdiskList(Path image, int sectorSize, Label label) {
        String columns = label == Label.GPT
                ? "Device,Start,End,Sectors,Type-UUID,Attrs,Name,UUID"
                : "Device,Boot,Start,End,Sectors,Id,End-C/H/S";
        String out = ok("fdisk", "-b", String.valueOf(sectorSize), "-l", "-o", columns, image.toString())
                .replace(image.toString(), "IMAGE");
        // fdisk pads columns to the longest device path, which varies with the temp dir.
        return out.lines().map(l -> l.strip().replaceAll(" +", " ")).collect(Collectors.joining("\n", "", "\n"));
    }

    /** fdisk's own consistency check ("v"), for any sector size. */
    static String fdiskVerify(Path image, int sectorSize) throws IOException {
        Path input = Files.createTempFile("jdib-fdisk", ".in");
        try {
            Files.writeString(input, "v\nq\n");
            ProcessBuilder pb = new ProcessBuilder("fdisk", "-b", String.valueOf(sectorSize), image.toString())
                    .redirectInput(input.toFile())
                    .redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            Files.deleteIfExists(input);
        }
    }

    /** One row of {@code partx --pairs}; START and SECTORS are in 512-byte units, as the kernel's. */
    record PartxRow(int nr, long start512, long sectors512, long sizeBytes, String type, String name, long flags) {}

    static List<PartxRow> partx(Path image, int sectorSize) {
        String out = ok(
                "partx",
                "-S",
                String.valueOf(sectorSize),
                "--bytes",
                "-P",
                "-o",
                "NR,START,SECTORS,SIZE,TYPE,NAME,FLAGS",
                image.toString());
        List<PartxRow> rows = new ArrayList<>();
        Pattern pair = Pattern.compile("(\\w+)=\"([^\"]*)\"");
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> kv = new HashMap<>();
            Matcher m = pair.matcher(line);
            while (m.find()) {
                kv.put(m.group(1), m.group(2));
            }
            rows.add(new PartxRow(
                    Integer.parseInt(kv.get("NR")),
                    Long.parseLong(kv.get("START")),
                    Long.parseLong(kv.get("SECTORS")),
                    Long.parseLong(kv.get("SIZE")),
                    kv.get("TYPE"),
                    kv.get("NAME"),
                    Long.decode(kv.get("FLAGS"))));
        }
        return rows;
    }

    static String fixture(String name) throws IOException {
        try (var in = HostTools.class.getResourceAsStream(name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
