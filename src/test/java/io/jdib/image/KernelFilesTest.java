package io.jdib.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelFilesTest {
    @TempDir
    Path dir;

    @Test
    void versionsCompareLikeSortV() {
        List<String> versions = new java.util.ArrayList<>(List.of(
                "6.1.0-10-amd64", "6.1.0-9-amd64", "5.10.0-30-amd64", "6.1.0-10-cloud-amd64", "6.10.1", "6.1.0"));
        versions.sort(KernelFiles.VERSION_ORDER);
        assertThat(versions)
                .containsExactly(
                        "5.10.0-30-amd64",
                        "6.1.0",
                        "6.1.0-9-amd64",
                        "6.1.0-10-amd64",
                        "6.1.0-10-cloud-amd64",
                        "6.10.1");
    }

    @Test
    void newestKernelComesWithItsInitrdInAnyDistributionsNaming() throws IOException {
        Files.writeString(dir.resolve("vmlinuz-6.1.0-9-amd64"), "old");
        Files.writeString(dir.resolve("initrd.img-6.1.0-9-amd64"), "old initrd");
        Files.writeString(dir.resolve("vmlinuz-6.1.0-10-amd64"), "new");
        Files.writeString(dir.resolve("initramfs-6.1.0-10-amd64.img"), "new initrd");
        Files.writeString(dir.resolve("config-6.1.0-11-amd64"), "not a kernel");

        KernelFiles.Kernel k = KernelFiles.newest(dir).orElseThrow();

        assertThat(k.version()).isEqualTo("6.1.0-10-amd64");
        assertThat(k.initrd()).contains(dir.resolve("initramfs-6.1.0-10-amd64.img"));
        assertThat(KernelFiles.find(dir)).hasSize(2);
        assertThat(KernelFiles.newest(dir.resolve("none"))).isEqualTo(Optional.empty());
    }

    @Test
    void sfdiskJsonGivesByteRangesAndSkipsExtendedContainers() throws IOException {
        String json = """
                {"partitiontable": {"label": "dos", "unit": "sectors", "sectorsize": 512, "partitions": [
                  {"node": "img1", "start": 2048, "size": 4096, "type": "83", "bootable": true},
                  {"node": "img2", "start": 6144, "size": 2048, "type": "5"},
                  {"node": "img5", "start": 8192, "size": 1024, "type": "83"}]}}
                """;
        assertThat(ImageReader.partitions(json, 10_000L * 512))
                .containsExactly(
                        new ImageReader.Partition("p1", 1, 2048L * 512, 4096L * 512, "83", ""),
                        new ImageReader.Partition("p5", 5, 8192L * 512, 1024L * 512, "83", ""));
        assertThat(ImageReader.partitions(json, 10_000L * 512).get(1).describe())
                .isEqualTo("partition 5");
    }

    @Test
    void mbrPartitionsGetLinuxsPartUuidsAndAPartitionPastTheEndIsIgnored() {
        String json = """
                {"partitiontable": {"label": "dos", "id": "0x1a2b3c4d", "sectorsize": 512, "partitions": [
                  {"node": "img1", "start": 2048, "size": 4096, "type": "83"},
                  {"node": "img2", "start": 9000, "size": 4096, "type": "83"}]}}
                """;
        assertThat(ImageReader.partitions(json, 10_000L * 512))
                .containsExactly(new ImageReader.Partition("p1", 1, 2048L * 512, 4096L * 512, "83", "1a2b3c4d-01"));
        assertThat(ImageReader.partitions("{\"partitiontable\": {\"partitions\": []}}", 4096))
                .extracting(ImageReader.Partition::describe)
                .containsExactly("whole image");
    }
}
