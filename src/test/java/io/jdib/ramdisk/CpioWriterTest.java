package io.jdib.ramdisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jdib.ramdisk.CpioWriter.Attrs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpioWriterTest {
    static final long MTIME = 1_700_000_000L;
    static final String LONG_DIR = "usr/share/" + "d".repeat(120);
    static final String LONG_NAME = LONG_DIR + "/" + "f".repeat(150) + ".txt";

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        assumeTrue(Sh.has("cpio"), "needs GNU cpio (apt-get install cpio)");
    }

    /** The same archive every time: one entry of each kind. */
    static byte[] sample(long mtime) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(bytes, mtime)) {
            writeSample(w);
        }
        return bytes.toByteArray();
    }

    static void writeSample(CpioWriter w) throws IOException {
        w.directory("/bin", Attrs.root(0755));
        w.file("bin/hello", Attrs.root(0755), "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8));
        w.file("bin/su", Attrs.root(04755), "x".getBytes(StandardCharsets.UTF_8));
        w.directory("var", Attrs.root(02775));
        w.directory("tmp", Attrs.root(01777));
        w.symlink("sbin", "bin", Attrs.root(0));
        w.symlink("etc/mtab", "../proc/self/mounts", Attrs.root(0));
        w.file("home/user/owned", new Attrs(0640, 1000, 1001), "mine".getBytes(StandardCharsets.UTF_8));
        w.hardLinks(
                List.of("bin/busybox", "bin/ls"), Attrs.root(0755), "busybox-bytes".getBytes(StandardCharsets.UTF_8));
        w.file(LONG_NAME, Attrs.root(0644), "long".getBytes(StandardCharsets.UTF_8));
        w.charDevice("dev/null", Attrs.root(0666), 1, 3);
        w.charDevice("dev/console", Attrs.root(0600), 5, 1);
        w.blockDevice("dev/loop7", Attrs.root(0660), 7, 7);
        w.fifo("run/initctl", Attrs.root(0600));
        w.file("empty", Attrs.root(0644), new byte[0]);
    }

    static final List<String> SAMPLE_NAMES = List.of(
            "bin",
            "bin/hello",
            "bin/su",
            "var",
            "tmp",
            "sbin",
            "etc",
            "etc/mtab",
            "home",
            "home/user",
            "home/user/owned",
            "bin/busybox",
            "bin/ls",
            "usr",
            "usr/share",
            LONG_DIR,
            LONG_NAME,
            "dev",
            "dev/null",
            "dev/console",
            "dev/loop7",
            "run",
            "run/initctl",
            "empty");

    private Path write(String name, byte[] data) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, data);
        return p;
    }

    @Test
    void cpioListsExactlyTheEntriesInOrder() throws Exception {
        Path archive = write("a.cpio", sample(MTIME));
        String listing = Sh.run(tmp, archive, "cpio", "-it", "--quiet");
        assertThat(listing.lines().toList()).containsExactlyElementsOf(SAMPLE_NAMES);
    }

    @Test
    void cpioExtractsModesTargetsOwnersLinksAndTimes() throws Exception {
        assumeRoot();
        Path archive = write("a.cpio", sample(MTIME));
        Path out = Files.createDirectory(tmp.resolve("out"));
        Sh.run(out, archive, "cpio", "-idm", "--quiet", "--no-absolute-filenames");

        assertThat(Files.readString(out.resolve("bin/hello"))).isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(mode(out.resolve("bin/hello"))).isEqualTo(0100755);
        assertThat(mode(out.resolve("bin/su"))).isEqualTo(0104755);
        assertThat(mode(out.resolve("var"))).isEqualTo(042775);
        assertThat(mode(out.resolve("tmp"))).isEqualTo(041777);
        assertThat(mode(out.resolve("etc"))).isEqualTo(040755);
        assertThat(Files.readSymbolicLink(out.resolve("sbin")).toString()).isEqualTo("bin");
        assertThat(Files.readSymbolicLink(out.resolve("etc/mtab")).toString()).isEqualTo("../proc/self/mounts");
        assertThat(attr(out.resolve("home/user/owned"), "uid")).isEqualTo(1000);
        assertThat(attr(out.resolve("home/user/owned"), "gid")).isEqualTo(1001);
        assertThat(mode(out.resolve("home/user/owned"))).isEqualTo(0100640);
        assertThat(Files.getLastModifiedTime(out.resolve("bin/hello"))).isEqualTo(FileTime.fromMillis(MTIME * 1000));
        assertThat(Files.readString(out.resolve(LONG_NAME))).isEqualTo("long");
        assertThat(Files.size(out.resolve("empty"))).isZero();

        Path busybox = out.resolve("bin/busybox");
        Path ls = out.resolve("bin/ls");
        assertThat(attr(busybox, "ino")).isEqualTo(attr(ls, "ino"));
        assertThat(attr(ls, "nlink")).isEqualTo(2);
        assertThat(Files.readString(ls)).isEqualTo("busybox-bytes");

        assertThat(Sh.run(out, null, "stat", "-c", "%F %t:%T", "dev/null", "dev/console", "dev/loop7", "run/initctl")
                        .lines()
                        .toList())
                .containsExactly(
                        "character special file 1:3",
                        "character special file 5:1",
                        "block special file 7:7",
                        "fifo 0:0");
        assertThat(mode(out.resolve("dev/loop7"))).isEqualTo(060660);
    }

    @Test
    void verboseListingShowsDeviceNumbersAndSetuid() throws Exception {
        Path archive = write("a.cpio", sample(MTIME));
        List<String> lines =
                Sh.run(tmp, archive, "cpio", "-itv", "--quiet").lines().toList();
        assertThat(lines).anyMatch(l -> l.matches("crw-rw-rw-\\s+1 root\\s+root\\s+1,\\s+3 .* dev/null"));
        assertThat(lines).anyMatch(l -> l.matches("brw-rw----\\s+1 root\\s+root\\s+7,\\s+7 .* dev/loop7"));
        assertThat(lines).anyMatch(l -> l.matches("-rwsr-xr-x\\s+1 root .* bin/su"));
        assertThat(lines).anyMatch(l -> l.matches("-rwxr-xr-x\\s+2 root .* bin/ls"));
        assertThat(lines).anyMatch(l -> l.matches("lrwxrwxrwx .* sbin -> bin"));
    }

    @Test
    void headersAreAlignedAndTheArchiveEndsWithTrailerAndPadding() throws Exception {
        byte[] a = sample(MTIME);
        assertThat(a.length % 512).isZero();
        // Walk the headers as the kernel does: each one 4-aligned, then the trailer.
        int pos = 0;
        int entries = 0;
        String name;
        do {
            assertThat(pos % 4).isZero();
            assertThat(new String(a, pos, 6, StandardCharsets.US_ASCII)).isEqualTo("070701");
            long mtime = Long.parseLong(new String(a, pos + 46, 8, StandardCharsets.US_ASCII), 16);
            long size = Long.parseLong(new String(a, pos + 54, 8, StandardCharsets.US_ASCII), 16);
            int nameSize = Integer.parseInt(new String(a, pos + 94, 8, StandardCharsets.US_ASCII), 16);
            name = new String(a, pos + 110, nameSize - 1, StandardCharsets.UTF_8);
            assertThat(a[pos + 110 + nameSize - 1]).isZero();
            if (!name.equals("TRAILER!!!")) {
                assertThat(mtime).isEqualTo(MTIME);
            }
            pos = align4(align4(pos + 110 + nameSize) + (int) size);
            entries++;
        } while (!name.equals("TRAILER!!!"));
        assertThat(entries).isEqualTo(SAMPLE_NAMES.size() + 1);
        for (int i = pos; i < a.length; i++) {
            assertThat(a[i]).isZero();
        }
    }

    /** Device nodes and other owners need root (as in the build container). */
    private static void assumeRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for mknod and chown");
    }

    private static int align4(int v) {
        return (v + 3) & ~3;
    }

    @Test
    void sameInputGivesSameBytesAndTheMtimeIsInThem() throws Exception {
        assertThat(sample(MTIME)).isEqualTo(sample(MTIME));
        assertThat(sample(MTIME)).isNotEqualTo(sample(MTIME + 1));
        for (Compression c : Compression.values()) {
            assumeTrue(c != Compression.ZSTD || Sh.has("zstd"));
            assertThat(compressed(c)).as(c.name()).isEqualTo(compressed(c));
        }
    }

    private static byte[] compressed(Compression c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(c.wrap(bytes), MTIME)) {
            writeSample(w);
        }
        return bytes.toByteArray();
    }

    @Test
    void lsinitramfsListsGzipAndXzArchives() throws Exception {
        assumeTrue(Sh.has("lsinitramfs"), "needs lsinitramfs (apt-get install initramfs-tools-core)");
        for (Compression c : List.of(Compression.GZIP, Compression.XZ)) {
            Path archive = write("initrd" + c.suffix(), compressed(c));
            List<String> listed =
                    Sh.run(tmp, null, "lsinitramfs", archive.toString()).lines().toList();
            assertThat(listed).as(c.name()).containsExactlyElementsOf(SAMPLE_NAMES);
        }
    }

    @Test
    void lsinitramfsSplitsAnUncompressedEarlyArchiveFromTheMainOne() throws Exception {
        assumeTrue(Sh.has("lsinitramfs"), "needs lsinitramfs (apt-get install initramfs-tools-core)");
        ByteArrayOutputStream early = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(early, MTIME)) {
            w.file("kernel/x86/microcode/GenuineIntel.bin", Attrs.root(0644), new byte[] {1, 2, 3});
        }
        Path archive = tmp.resolve("initrd.img");
        Files.write(archive, early.toByteArray());
        Files.write(archive, compressed(Compression.GZIP), java.nio.file.StandardOpenOption.APPEND);
        List<String> listed =
                Sh.run(tmp, null, "lsinitramfs", archive.toString()).lines().toList();
        assertThat(listed.subList(0, 4))
                .containsExactly(
                        "kernel", "kernel/x86", "kernel/x86/microcode", "kernel/x86/microcode/GenuineIntel.bin");
        assertThat(listed.subList(4, listed.size())).containsExactlyElementsOf(SAMPLE_NAMES);
    }

    @Test
    void xzUsesCrc32CheckForTheKernel() throws Exception {
        assumeTrue(Sh.has("xz"));
        Path archive = write("initrd.xz", compressed(Compression.XZ));
        String robot = Sh.run(tmp, null, "xz", "--robot", "--list", archive.toString());
        String fileLine =
                robot.lines().filter(l -> l.startsWith("file\t")).findFirst().orElseThrow();
        assertThat(fileLine.split("\t")).contains("CRC32").doesNotContain("CRC64");
    }

    @Test
    void zstdOutputDecompressesWithTheHostTool() throws Exception {
        assumeTrue(Sh.has("zstd"));
        Path archive = write("initrd.zst", compressed(Compression.ZSTD));
        Path plain = tmp.resolve("plain.cpio");
        Sh.run(tmp, null, "zstd", "-q", "-d", archive.toString(), "-o", plain.toString());
        assertThat(Files.readAllBytes(plain)).isEqualTo(sample(MTIME));
    }

    @Test
    void missingCompressorNamesTheDebianPackage() {
        assertThatThrownBy(() ->
                        Compression.external(new ByteArrayOutputStream(), "zstd-not-installed-here", "zstd", List.of()))
                .isInstanceOf(CompressorNotFoundException.class)
                .hasMessageContaining("'zstd-not-installed-here' not found on PATH")
                .hasMessageContaining("apt-get install zstd");
    }

    @Test
    void failingCompressorIsReportedWithItsStderr() {
        assertThatThrownBy(() -> {
                    try (var out = Compression.external(
                            new ByteArrayOutputStream(),
                            "sh",
                            "dash",
                            List.of("-c", "cat >/dev/null; echo broken >&2; exit 3"))) {
                        out.write(new byte[] {1, 2, 3});
                    }
                })
                .isInstanceOf(IOException.class)
                .hasMessage("sh exited with 3: broken");
    }

    @Test
    void parsesCompressionNames() {
        assertThat(Compression.parse("GZ")).isEqualTo(Compression.GZIP);
        assertThat(Compression.parse("zst")).isEqualTo(Compression.ZSTD);
        assertThatThrownBy(() -> Compression.parse("lz4")).hasMessageContaining("none, gzip, xz, zstd");
    }

    @Test
    void refusesBadNamesDuplicatesAndChildrenOfFiles() throws IOException {
        try (CpioWriter w = new CpioWriter(new ByteArrayOutputStream(), 0)) {
            w.file("etc/hostname", Attrs.root(0644), new byte[0]);
            assertThatThrownBy(() -> w.file("/etc/hostname", Attrs.root(0644), new byte[0]))
                    .hasMessage("duplicate entry in cpio archive: etc/hostname");
            assertThatThrownBy(() -> w.directory("etc", Attrs.root(0755))).hasMessageContaining("duplicate entry");
            assertThatThrownBy(() -> w.file("etc/hostname/x", Attrs.root(0644), new byte[0]))
                    .hasMessage("cannot add etc/hostname/x: parent etc/hostname is not a directory");
            assertThatThrownBy(() -> w.file("a/../../etc", Attrs.root(0644), new byte[0]))
                    .hasMessageContaining("must not contain '..'");
            assertThatThrownBy(() -> w.file("/", Attrs.root(0644), new byte[0])).hasMessageContaining("empty");
            assertThatThrownBy(() -> w.hardLinks(List.of("x", "./x"), Attrs.root(0644), new byte[0]))
                    .hasMessageContaining("duplicate entry");
            assertThatThrownBy(() -> Attrs.root(0100644)).hasMessageContaining("outside 07777");
        }
        assertThat(CpioWriter.normalize("./usr//bin/")).isEqualTo("usr/bin");
        assertThat(CpioWriter.sourceDateEpoch("1234")).isEqualTo(1234);
        assertThat(CpioWriter.sourceDateEpoch(null)).isZero();
        assertThatThrownBy(() -> CpioWriter.sourceDateEpoch("yesterday")).hasMessageContaining("SOURCE_DATE_EPOCH");
    }

    @Test
    void addTreeKeepsWhatIsOnDisk() throws Exception {
        assumeRoot();
        Path src = Files.createDirectory(tmp.resolve("src"));
        Files.createDirectories(src.resolve("usr/bin"));
        Files.writeString(src.resolve("usr/bin/tool"), "tool");
        Sh.run(src, null, "chown", "1234:5678", "usr/bin/tool");
        Sh.run(src, null, "chmod", "4750", "usr/bin/tool"); // after chown, which clears setuid
        Files.createSymbolicLink(src.resolve("bin"), Path.of("usr/bin"));
        Files.writeString(src.resolve("usr/bin/a"), "same");
        Files.createLink(src.resolve("usr/b"), src.resolve("usr/bin/a"));
        Files.createLink(src.resolve("z"), src.resolve("usr/bin/a"));
        Files.createDirectories(src.resolve("dev"));
        Sh.run(src, null, "mknod", "-m", "0620", "dev/tty1", "c", "4", "1");
        Sh.run(src, null, "mknod", "dev/sda", "b", "8", "0");
        Sh.run(src, null, "mkfifo", "-m", "0600", "dev/fifo");
        Files.createDirectories(src.resolve("tmp"));
        Sh.run(src, null, "chmod", "1777", "tmp");

        Path archive = tmp.resolve("tree.cpio");
        try (CpioWriter w = new CpioWriter(Files.newOutputStream(archive), MTIME)) {
            w.addTree(src);
        }
        byte[] first = Files.readAllBytes(archive);
        try (CpioWriter w = new CpioWriter(Files.newOutputStream(archive), MTIME)) {
            w.addTree(src);
        }
        assertThat(Files.readAllBytes(archive)).isEqualTo(first);

        assertThat(Sh.run(tmp, archive, "cpio", "-it", "--quiet").lines().toList())
                .containsExactly(
                        "bin",
                        "dev",
                        "dev/fifo",
                        "dev/sda",
                        "dev/tty1",
                        "tmp",
                        "usr",
                        "usr/bin",
                        "usr/bin/tool",
                        "usr/b",
                        "usr/bin/a",
                        "z"); // the hard link group comes at its last name

        Path out = Files.createDirectory(tmp.resolve("out"));
        Sh.run(out, archive, "cpio", "-idm", "--quiet", "--no-absolute-filenames");
        assertThat(mode(out.resolve("usr/bin/tool"))).isEqualTo(0104750);
        assertThat(attr(out.resolve("usr/bin/tool"), "uid")).isEqualTo(1234);
        assertThat(attr(out.resolve("usr/bin/tool"), "gid")).isEqualTo(5678);
        assertThat(Files.readSymbolicLink(out.resolve("bin")).toString()).isEqualTo("usr/bin");
        assertThat(mode(out.resolve("tmp"))).isEqualTo(041777);
        Object ino = attr(out.resolve("usr/bin/a"), "ino");
        assertThat(attr(out.resolve("usr/b"), "ino")).isEqualTo(ino);
        assertThat(attr(out.resolve("z"), "ino")).isEqualTo(ino);
        assertThat(attr(out.resolve("z"), "nlink")).isEqualTo(3);
        assertThat(Files.readString(out.resolve("usr/b"))).isEqualTo("same");
        assertThat(Sh.run(out, null, "stat", "-c", "%F %a %t:%T", "dev/tty1", "dev/sda", "dev/fifo")
                        .lines()
                        .toList())
                .containsExactly("character special file 620 4:1", "block special file 644 8:0", "fifo 600 0:0");
    }

    @Test
    void addTreeWithPrefixAndFileFromPath() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Files.writeString(src.resolve("init"), "#!/bin/sh\n");
        Path archive = tmp.resolve("p.cpio");
        try (CpioWriter w = new CpioWriter(Files.newOutputStream(archive), MTIME)) {
            w.addTree(src, "/lib/modules");
            w.file("init", Attrs.root(0755), src.resolve("init"));
        }
        assertThat(Sh.run(tmp, archive, "cpio", "-it", "--quiet").lines().toList())
                .containsExactly("lib", "lib/modules", "lib/modules/init", "init");
        Path out = Files.createDirectory(tmp.resolve("out"));
        Sh.run(out, archive, "cpio", "-idm", "--quiet");
        assertThat(Files.readString(out.resolve("init"))).isEqualTo("#!/bin/sh\n");
    }

    @Test
    void majorMinorDecodeGlibcMakedev() {
        long major = 0x1234;
        long minor = 0x56789;
        long dev = ((major & 0xfffL) << 8)
                | ((major & 0xfffff000L) << 32)
                | (minor & 0xffL)
                | ((minor & 0xffffff00L) << 12);
        assertThat(CpioWriter.major(dev)).isEqualTo(0x1234);
        assertThat(CpioWriter.minor(dev)).isEqualTo(0x56789);
    }

    private static int mode(Path p) throws IOException {
        return (Integer) attr(p, "mode");
    }

    private static Object attr(Path p, String name) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
        return a.get(name);
    }
}
