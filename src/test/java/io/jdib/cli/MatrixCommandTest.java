package io.jdib.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.sys.Architecture;
import io.jdib.sys.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatrixCommandTest {
    @Test
    void targetsAreEveryReleaseTimesEveryArchitectureInDebianNames() {
        List<MatrixCommand.Target> t = MatrixCommand.targets(List.of("bookworm", "trixie"), List.of("x86_64", "arm64"));
        assertThat(t)
                .extracting(MatrixCommand.Target::name)
                .containsExactly("bookworm-amd64", "bookworm-arm64", "trixie-amd64", "trixie-arm64");
    }

    @Test
    void anUnknownArchitectureIsRefusedBeforeAnyBuild() {
        assertThatThrownBy(() -> MatrixCommand.targets(List.of("trixie"), List.of("sparc")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("unknown architecture 'sparc'");
    }

    @Test
    void tableHasOneRowPerTargetWithTimeSizeAndBoot() {
        var ok = new MatrixCommand.Outcome(
                new MatrixCommand.Target("trixie", Architecture.ARM64), 0, 1234.4, 300L * 1048576, "95 s");
        var failed = new MatrixCommand.Outcome(new MatrixCommand.Target("sid", Architecture.AMD64), 1, 12, -1, "-");
        String table = MatrixCommand.table(List.of(ok, failed));
        assertThat(table.lines().toList()).hasSize(3);
        assertThat(table)
                .contains("trixie       arm64    ok            1234s  300.0 MiB  95 s")
                .contains("sid          amd64    FAILED          12s          -  -");
        assertThat(ok.ok()).isTrue();
        assertThat(failed.ok()).isFalse();
    }

    @Test
    void parsesItsOptions() {
        MatrixCommand c = new MatrixCommand();
        new picocli.CommandLine(c)
                .parseArgs(
                        "--release",
                        "bookworm,trixie",
                        "-a",
                        "amd64,arm64",
                        "-j",
                        "2",
                        "--boot",
                        "-t",
                        "qcow2",
                        "debian-minimal",
                        "vm");
        assertThat(c.releases).containsExactly("bookworm", "trixie");
        assertThat(c.archs).containsExactly("amd64", "arm64");
        assertThat(c.parallel).isEqualTo(2);
        assertThat(c.boot).isTrue();
        assertThat(c.elements).containsExactly("debian-minimal", "vm");
    }
}
