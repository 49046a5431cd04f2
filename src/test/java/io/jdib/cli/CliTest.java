package io.jdib.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {
    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static DiskImageCreateCommand parse(String... args) {
        DiskImageCreateCommand command = new DiskImageCreateCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void parsesDibOptions() {
        DiskImageCreateCommand c = parse(
                "-a",
                "x86_64",
                "-o",
                "out/img",
                "-t",
                "tar,tgz",
                "-x",
                "-x",
                "-n",
                "-p",
                "vim,curl",
                "-p",
                "jq",
                "--offline",
                "--image-cache",
                "/c",
                "--no-tmpfs",
                "--min-tmpfs",
                "4",
                "--install-type",
                "package",
                "--logfile",
                "/tmp/l",
                "debian-minimal",
                "vm");

        assertThat(c.build.arch).isEqualTo("x86_64");
        assertThat(c.build.imageName).isEqualTo(Path.of("out/img"));
        assertThat(c.types).containsExactly("tar", "tgz");
        assertThat(c.build.trace).hasSize(2);
        assertThat(c.build.skipBase).isTrue();
        assertThat(c.build.packages).containsExactly("vim", "curl", "jq");
        assertThat(c.build.offline).isTrue();
        assertThat(c.build.imageCache).isEqualTo(Path.of("/c"));
        assertThat(c.build.noTmpfs).isTrue();
        assertThat(c.build.minTmpfs).isEqualTo(4);
        assertThat(c.build.installType).isEqualTo("package");
        assertThat(c.build.logfile).isEqualTo(Path.of("/tmp/l"));
        assertThat(c.build.elements).containsExactly("debian-minimal", "vm");
    }

    @Test
    void everyDibOptionIsKnown() {
        DiskImageCreateCommand c = parse(
                "-u",
                "-c",
                "--checksum",
                "--image-size",
                "2",
                "--image-extra-size",
                "1",
                "--max-online-resize",
                "1",
                "--mkfs-journal-size",
                "64",
                "--mkfs-options",
                "-O x",
                "--qemu-img-options",
                "compat=1.1",
                "--root-label",
                "root",
                "--ramdisk-element",
                "dracut",
                "--docker-target",
                "img:tag",
                "x");
        assertThat(c.uncompressed).isTrue();
        assertThat(c.build.clearEnv).isTrue();
        assertThat(c.checksum).isTrue();
        assertThat(c.imageSize).isEqualTo("2");
        assertThat(c.imageExtraSize).isEqualTo("1");
        assertThat(c.maxOnlineResize).isEqualTo("1");
        assertThat(c.mkfsJournalSize).isEqualTo("64");
        assertThat(c.mkfsOptions).isEqualTo("-O x");
        assertThat(c.qemuImgOptions).isEqualTo("compat=1.1");
        assertThat(c.rootLabel).isEqualTo("root");
        assertThat(c.ramdiskElement).isEqualTo("dracut");
        assertThat(c.dockerTarget).isEqualTo("img:tag");
        assertThat(c.build.elements).containsExactly("x");
    }

    @Test
    void aBadQcow2CompressionTypeFailsWithOneClearLine() {
        assertThat(parse("--qcow2-compression", "zstd", "x").qcow2Compression).isEqualTo("zstd");
        Run r = run("disk-image-create", "--qcow2-compression", "xz", "debian-minimal");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: 'xz' is not a qcow2 compression type; use zlib");
    }

    @Test
    void badDockerTargetFailsWithOneClearLine() {
        Run r = run("disk-image-create", "-t", "oci", "--docker-target", "Not A Name:x", "debian-minimal");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: 'Not A Name' is not a valid image name: use lowercase letters");
    }

    @Test
    void dockerImportWithoutDockerTypeSaysWhatToAdd() {
        Run r = run("disk-image-create", "-t", "oci", "--docker-import", "debian-minimal");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip())
                .isEqualTo("error: --docker-import loads the docker output: add docker to -t" + " (e.g. -t docker)");
    }

    @Test
    void dockerTargetAndContainerTypesAreAccepted() {
        DiskImageCreateCommand c = parse(
                "-t",
                "docker,oci,squashfs",
                "--docker-target",
                "reg.example:5000/os/deb:12",
                "--docker-import",
                "debian-minimal");

        assertThat(c.types).containsExactly("docker", "oci", "squashfs");
        assertThat(c.dockerTarget).isEqualTo("reg.example:5000/os/deb:12");
        assertThat(c.dockerImport).isTrue();
    }

    @Test
    void unsupportedTypeNamesWhatIsSupported() {
        Run r = run("disk-image-create", "-t", "tar,aci", "debian-minimal");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip())
                .isEqualTo("error: image type 'aci' is not supported yet; this version writes:"
                        + " docker, oci, qcow2, raw, squashfs, tar, tgz, vhd, vhdx, vmdk");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run r = run("disk-image-create", "--frobnicate", "debian-minimal");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void elementInfoShowsOrderAndReasons() {
        Run r = run("element-info", "debian");

        assertThat(r.code()).isEqualTo(0);
        List<String> names = r.out().lines().map(l -> l.split("\\s+")[0]).toList();
        // Dependencies come before the element that needs them; provided names are listed last.
        assertThat(names).endsWith("debian", "operating-system").contains("debian-minimal", "cloud-init", "growroot");
        assertThat(names.indexOf("debian-minimal")).isLessThan(names.indexOf("debian"));
        assertThat(r.out()).contains("(dependency of debian)").contains("provided by debian-minimal");
    }

    @Test
    void aptDistributionsStackOnDpkgAndDebootstrap() {
        Run r = run("element-info", "ubuntu");

        assertThat(r.code()).isEqualTo(0);
        List<String> names = r.out().lines().map(l -> l.split("\\s+")[0]).toList();
        assertThat(names)
                .endsWith("ubuntu", "operating-system")
                .contains("ubuntu-common", "cloud-init", "package-installs")
                .doesNotContain("debian-minimal");
        assertThat(names).containsSubsequence("dpkg", "debootstrap", "ubuntu-minimal", "ubuntu");
        assertThat(r.out()).contains("provided by ubuntu-minimal");
        Run debian = run("element-info", "debian-minimal");
        assertThat(debian.out().lines().map(l -> l.split("\\s+")[0]).toList())
                .containsSubsequence("dpkg", "debootstrap", "debian-minimal");
    }

    @Test
    void elementInfoEnvPrintsDibExports() {
        Run r = run("element-info", "--env", "debian-minimal");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out())
                .startsWith(
                        "export IMAGE_ELEMENT='dpkg debootstrap debian-minimal'\nexport IMAGE_ELEMENT_YAML='{dpkg: ")
                .contains("function get_image_element_array {");
    }

    @Test
    void unknownElementIsOneLineWithSuggestion() {
        Run r = run("element-info", "debian-minmal");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err())
                .startsWith("error: element 'debian-minmal' not found in ")
                .contains("did you mean debian-minimal");
    }

    @Test
    void buildWithoutOperatingSystemSaysWhichToAdd() {
        Run r = run("disk-image-create", "-t", "tar", "-o", "/tmp/jdib-never", "base");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip())
                .isEqualTo(
                        "error: no element provides operating-system; add one of: debian-minimal, replace-partition, ubuntu-minimal");
    }

    @Test
    void ramdiskWithUnknownCompressionSaysWhichExist() {
        Run r = run("ramdisk-image-create", "--compression", "lz4", "-o", "/tmp/jdib-never", "debian-minimal");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip())
                .isEqualTo("error: unknown ramdisk compression 'lz4'; use one of none, gzip, xz, zstd"
                        + " (--compression or DIB_RAMDISK_COMPRESSION)");
    }

    @Test
    void ramdiskWithoutOperatingSystemSaysWhichToAdd() {
        Run r = run("ramdisk-image-create", "-o", "/tmp/jdib-never", "base");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip())
                .isEqualTo(
                        "error: no element provides operating-system; add one of: debian-minimal, replace-partition, ubuntu-minimal");
    }

    @Test
    void ramdiskImageCreateTakesEveryOptionOfDibs() {
        // DIB's ramdisk-image-create is disk-image-create under another name: the same options.
        RamdiskImageCreateCommand c = new RamdiskImageCreateCommand();
        new CommandLine(c)
                .parseArgs(
                        "-a",
                        "amd64",
                        "-o",
                        "rd",
                        "-t",
                        "qcow2,tar",
                        "-x",
                        "-u",
                        "-c",
                        "-n",
                        "-p",
                        "vim",
                        "--checksum",
                        "--no-tmpfs",
                        "--offline",
                        "--min-tmpfs",
                        "3",
                        "--image-size",
                        "2",
                        "--image-extra-size",
                        "1",
                        "--image-cache",
                        "/c",
                        "--max-online-resize",
                        "9",
                        "--mkfs-journal-size",
                        "64",
                        "--mkfs-options",
                        "-O x",
                        "--qemu-img-options",
                        "compat=1.1",
                        "--ramdisk-element",
                        "dracut",
                        "--root-label",
                        "r",
                        "--install-type",
                        "package",
                        "--docker-target",
                        "i:t",
                        "--logfile",
                        "/tmp/l",
                        "--compression",
                        "xz",
                        "debian-minimal");
        assertThat(c.checksum).isTrue();
        assertThat(c.imageSize).isEqualTo("2");
        assertThat(c.imageExtraSize).isEqualTo("1");
        assertThat(c.rootLabel).isEqualTo("r");
        assertThat(c.ramdiskElement).isEqualTo("dracut");
        assertThat(c.build.elements).containsExactly("debian-minimal");
        assertThat(c.ignoredOptions())
                .containsExactly(
                        "-t",
                        "-u",
                        "--max-online-resize",
                        "--mkfs-journal-size",
                        "--mkfs-options",
                        "--qemu-img-options",
                        "--docker-target");
        // Through the launcher too: the options are no usage error; the build stops at its real problem.
        Run r = run(
                "ramdisk-image-create",
                "-t",
                "qcow2",
                "-u",
                "--checksum",
                "--image-size",
                "2",
                "--mkfs-options",
                "-O x",
                "--root-label",
                "r",
                "--docker-target",
                "i:t",
                "-o",
                "/tmp/jdib-never",
                "base");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip())
                .startsWith("error: no element provides operating-system; add one of: debian-minimal, ");
    }

    @Test
    void getKernelOfMissingImageIsOneLine() {
        Run r = run("disk-image-get-kernel", "-d", "/tmp/jdib-never", "-i", "/tmp/jdib-no-such-image.qcow2");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip())
                .isEqualTo("error: image /tmp/jdib-no-such-image.qcow2 does not exist or is not a file");
    }

    @Test
    void everyCommandPrintsTheVersion() {
        for (String command : List.of(
                "disk-image-create",
                "ramdisk-image-create",
                "element-info",
                "disk-image-get-kernel",
                "boot",
                "check",
                "cleanup")) {
            Run r = run(command, "--version");
            assertThat(r.code()).as(command).isZero();
            assertThat(r.out().strip()).as(command).isEqualTo("jdib 0.1.0");
        }
        assertThat(run("--version").out().strip()).isEqualTo("jdib 0.1.0");
    }

    @Test
    void outputNamedWithItsOnlyTypeKeepsThatName() {
        assertThat(DiskImageCreateCommand.withoutTypeExtension(Path.of("/o/x.qcow2"), List.of("qcow2")))
                .isEqualTo(Path.of("/o/x"));
        assertThat(DiskImageCreateCommand.withoutTypeExtension(Path.of("/o/x.qcow2"), List.of("qcow2", "raw")))
                .isEqualTo(Path.of("/o/x.qcow2"));
        assertThat(DiskImageCreateCommand.withoutTypeExtension(Path.of("/o/x.tar"), List.of("qcow2")))
                .isEqualTo(Path.of("/o/x.tar"));
    }

    @Test
    void dibArgsHoldTheArgumentsOnly() {
        assertThat(BuildOptions.argumentsOnly(List.of("disk-image-create", "-o", "x", "vm")))
                .containsExactly("-o", "x", "vm");
        assertThat(BuildOptions.argumentsOnly(List.of("-o", "x", "vm"))).containsExactly("-o", "x", "vm");
    }
}
