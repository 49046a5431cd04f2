package io.jdib.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.event.EventSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Workspace;
import io.jdib.testing.HostState;
import io.jdib.testing.SharedBuilds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check --boot}'s boot at the built size: the shared {@code debian-minimal vm} image boots on a
 * disk of exactly its own size (the image itself, opened as a snapshot), to the login prompt only, so
 * the test stays short. The longer boots through each data source are {@code CloudImageCheckIT}'s.
 */
@Tag("integration")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class BuiltSizeBootIT {
    @TempDir
    Path dir;

    @Test
    void debianMinimalVmBootsAtItsBuiltSize() throws Exception {
        Path image = SharedBuilds.minimalVm().requireSuccess().output("qcow2");
        long bytes = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Exec.check("qemu-img", "info", "-U", "--output=json", image.toString()))
                .path("virtual-size")
                .asLong();
        byte[] before = Files.readAllBytes(image);
        Path console = dir.resolve("console.log");

        BootCheck.BuiltSize at;
        try (Workspace workspace = Workspace.open(dir.resolve("work"), "check-boot", m -> {})) {
            at = new BootCheck(workspace.work(), workspace.ledger(), EventSink.NONE)
                    .builtSize(image, false, null, Duration.ofMinutes(20), console);
        }

        RuleResult r = at.result();
        assertThat(r.id()).isEqualTo(BootCheck.BUILT_SIZE_RULE);
        assertThat(r.outcome()).as(r.evidence().toString()).isEqualTo(RuleResult.Outcome.PASS);
        assertThat(r.evidence().get(0).text())
                .contains("on a disk of " + bytes + " bytes")
                .contains("the image's own size");
        assertThat(at.loginSeconds()).isPositive();
        assertThat(Profile.OPENSTACK.severity(r.id())).isEqualTo(Severity.REQUIRED);
        assertThat(Files.readString(console, java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("Linux version");
        // The guest wrote to a snapshot: the image is what it was, and no QEMU is left.
        assertThat(Files.readAllBytes(image)).isEqualTo(before);
        assertThat(HostState.processes(console.toString())).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
        System.out.printf(
                "debian-minimal vm at its built size (%d MiB): login after %.1f s%n", bytes >> 20, at.loginSeconds());
    }
}
