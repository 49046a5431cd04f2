package io.jdib.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.sys.Exec;
import io.jdib.sys.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdib boot}, {@code jdib check} and {@code jdib check --boot} refuse, at once and in one
 * line, a file that is not a disk image, an unknown profile and an unknown datasource. No root and
 * no QEMU: the refusal comes before anything is attached or started ({@code qemu-img} and
 * {@code blkid} are host tools every jdib host has).
 */
class BadInputTest {
    private static final Path NOT_AN_IMAGE = Path.of("/etc/passwd");

    private static InProcessCli.Run timed(String... args) {
        long start = System.nanoTime();
        InProcessCli.Run run = InProcessCli.jdib(args);
        assertThat((System.nanoTime() - start) / 1e9)
                .as("seconds to refuse " + List.of(args))
                .isLessThan(20);
        return run;
    }

    private static void oneErrorLine(InProcessCli.Run run, String... contains) {
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).startsWith("error: ").doesNotContain("Exception");
        for (String text : contains) {
            assertThat(run.err()).contains(text);
        }
    }

    @Test
    void aTextFileIsNotADiskImage() {
        assertThatThrownBy(() -> DiskImage.probe(NOT_AN_IMAGE))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("/etc/passwd is not a disk image: qemu-img sees ")
                .hasMessageContaining("no partition table or filesystem");
    }

    @Test
    void rawImagesNeedAPartitionTableOrAFilesystem(@TempDir Path dir) {
        Path zeros = dir.resolve("zeros.raw");
        Exec.check("qemu-img", "create", "-q", "-f", "raw", zeros.toString(), "4M");
        assertThatThrownBy(() -> DiskImage.probe(zeros))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("4194304 bytes of raw data with no partition table or filesystem");

        Path partitioned = dir.resolve("disk.raw");
        Exec.check("qemu-img", "create", "-q", "-f", "raw", partitioned.toString(), "4M");
        Exec.check("sgdisk", "-o", "-n", "1:0:0", partitioned.toString());
        DiskImage disk = DiskImage.probe(partitioned);
        assertThat(disk.format()).isEqualTo("raw");
        assertThat(disk.content()).isEqualTo("PTTYPE=gpt");

        Path qcow2 = dir.resolve("disk.qcow2");
        Exec.check("qemu-img", "create", "-q", "-f", "qcow2", qcow2.toString(), "1G");
        assertThat(DiskImage.probe(qcow2).format()).isEqualTo("qcow2");
        assertThat(DiskImage.probe(qcow2).virtualSize()).isEqualTo(1L << 30);
    }

    @Test
    void bootRefusesATextFileBeforeStartingQemu() {
        InProcessCli.Run run = timed("boot", "--timeout", "300", NOT_AN_IMAGE.toString());
        assertThat(run.exit()).isEqualTo(1);
        oneErrorLine(run, "/etc/passwd is not a disk image");
        assertThat(run.out()).doesNotContain("booting");
    }

    @Test
    void checkAndCheckBootRefuseATextFileBeforeAttachingAnything(@TempDir Path work) throws Exception {
        for (List<String> args : List.of(
                List.of("check"),
                List.of("check", "--boot"),
                List.of("check", "--boot", "--datasource", "all", "--json"))) {
            String[] argv = java.util.stream.Stream.concat(
                            args.stream(),
                            java.util.stream.Stream.of("--work-dir", work.toString(), NOT_AN_IMAGE.toString()))
                    .toArray(String[]::new);
            InProcessCli.Run run = timed(argv);
            assertThat(run.exit()).as(args.toString()).isEqualTo(1);
            oneErrorLine(run, "/etc/passwd is not a disk image");
            assertThat(run.out()).isEmpty();
        }
        try (var left = Files.list(work)) {
            assertThat(left.toList()).isEmpty(); // no scratch directory, so nothing was attached
        }
    }

    @Test
    void anUnknownProfileOrDatasourceNamesTheOnesThatExist() {
        InProcessCli.Run profile = timed("check", "--profile", "aws", NOT_AN_IMAGE.toString());
        assertThat(profile.exit()).isEqualTo(2);
        oneErrorLine(profile, "unknown profile 'aws'; use one of: openstack, egi, opennebula, generic");

        InProcessCli.Run datasource = timed("check", "--boot", "--datasource", "azure", NOT_AN_IMAGE.toString());
        assertThat(datasource.exit()).isEqualTo(2);
        oneErrorLine(
                datasource,
                "unknown datasource 'azure'; use one of: nocloud, configdrive, openstack-metadata,"
                        + " ec2-metadata, opennebula, or all");
        assertThat(Datasource.parse("all")).containsExactly(Datasource.values());
        assertThat(Datasource.parse("EC2-Metadata")).containsExactly(Datasource.EC2_METADATA);
    }
}
