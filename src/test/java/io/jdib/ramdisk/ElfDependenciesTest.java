package io.jdib.ramdisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jdib.ramdisk.CpioWriter.Attrs;
import io.jdib.ramdisk.ElfDependencies.Closure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfDependenciesTest {
    static final Path HOST = Path.of("/");
    static final String CONTEXT = "element test-element (binary-deps.d)";

    @TempDir
    Path tmp;

    /** The host path of a file, symlinks resolved, relative to "/". */
    private static Path hostReal(String path) throws IOException {
        return HOST.relativize(Path.of(path).toRealPath());
    }

    private static void assumeX8664Host() {
        assumeTrue(Files.exists(Path.of("/lib64/ld-linux-x86-64.so.2")), "needs an x86-64 glibc host");
    }

    @Test
    void bashOnTheHostNeedsLoaderLibcAndLibtinfo() throws Exception {
        assumeX8664Host();
        Closure c = ElfDependencies.of(HOST).closure(List.of("/bin/bash"), CONTEXT);

        assertThat(c.files())
                .containsExactlyInAnyOrder(
                        hostReal("/bin/bash"),
                        hostReal("/lib64/ld-linux-x86-64.so.2"),
                        hostReal("/lib/x86_64-linux-gnu/libc.so.6"),
                        hostReal("/lib/x86_64-linux-gnu/libtinfo.so.6"));
        for (Path link : c.symlinks()) {
            assertThat(HOST.resolve(link)).isSymbolicLink();
        }
        if (Files.isSymbolicLink(Path.of("/lib64"))) {
            assertThat(c.symlinks()).contains(Path.of("lib64"));
        }
        if (Files.isSymbolicLink(Path.of("/bin"))) {
            assertThat(c.symlinks()).contains(Path.of("bin"));
        }
        assertThat(c.executables()).containsExactly(Map.entry("/bin/bash", "/bin/bash"));
    }

    @Test
    void theClosurePackedIntoCpioRunsInAChroot() throws Exception {
        assumeX8664Host();
        assumeTrue(
                "root".equals(System.getProperty("user.name")) && Sh.has("chroot") && Sh.has("cpio"),
                "needs root, chroot and cpio");
        Closure c = ElfDependencies.of(HOST).closure(List.of("bash", "true"), CONTEXT);
        assertThat(c.executables().keySet()).containsExactly("bash", "true");

        Path archive = tmp.resolve("closure.cpio");
        try (CpioWriter w = new CpioWriter(Files.newOutputStream(archive), 0)) {
            for (Path p : c.all()) {
                Path src = HOST.resolve(p);
                if (Files.isSymbolicLink(src)) {
                    w.symlink(p.toString(), Files.readSymbolicLink(src).toString(), Attrs.root(0));
                } else {
                    w.file(p.toString(), Attrs.root(0755), src);
                }
            }
        }
        Path root = Files.createDirectory(tmp.resolve("root"));
        Sh.run(root, archive, "cpio", "-idm", "--quiet", "--no-absolute-filenames");
        String bash = c.executables().get("bash");
        String out = Sh.run(
                null,
                null,
                "chroot",
                root.toString(),
                bash,
                "-c",
                c.executables().get("true") + " && echo ran");
        assertThat(out).isEqualTo("ran\n");
    }

    /**
     * A tree unlike the host: libraries in /opt, /lib64 an absolute symlink to /opt/sys/lib, libc
     * an absolute symlink to /opt/real, a 32-bit libc.so.6 earlier on the search path.
     */
    private Path fakeTree() throws IOException {
        assumeX8664Host();
        Path tree = Files.createDirectory(tmp.resolve("tree"));
        Files.createDirectories(tree.resolve("usr/bin"));
        Files.copy(Path.of("/usr/bin/true").toRealPath(), tree.resolve("usr/bin/true"));
        Files.createSymbolicLink(tree.resolve("bin"), Path.of("usr/bin"));
        Files.createDirectories(tree.resolve("opt/sys/lib"));
        Files.createDirectories(tree.resolve("opt/real"));
        Files.createDirectories(tree.resolve("opt/first"));
        Files.createSymbolicLink(tree.resolve("lib64"), Path.of("/opt/sys/lib"));
        Files.copy(
                Path.of("/lib64/ld-linux-x86-64.so.2").toRealPath(), tree.resolve("opt/sys/lib/ld-linux-x86-64.so.2"));
        Files.copy(Path.of("/lib/x86_64-linux-gnu/libc.so.6").toRealPath(), tree.resolve("opt/real/libc-2.36.so"));
        Files.createSymbolicLink(tree.resolve("opt/sys/lib/libc.so.6"), Path.of("/opt/real/libc-2.36.so"));
        Files.write(
                tree.resolve("opt/first/libc.so.6"),
                FakeElf.of(false, false, 3).soname("libc.so.6").build());
        Files.createDirectories(tree.resolve("etc/ld.so.conf.d"));
        Files.writeString(tree.resolve("etc/ld.so.conf"), "include ld.so.conf.d/*.conf\n");
        Files.writeString(tree.resolve("etc/ld.so.conf.d/10-first.conf"), "/opt/first\n");
        Files.writeString(tree.resolve("etc/ld.so.conf.d/20-sys.conf"), "/opt/sys/lib\n");
        return tree;
    }

    @Test
    void resolutionStaysInsideTheTree() throws Exception {
        Path tree = fakeTree();
        ElfDependencies deps = ElfDependencies.of(tree);
        assertThat(deps.ldSoConfDirs()).containsExactly("/opt/first", "/opt/sys/lib");

        Closure c = deps.closure(List.of("/bin/true"), CONTEXT);
        assertThat(c.files())
                .containsExactly(
                        Path.of("opt/real/libc-2.36.so"),
                        Path.of("opt/sys/lib/ld-linux-x86-64.so.2"),
                        Path.of("usr/bin/true"));
        assertThat(c.symlinks()).containsExactly(Path.of("bin"), Path.of("lib64"), Path.of("opt/sys/lib/libc.so.6"));
        for (Path p : c.all()) {
            assertThat(Files.exists(tree.resolve(p), LinkOption.NOFOLLOW_LINKS))
                    .as(p.toString())
                    .isTrue();
        }
        assertThat(deps.closure(List.of("true"), CONTEXT).executables())
                .containsExactly(Map.entry("true", "/usr/bin/true"));
    }

    @Test
    void aMissingLibraryIsNotTakenFromTheHost() throws Exception {
        Path tree = fakeTree();
        Files.delete(tree.resolve("opt/real/libc-2.36.so")); // the host still has libc.so.6
        ElfDependencies deps = ElfDependencies.of(tree);
        Path real = tree.toRealPath();

        assertThatThrownBy(() -> deps.closure(List.of("/bin/true"), CONTEXT))
                .isInstanceOfSatisfying(MissingDependencyException.class, e -> {
                    assertThat(e.getMessage())
                            .startsWith(CONTEXT + ": /usr/bin/true needs libc.so.6, not found in tree "
                                    + real + " (looked in /opt/first, /opt/sys/lib, "
                                    + "/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib64, /usr/lib64, "
                                    + "/lib, /usr/lib")
                            .contains("skipped /opt/first/libc.so.6 (32-bit LSB machine 3)")
                            .doesNotContain("\n");
                    assertThat(e.context()).isEqualTo(CONTEXT);
                    assertThat(e.file()).isEqualTo("/usr/bin/true");
                    assertThat(e.needed()).isEqualTo("libc.so.6");
                });
    }

    @Test
    void aMissingExecutableNamesWhereItLooked() throws Exception {
        Path tree = fakeTree();
        assertThatThrownBy(() -> ElfDependencies.of(tree).closure(List.of("true", "hdparm"), CONTEXT))
                .isInstanceOf(MissingDependencyException.class)
                .hasMessage(CONTEXT + ": executable 'hdparm' not found in tree " + tree.toRealPath()
                        + " (looked in /usr/local/sbin/hdparm, /usr/local/bin/hdparm, /usr/sbin/hdparm,"
                        + " /usr/bin/hdparm, /sbin/hdparm, /bin/hdparm)");
    }

    @Test
    void aMissingInterpreterIsReported() throws Exception {
        Path tree = Files.createDirectory(tmp.resolve("t"));
        Files.createDirectories(tree.resolve("usr/bin"));
        Files.write(
                tree.resolve("usr/bin/app"),
                FakeElf.of(true, false, 62).interp("/lib/ld-gone.so").build());
        assertThatThrownBy(() -> ElfDependencies.of(tree).closure(List.of("/usr/bin/app"), "ctx"))
                .isInstanceOf(MissingDependencyException.class)
                .hasMessageStartingWith("ctx: /usr/bin/app needs /lib/ld-gone.so (ELF interpreter), not found");
    }

    @Test
    void readsBigEndian32And64BitHeaders() throws Exception {
        Path f = tmp.resolve("mips");
        Files.write(
                f,
                FakeElf.of(false, true, 8)
                        .interp("/lib/ld.so.1")
                        .needs("libfoo.so.1", "libbar.so.2")
                        .rpath("/opt/a:$ORIGIN/../lib")
                        .runpath("/opt/r")
                        .soname("app")
                        .build());
        assertThat(ElfFile.read(f))
                .contains(new ElfFile(
                        false,
                        true,
                        8,
                        "/lib/ld.so.1",
                        List.of("libfoo.so.1", "libbar.so.2"),
                        List.of("/opt/a", "$ORIGIN/../lib"),
                        List.of("/opt/r"),
                        "app"));

        Files.write(f, FakeElf.of(true, true, 21).needs("libc.so.6").build());
        assertThat(ElfFile.read(f))
                .contains(new ElfFile(true, true, 21, null, List.of("libc.so.6"), List.of(), List.of(), null));

        Files.writeString(f, "#!/bin/sh\n");
        assertThat(ElfFile.read(f)).isEmpty();
        byte[] truncated = FakeElf.of(true, false, 62).needs("libc.so.6").build();
        Files.write(f, java.util.Arrays.copyOf(truncated, 70));
        assertThatThrownBy(() -> ElfFile.read(f))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void readsTheHostsOwnBinaries() throws Exception {
        assumeX8664Host();
        ElfFile bash = ElfFile.read(Path.of("/bin/bash")).orElseThrow();
        assertThat(bash.is64()).isTrue();
        assertThat(bash.bigEndian()).isFalse();
        assertThat(bash.machine()).isEqualTo(62);
        assertThat(bash.interpreter()).isEqualTo("/lib64/ld-linux-x86-64.so.2");
        assertThat(bash.needed()).contains("libc.so.6", "libtinfo.so.6");
        assertThat(ElfFile.read(Path.of("/lib/x86_64-linux-gnu/libc.so.6"))
                        .orElseThrow()
                        .soname())
                .isEqualTo("libc.so.6");
    }

    /** A big-endian MIPS tree: RUNPATH applies to the object only, RPATH is inherited by its libraries. */
    @Test
    void runpathIsNotInheritedButRpathIs() throws Exception {
        Path tree = Files.createDirectory(tmp.resolve("mips"));
        for (String d : List.of("usr/bin", "usr/lib/app", "usr/lib/mips-linux-gnu", "lib")) {
            Files.createDirectories(tree.resolve(d));
        }
        Files.write(tree.resolve("lib/ld.so.1"), FakeElf.of(false, true, 8).build());
        Files.write(
                tree.resolve("usr/bin/app-runpath"),
                FakeElf.of(false, true, 8)
                        .interp("/lib/ld.so.1")
                        .needs("libfoo.so.1")
                        .runpath("$ORIGIN/../lib/app")
                        .build());
        Files.write(
                tree.resolve("usr/bin/app-rpath"),
                FakeElf.of(false, true, 8)
                        .interp("/lib/ld.so.1")
                        .needs("libfoo.so.1")
                        .rpath("${ORIGIN}/../lib/app")
                        .build());
        Files.write(
                tree.resolve("usr/lib/app/libfoo.so.1"),
                FakeElf.of(false, true, 8).needs("libbar.so.2").build());
        Files.write(
                tree.resolve("usr/lib/app/libbar.so.2"),
                FakeElf.of(false, true, 8).build());
        Files.write(
                tree.resolve("usr/lib/mips-linux-gnu/libbar.so.2"),
                FakeElf.of(false, true, 8).build());
        // A little-endian library of the same name on the search path must be skipped.
        Files.write(tree.resolve("lib/libbar.so.2"), FakeElf.of(false, false, 8).build());
        ElfDependencies deps = ElfDependencies.of(tree);

        assertThat(deps.closure(List.of("/usr/bin/app-runpath"), "ctx").files())
                .containsExactly(
                        Path.of("lib/ld.so.1"),
                        Path.of("usr/bin/app-runpath"),
                        Path.of("usr/lib/app/libfoo.so.1"),
                        Path.of("usr/lib/mips-linux-gnu/libbar.so.2"));
        assertThat(deps.closure(List.of("/usr/bin/app-rpath"), "ctx").files())
                .containsExactly(
                        Path.of("lib/ld.so.1"),
                        Path.of("usr/bin/app-rpath"),
                        Path.of("usr/lib/app/libbar.so.2"),
                        Path.of("usr/lib/app/libfoo.so.1"));

        Files.delete(tree.resolve("usr/lib/mips-linux-gnu/libbar.so.2"));
        assertThatThrownBy(() -> deps.closure(List.of("/usr/bin/app-runpath"), "ctx"))
                .hasMessageContaining("/usr/lib/app/libfoo.so.1 needs libbar.so.2")
                .hasMessageContaining("(looked in /lib/mips-linux-gnu, /usr/lib/mips-linux-gnu, /lib32, /usr/lib32,"
                        + " /lib, /usr/lib; skipped /lib/libbar.so.2 (32-bit LSB machine 8))");
    }

    @Test
    void scriptsBringTheirInterpreter() throws Exception {
        Path tree = Files.createDirectory(tmp.resolve("s"));
        Files.createDirectories(tree.resolve("usr/bin"));
        Files.createSymbolicLink(tree.resolve("bin"), Path.of("usr/bin"));
        Files.write(tree.resolve("usr/bin/dash"), FakeElf.of(true, false, 62).build());
        Files.createSymbolicLink(tree.resolve("usr/bin/sh"), Path.of("dash"));
        Files.writeString(tree.resolve("usr/bin/hello"), "#!/bin/sh -e\necho hello\n");
        Closure c = ElfDependencies.of(tree).closure(List.of("hello"), "ctx");
        assertThat(c.files()).containsExactly(Path.of("usr/bin/dash"), Path.of("usr/bin/hello"));
        assertThat(c.symlinks()).containsExactly(Path.of("bin"), Path.of("usr/bin/sh"));
    }

    @Test
    void ldSoConfIncludesCommentsAndSeparators() throws Exception {
        Path tree = Files.createDirectory(tmp.resolve("c"));
        Files.createDirectories(tree.resolve("etc/ld.so.conf.d"));
        Files.writeString(
                tree.resolve("etc/ld.so.conf"),
                "# comment\n/usr/local/lib  # trailing\n"
                        + "include ld.so.conf.d/*.conf\n/opt/x:/opt/y, /opt/z=libc6\nhwcap 0 nosegneg\n");
        Files.writeString(tree.resolve("etc/ld.so.conf.d/b.conf"), "/b\n/a\n");
        Files.writeString(tree.resolve("etc/ld.so.conf.d/a.conf"), "/a\ninclude /etc/extra.conf\n");
        Files.writeString(tree.resolve("etc/ld.so.conf.d/c.txt"), "/nope\n");
        Files.writeString(tree.resolve("etc/extra.conf"), "/extra/\ninclude /etc/ld.so.conf\n");
        assertThat(ElfDependencies.of(tree).ldSoConfDirs())
                .containsExactly("/usr/local/lib", "/a", "/extra", "/b", "/opt/x", "/opt/y", "/opt/z");
    }

    @Test
    void dotDotAndAbsoluteSymlinksNeverLeaveTheTree() throws Exception {
        Path tree = Files.createDirectory(tmp.resolve("r"));
        Files.createSymbolicLink(tree.resolve("esc"), Path.of("../../../../../../../.."));
        Files.createSymbolicLink(tree.resolve("abs"), Path.of("/"));
        Files.createSymbolicLink(tree.resolve("loop"), Path.of("loop"));
        ElfDependencies deps = ElfDependencies.of(tree);
        Set<Path> links = new LinkedHashSet<>();
        assertThat(deps.resolve("/esc/etc/passwd", links)).isNull(); // the host has one
        assertThat(deps.resolve("/abs/abs/etc/passwd", new HashSet<>())).isNull();
        assertThat(deps.resolve("/../../etc/passwd", new HashSet<>())).isNull();

        Files.createDirectories(tree.resolve("etc"));
        Files.writeString(tree.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n", StandardCharsets.UTF_8);
        links.clear();
        assertThat(deps.resolve("/esc/abs/etc/passwd", links)).isEqualTo(Path.of("etc/passwd"));
        assertThat(links).containsExactly(Path.of("esc"), Path.of("abs"));
        assertThatThrownBy(() -> deps.resolve("/loop/x", new HashSet<>()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("too many levels of symbolic links");
    }
}
