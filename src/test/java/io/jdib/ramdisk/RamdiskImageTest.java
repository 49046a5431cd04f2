package io.jdib.ramdisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.event.EventSink;
import io.jdib.sys.UserError;
import io.jdib.testing.JdibProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ramdisk assembly on small trees: binary-deps.d errors, /init composition, kernel choice. */
class RamdiskImageTest {
    @TempDir
    Path dir;

    private static RamdiskImage.Source element(String name) {
        Path builtIn = JdibProcess.home().resolve("elements").resolve(name);
        Path dirOf = Files.isDirectory(builtIn)
                ? builtIn
                : JdibProcess.testElements().resolve(name);
        return new RamdiskImage.Source(name, dirOf);
    }

    private Path tree() throws IOException {
        Path root = dir.resolve("tree");
        Path bin = Files.createDirectories(root.resolve("usr/bin"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        for (String name : List.of("blkid", "lsblk")) {
            Path exe = bin.resolve(name);
            Files.writeString(exe, "not an ELF file, copied as it is\n");
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return root;
    }

    @Test
    void missingBinaryIsAnErrorNamingTheElementAndFile() throws IOException {
        RamdiskImage ramdisk = new RamdiskImage(
                tree(),
                dir.resolve("staging"),
                List.of(element("ramdisk"), element("jdib-test-ramdisk-missing")),
                EventSink.NONE);

        assertThatThrownBy(ramdisk::copyBinaries)
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("element jdib-test-ramdisk-missing (binary-deps.d/jdib-test-ramdisk-missing):"
                        + " executable 'jdib-no-such-tool' not found in tree ")
                .hasMessageContaining("(looked in /usr/local/sbin/jdib-no-such-tool, ")
                .hasMessageContaining("/bin/jdib-no-such-tool)")
                .hasMessageEndingWith("; install the package that provides it (package-installs) or remove it from"
                        + " that binary-deps.d file");
    }

    @Test
    void presentBinariesAreCopiedWithTheLinksOnTheirPath() throws IOException {
        Path staging = dir.resolve("staging");
        new RamdiskImage(tree(), staging, List.of(element("ramdisk")), EventSink.NONE).copyBinaries();

        assertThat(staging.resolve("usr/bin/blkid")).hasContent("not an ELF file, copied as it is");
        assertThat(staging.resolve("usr/bin/lsblk")).isRegularFile();
        try (var files = Files.walk(staging)) {
            assertThat(files.filter(Files::isRegularFile)
                            .map(staging::relativize)
                            .map(Path::toString)
                            .sorted())
                    .containsExactly("usr/bin/blkid", "usr/bin/lsblk");
        }
    }

    @Test
    void initHasTheFragmentsOfAllElementsAtTheMarkerInNameOrder() throws IOException {
        Path late = Files.createDirectories(dir.resolve("late/init.d"));
        Files.writeString(late.resolve("90-late"), "echo late\n");
        Path early = Files.createDirectories(dir.resolve("early/init.d"));
        Files.writeString(early.resolve("10-early"), "echo early");
        RamdiskImage ramdisk = new RamdiskImage(
                tree(),
                dir.resolve("staging"),
                List.of(
                        element("ramdisk-base"),
                        new RamdiskImage.Source("late", late.getParent()),
                        element("jdib-test-ramdisk"),
                        new RamdiskImage.Source("early", early.getParent())),
                EventSink.NONE);

        String init = ramdisk.init();

        assertThat(init).startsWith("#!/bin/busybox sh\n");
        int marker = init.indexOf(RamdiskImage.FRAGMENTS_MARKER);
        int earlyAt = init.indexOf("# --- element early: init.d/10-early ---\necho early\n");
        int testAt = init.indexOf("# --- element jdib-test-ramdisk: init.d/50-jdib-test-ramdisk ---");
        int lateAt = init.indexOf("# --- element late: init.d/90-late ---\necho late\n");
        int shell = init.indexOf("starting a shell on the console");
        assertThat(List.of(marker, earlyAt, testAt, lateAt, shell))
                .doesNotContain(-1)
                .isSorted();
        assertThat(init.indexOf("udevadm settle")).isBetween(0, marker);
    }

    @Test
    void withoutRamdiskBaseThereIsNoInit() throws IOException {
        RamdiskImage ramdisk =
                new RamdiskImage(tree(), dir.resolve("staging"), List.of(element("jdib-test-ramdisk")), EventSink.NONE);

        assertThatThrownBy(ramdisk::init)
                .isInstanceOf(UserError.class)
                .hasMessage(
                        "no element ships a ramdisk init; include ramdisk-base (the ramdisk element depends on it)");
    }

    @Test
    void kernelIsTheNewestByVersionAndItsAbsenceIsAnError() throws IOException {
        Path root = tree();
        RamdiskImage ramdisk = new RamdiskImage(root, dir.resolve("staging"), List.of(), EventSink.NONE);
        assertThatThrownBy(ramdisk::kernel)
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("the tree has no kernel");

        Path boot = Files.createDirectories(root.resolve("boot"));
        for (String v : List.of("6.1.0-9-amd64", "6.1.0-10-amd64", "5.10.0-30-amd64")) {
            Files.writeString(boot.resolve("vmlinuz-" + v), v);
        }
        assertThat(ramdisk.kernel().version()).isEqualTo("6.1.0-10-amd64");
    }
}
