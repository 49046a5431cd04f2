package io.jdib.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jdib.sys.SourcePosition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImageDefinitionsTest {
    private static final Path INVALID =
            Path.of(System.getProperty("jdib.home", ".")).resolve("src/test/resources/io/jdib/frontend/invalid");

    private static List<ImageDefinition> parse(String yaml) {
        return ImageDefinitions.parse(yaml, "images.yaml");
    }

    @Test
    void anImageIsItsCommandAndArguments() {
        List<ImageDefinition> images = parse("""
                - imagename: centos-minimal
                  elements: [centos, vm]
                - imagename: ironic-python-agent
                  ramdisk: true
                  elements: [ironic-python-agent-ramdisk, extra-hardware]
                """);

        assertThat(images).extracting(ImageDefinition::name).containsExactly("centos-minimal", "ironic-python-agent");
        assertThat(images.get(0).command()).isEqualTo("disk-image-create");
        assertThat(images.get(0).arguments()).containsExactly("-o", "centos-minimal", "centos", "vm");
        assertThat(images.get(1).command()).isEqualTo("ramdisk-image-create");
        assertThat(images.get(1).arguments())
                .containsExactly("-o", "ironic-python-agent", "ironic-python-agent-ramdisk", "extra-hardware");
    }

    @Test
    void entriesOfOneImageMergeAsDibMergesThem() {
        // DIB's test_build_commands_merged, and its merge_entry cases.
        List<ImageDefinition> images = parse("""
                - imagename: centos-minimal
                  elements: [centos, vm]
                  environment: {foo: bar, zip: zap}
                  debug-trace: 1
                - elements: [devuser]             # no imagename: the image before
                  logfile: centos-minimal.log
                - imagename: other
                  elements: [debian-minimal]
                - imagename: centos-minimal       # the same name: merged into the first
                  environment: {foo: baz, one: two}
                  debug-trace: 2
                """);

        assertThat(images).extracting(ImageDefinition::name).containsExactly("centos-minimal", "other");
        ImageDefinition merged = images.get(0);
        assertThat(merged.arguments())
                .as("lists extended, values replaced, in DIB's argument order")
                .containsExactly(
                        "-o",
                        "centos-minimal",
                        "-x",
                        "-x",
                        "--logfile",
                        "centos-minimal.log",
                        "centos",
                        "vm",
                        "devuser");
        assertThat(merged.environment())
                .as("mappings updated, in the order first written")
                .containsExactly(Map.entry("foo", "baz"), Map.entry("zip", "zap"), Map.entry("one", "two"));
        assertThat(merged.at()).isEqualTo(new SourcePosition("images.yaml", 1, 3));
    }

    @Test
    void entriesWithoutANameBelongToTheDefaultImageUntilOneIsNamed() {
        List<ImageDefinition> images = parse("""
                - elements: [debian-minimal]
                - packages: [less]
                - imagename: web
                  elements: [debian]
                - packages: [nginx]
                """);

        assertThat(images).extracting(ImageDefinition::name).containsExactly("image", "web");
        assertThat(images.get(0).arguments())
                .as("DIB gives no -o for the default name")
                .containsExactly("-p", "less", "debian-minimal");
        assertThat(images.get(1).arguments()).containsExactly("-o", "web", "-p", "nginx", "debian");
    }

    @Test
    void filesAreOneListSoImagesMergeAcrossThem(@TempDir Path dir) throws IOException {
        Path first = Files.writeString(dir.resolve("a.yaml"), "- imagename: web\n  elements: [debian]\n");
        Path second =
                Files.writeString(dir.resolve("b.yaml"), "- packages: [nginx]\n- imagename: db\n  elements: [vm]\n");

        List<ImageDefinition> images = ImageDefinitions.load(List.of(first, second));

        assertThat(images)
                .extracting(ImageDefinition::commandLine)
                .containsExactly("disk-image-create -o web -p nginx debian", "disk-image-create -o db vm");
    }

    @Test
    void everyKeyBecomesItsArgumentInDibsOrder() {
        // DIB's test_build_commands_all_arguments, with jdib's docker-import.
        ImageDefinition image = parse("""
                - arch: amd64
                  imagename: everyoption
                  types: [qcow2]
                  debug-trace: 2
                  uncompressed: true
                  clear: true
                  logfile: ./logfile.log
                  checksum: true
                  image-size: 40
                  image-extra-size: 1
                  image-cache: ~/.cache/dib
                  max-online-resize: 1000
                  min-tmpfs: 7
                  mkfs-journal-size: 1
                  mkfs-options: -D
                  no-tmpfs: true
                  offline: true
                  qemu-img-options: {size: "10"}
                  ramdisk-element: dracut-ramdisk
                  install-type: package
                  root-label: root
                  docker-target: everyoption:latest
                  docker-import: false
                  packages: [wget, tmux]
                  skip-base: true
                  elements: [centos, vm]
                """).get(0);

        assertThat(image.arguments())
                .containsExactly(
                        "-o",
                        "everyoption",
                        "-a",
                        "amd64",
                        "-t",
                        "qcow2",
                        "-x",
                        "-x",
                        "-u",
                        "-c",
                        "--logfile",
                        "./logfile.log",
                        "--checksum",
                        "--image-size",
                        "40",
                        "--image-extra-size",
                        "1",
                        "--image-cache",
                        "~/.cache/dib",
                        "--max-online-resize",
                        "1000",
                        "--min-tmpfs",
                        "7",
                        "--mkfs-journal-size",
                        "1",
                        "--mkfs-options",
                        "-D",
                        "--no-tmpfs",
                        "--offline",
                        "--qemu-img-options",
                        "size=10",
                        "--root-label",
                        "root",
                        "--ramdisk-element",
                        "dracut-ramdisk",
                        "--install-type",
                        "package",
                        "--docker-target",
                        "everyoption:latest",
                        "-p",
                        "wget,tmux",
                        "-n",
                        "centos",
                        "vm");
    }

    @Test
    void booleansAreDibsYaml11OnesAndAnEmptyQuotedValueGivesNoArgument() {
        ImageDefinition image = parse("""
                - elements: [debian-minimal]
                  checksum: yes
                  offline: Off
                  no-tmpfs: ON
                  root-label: ""
                """).get(0);

        assertThat(image.arguments()).containsExactly("--checksum", "--no-tmpfs", "debian-minimal");
    }

    @Test
    void yamlMergeKeysGiveDefaultsTheImageOverrides() {
        List<ImageDefinition> images = parse("""
                - &common
                  imagename: base
                  types: [tar]
                  environment: {DIB_RELEASE: trixie}
                  elements: [debian-minimal]
                - <<: *common
                  imagename: web
                  elements: [debian-minimal, vm]
                """);

        assertThat(images.get(1).commandLine())
                .isEqualTo("DIB_RELEASE=trixie disk-image-create -o web -t tar debian-minimal vm");
    }

    @Test
    void theCommandLineQuotesWhatTheShellWouldSplit() {
        ImageDefinition image = parse("""
                - imagename: my image
                  environment: {DIB_DEV_USER_PASSWORD: "it's secret", DIB_RELEASE: trixie}
                  mkfs-options: -i 8192
                  elements: [debian-minimal]
                """).get(0);

        assertThat(image.commandLine())
                .isEqualTo("DIB_DEV_USER_PASSWORD='it'\"'\"'s secret' DIB_RELEASE=trixie disk-image-create"
                        + " -o 'my image' --mkfs-options '-i 8192' debian-minimal");
    }

    @Test
    void aMissingFileIsOneLine() {
        assertThatThrownBy(() -> ImageDefinitions.load(List.of(Path.of("/nonexistent/images.yaml"))))
                .hasMessage("image definition file /nonexistent/images.yaml does not exist");
    }

    static Stream<Path> invalidFiles() throws IOException {
        try (Stream<Path> files = Files.list(INVALID)) {
            return files.sorted().toList().stream();
        }
    }

    /**
     * Each file under {@code invalid/} holds one mistake and says, on its first line, where it is and
     * what the error says: {@code # error: LINE:COLUMN: TEXT}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFiles")
    void everyMistakeIsReportedAtItsPosition(Path file) throws IOException {
        String first = Files.readAllLines(file, StandardCharsets.UTF_8).get(0);
        assertThat(first).startsWith("# error: ");
        String[] expected = first.substring("# error: ".length()).split(": ", 2);

        DefinitionError error = catchThrowableOfType(DefinitionError.class, () -> ImageDefinitions.load(List.of(file)));

        assertThat(error).as("%s is rejected", file.getFileName()).isNotNull();
        assertThat(error.position().source()).isEqualTo(file.toString());
        assertThat(error.position().line() + ":" + error.position().column()).isEqualTo(expected[0]);
        assertThat(error.getMessage())
                .startsWith(file + ":" + expected[0] + ": ")
                .contains(expected[1]);
        assertThat(error.getMessage()).as("one line").doesNotContain("\n");
    }
}
