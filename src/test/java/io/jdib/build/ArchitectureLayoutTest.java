package io.jdib.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.blockdevice.config.Partition;
import io.jdib.element.Element;
import io.jdib.element.ElementResolution;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which disk layout each architecture gets (from jdib's own block-device elements), where the
 * PReP partition of a POWER layout is, and the early refusal of s390x disk images.
 */
class ArchitectureLayoutTest {
    private static BuildSpec.Builder spec(String arch) {
        return BuildSpec.builder()
                .elements(List.of("debian-minimal", "vm"))
                .arch(arch)
                .jdibHome(Path.of("/opt/jdib"))
                .imageName(Path.of("/out/img"))
                .arguments(List.of());
    }

    private static ElementResolution only(String element) {
        return new ElementResolution(
                List.of(new ElementResolution.Resolved(
                        new Element(element, Path.of("elements", element), List.of(), List.of()), "cli")),
                Map.of());
    }

    private static BlockDeviceGraph layout(String arch, String element) {
        return DiskImage.config(spec(arch).build(), only(element), Map.of());
    }

    private static List<String> partitions(BlockDeviceGraph graph) {
        return graph.nodes(Partition.class).stream().map(Partition::name).toList();
    }

    @Test
    void vmWithoutALayoutGetsGptAndAnEspWhereOnlyUefiBoots() {
        List<String> vm = List.of("debian-minimal", "vm");
        assertThat(Build.withDefaultBlockDevice(vm, "arm64")).endsWith("block-device-efi");
        assertThat(Build.withDefaultBlockDevice(vm, "armhf")).endsWith("block-device-efi");
        assertThat(Build.withDefaultBlockDevice(vm, "amd64")).endsWith("block-device-mbr");
        assertThat(Build.withDefaultBlockDevice(vm, "i386")).endsWith("block-device-mbr");
        // DIB's default for POWER too: block-device-mbr, whose ppc64el file adds the PReP partition.
        assertThat(Build.withDefaultBlockDevice(vm, "ppc64el")).endsWith("block-device-mbr");
        assertThat(Build.withDefaultBlockDevice(List.of("debian-minimal", "vm", "block-device-gpt"), "ppc64el"))
                .containsExactly("debian-minimal", "vm", "block-device-gpt");
    }

    @Test
    void ppc64elTakesTheElementsPrepLayoutOnMbr() {
        BlockDeviceGraph graph = layout("ppc64el", "block-device-mbr");
        assertThat(partitions(graph)).containsExactly("boot", "root");
        Partition prep = graph.nodes(Partition.class).get(0);
        assertThat(prep.type()).isEqualTo("0x41");
        assertThat(prep.flags().toString()).containsIgnoringCase("boot");
        assertThat(DiskImage.prepPartition(graph)).contains("boot");
        // DIB's alias names the same architecture.
        assertThat(partitions(layout("ppc64le", "block-device-mbr"))).containsExactly("boot", "root");
    }

    @Test
    void ppc64elTakesTheElementsPrepLayoutOnGpt() {
        BlockDeviceGraph graph = layout("ppc64el", "block-device-gpt");
        assertThat(partitions(graph)).containsExactly("boot", "root");
        assertThat(graph.nodes(Partition.class).get(0).type()).isEqualTo("4100");
        assertThat(DiskImage.prepPartition(graph)).contains("boot");
    }

    @Test
    void otherArchitecturesKeepTheDefaultLayoutWithoutPrep() {
        BlockDeviceGraph mbr = layout("amd64", "block-device-mbr");
        assertThat(partitions(mbr)).containsExactly("root");
        assertThat(DiskImage.prepPartition(mbr)).isEmpty();
        BlockDeviceGraph gpt = layout("arm64", "block-device-gpt");
        assertThat(partitions(gpt)).containsExactly("BSP", "root");
        assertThat(DiskImage.prepPartition(gpt)).isEmpty();
    }

    @Test
    void s390xDiskImagesGetOneMbrRootPartitionForZipl() {
        // zipl writes its boot record into the MBR's code area and reads /boot from the root filesystem.
        assertThat(spec("s390x").build().wantsDisk()).isTrue();
        assertThat(Build.withDefaultBlockDevice(List.of("debian-minimal", "vm", "zipl"), "s390x"))
                .endsWith("block-device-mbr");
        BlockDeviceGraph mbr = layout("s390x", "block-device-mbr");
        assertThat(partitions(mbr)).containsExactly("root");
        assertThat(DiskImage.prepPartition(mbr)).isEmpty();
        assertThat(spec("ppc64el").types(List.of("qcow2", "raw")).build().wantsDisk())
                .isTrue();
    }
}
