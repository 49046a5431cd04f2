package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Builds that fail, are interrupted or are killed leave nothing mounted, attached or running. */
@Tag("integration")
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class AbortIT {
    private static final String HANG_MARKER = "sleep 6543";

    @TempDir
    Path dir;

    private Map<String, String> env() {
        return Map.of(
                "ELEMENTS_PATH",
                JdibProcess.testElements().toString(),
                "JDIB_WORK_DIR",
                dir.resolve("work").toString());
    }

    private void assertNothingLeft() throws Exception {
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.processes(HANG_MARKER)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
        if (Files.isDirectory(dir.resolve("out"))) {
            try (var files = Files.list(dir.resolve("out"))) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tar"));
            }
        }
    }

    @Test
    void failingHookStopsTheBuildAndSaysWhere() throws Exception {
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(15),
                env(),
                "disk-image-create",
                "-o",
                dir.resolve("out/x").toString(),
                "-t",
                "tar",
                "debian-minimal",
                "jdib-test-fail");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output())
                .contains(
                        "error: hook failed: element jdib-test-fail, phase install.d, script 20-jdib-fail"
                                + " exited with code 3; its last lines:\n    about to fail on purpose\n    the last words of a failing hook");
        assertThat(r.output()).doesNotContain("==> post-install.d");
        assertNothingLeft();
    }

    @Test
    void failureAfterCleanupLeavesNoManifestsOrPartialImage() throws Exception {
        // The conversion fails after cleanup.d has written NAME.d: nothing may look like a finished build.
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(15),
                env(),
                "disk-image-create",
                "-o",
                dir.resolve("out/bad").toString(),
                "-t",
                "qcow2",
                "--qemu-img-options",
                "no_such_option=1",
                "debian-minimal");

        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("==> cleanup.d").contains("no_such_option");
        assertThat(Files.exists(dir.resolve("out/bad.d"))).isFalse();
        assertThat(Files.exists(dir.resolve("out/bad.qcow2"))).isFalse();
        assertThat(Files.exists(dir.resolve("out/bad.qcow2.jdib-partial"))).isFalse();
        assertNothingLeft();
    }

    @Test
    void sigtermDuringInstallUndoesEverything() throws Exception {
        JdibProcess p = JdibProcess.start(
                env(),
                "disk-image-create",
                "-x",
                "-o",
                dir.resolve("out/x").toString(),
                "-t",
                "tar",
                "debian-minimal",
                "jdib-test-hang");
        p.awaitLine(l -> l.contains("JDIB-HANG-READY"), Duration.ofMinutes(15));
        assertThat(HostState.mountsUnder(dir)).isNotEmpty(); // the chroot is up: there is something to undo
        // -x sets DIB_DEBUG_TRACE (the hook traces itself) and prints debug events.
        assertThat(p.output())
                .contains("[jdib-test-hang/20-jdib-hang] + echo JDIB-HANG-READY")
                .contains("debug: ");

        p.signal("TERM");
        int code = p.waitFor(Duration.ofMinutes(2));

        assertThat(code).isNotZero();
        assertThat(p.output()).contains("interrupted: stopping hooks and undoing mounts");
        assertNothingLeft();
    }

    @Test
    void sigkillThenCleanupUndoesEverything() throws Exception {
        JdibProcess p = JdibProcess.start(
                env(),
                "disk-image-create",
                "-o",
                dir.resolve("out/x").toString(),
                "-t",
                "tar",
                "debian-minimal",
                "jdib-test-hang");
        p.awaitLine(l -> l.contains("JDIB-HANG-READY"), Duration.ofMinutes(15));

        p.signal("KILL");
        p.waitFor(Duration.ofMinutes(1));
        // A killed JVM cannot clean up: the mounts and the hook's process group are still there.
        assertThat(HostState.mountsUnder(dir)).isNotEmpty();
        assertThat(HostState.processes(HANG_MARKER)).isNotEmpty();

        JdibProcess.Result cleanup = JdibProcess.run(
                Duration.ofMinutes(2),
                env(),
                "cleanup",
                "--work-dir",
                dir.resolve("work").toString());

        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
        assertThat(cleanup.output()).contains("cleaned up 1 unfinished build(s)");
        assertNothingLeft();
    }

    @Test
    void nextBuildCleansUpAfterAKilledOne() throws Exception {
        JdibProcess p = JdibProcess.start(
                env(),
                "disk-image-create",
                "-o",
                dir.resolve("out/x").toString(),
                "-t",
                "tar",
                "debian-minimal",
                "jdib-test-hang");
        p.awaitLine(l -> l.contains("JDIB-HANG-READY"), Duration.ofMinutes(15));
        p.signal("KILL");
        p.waitFor(Duration.ofMinutes(1));

        // A build that fails fast still cleans stale builds first.
        JdibProcess.Result next = JdibProcess.run(
                Duration.ofMinutes(2),
                env(),
                "disk-image-create",
                "-t",
                "tar",
                "-o",
                dir.resolve("out/y").toString(),
                "debian-minimal",
                "no-such-element");

        assertThat(next.output()).contains("cleaning up after a build that did not finish");
        assertThat(next.exitCode()).isEqualTo(1);
        assertNothingLeft();
    }
}
