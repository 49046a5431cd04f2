package io.jdib.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.event.BuildEvent;
import io.jdib.frontend.ImageKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class BuildCommandTest {
    private static final Path FIXTURES =
            Path.of(System.getProperty("jdib.home", ".")).resolve("src/test/resources/io/jdib/cli/build");

    record Run(int code, String out, String err) {}

    private static Run jdib(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void dryRunPrintsTheCommandOfEachImage() throws IOException {
        Run run = jdib("build", "--dry-run", FIXTURES.resolve("images.yaml").toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(Files.readString(FIXTURES.resolve("images.dry-run"), StandardCharsets.UTF_8));
    }

    @Test
    void diskimageBuilderIsTheSameCommand() {
        Run run = jdib(
                "diskimage-builder",
                "--dry-run",
                FIXTURES.resolve("images.yaml").toString());

        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("DIB_RELEASE=bookworm ");
    }

    @Test
    void aMistakeIsOneLineWithItsPositionAndNothingIsBuilt(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("images.yaml"), "- elements: [debian-minimal]\n  type: [tar]\n");

        Run run = jdib("build", file.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("error: " + file + ":2:3: unknown key 'type'; did you mean 'types'? the keys are "
                        + String.join(", ", ImageKey.keys()) + System.lineSeparator());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void helpListsEveryKey() {
        Run run = jdib("build", "--help");

        assertThat(run.code()).isZero();
        for (ImageKey key : ImageKey.values()) {
            assertThat(run.out()).contains("  " + key.key() + ": ");
        }
        assertThat(run.out().lines()).allMatch(line -> line.length() <= 80, "80 columns");
    }

    @Test
    void theGuideListsEveryKey() throws IOException {
        String guide = Files.readString(
                Path.of(System.getProperty("jdib.home", ".")).resolve("docs/yaml-front-end.md"),
                StandardCharsets.UTF_8);

        for (ImageKey key : ImageKey.values()) {
            assertThat(guide).contains("| `" + key.key() + "` |");
        }
    }

    /** The keys mirror every option of the two commands, and each key names a real option of its command. */
    @Test
    void theKeysAreTheCommandsOptions() {
        Set<String> disk = options(new DiskImageCreateCommand());
        Set<String> ramdisk = options(new RamdiskImageCreateCommand());
        Set<String> covered = new TreeSet<>();
        for (ImageKey key : ImageKey.values()) {
            key.option().ifPresent(option -> {
                covered.add(option);
                if (key.scope() != ImageKey.Scope.RAMDISK) {
                    assertThat(disk).as("disk-image-create takes " + key.key()).contains(option);
                }
                if (key.scope() != ImageKey.Scope.DISK) {
                    assertThat(ramdisk)
                            .as("ramdisk-image-create takes " + key.key())
                            .contains(option);
                }
                if (key.scope() == ImageKey.Scope.DISK && ramdisk.contains(option)) {
                    // ramdisk-image-create takes every option DIB's takes; the disk ones do nothing there.
                    assertThat(RamdiskImageCreateCommand.TAKEN_AS_DIB_DOES)
                            .as(key.key() + " is for disks only")
                            .contains(option);
                }
            });
        }
        Set<String> all = new TreeSet<>(disk);
        all.addAll(ramdisk);
        assertThat(covered).as("every option has a key").containsAll(all);
    }

    private static Set<String> options(Object command) {
        return new CommandLine(command)
                .getCommandSpec().options().stream()
                        .filter(o -> !o.usageHelp() && !o.versionHelp())
                        .map(OptionSpec::shortestName)
                        .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void theSummaryIsATableOfEveryImage() {
        String table = EventPrinter.summary(new BuildEvent.ImagesSummary(List.of(
                new BuildEvent.ImageResult(
                        "debian-web",
                        "disk-image-create",
                        BuildEvent.ImageStatus.BUILT,
                        Duration.ofMillis(61_234),
                        List.of("debian-web.qcow2", "debian-web.tar"),
                        ""),
                new BuildEvent.ImageResult(
                        "ipa",
                        "ramdisk-image-create",
                        BuildEvent.ImageStatus.FAILED,
                        Duration.ofMillis(3_000),
                        List.of(),
                        "element 'nope' not found"),
                new BuildEvent.ImageResult(
                        "db", "disk-image-create", BuildEvent.ImageStatus.SKIPPED, Duration.ZERO, List.of(), ""))));

        assertThat(table)
                .isEqualTo(String.join(
                        System.lineSeparator(),
                        "images:",
                        "  image       command               result     time  outputs",
                        "  debian-web  disk-image-create     built    61.2 s  debian-web.qcow2, debian-web.tar",
                        "  ipa         ramdisk-image-create  FAILED    3.0 s  element 'nope' not found",
                        "  db          disk-image-create     skipped       -",
                        "1 of 3 images built"));
    }
}
