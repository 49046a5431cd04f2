package io.jdib.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of host actions and their undo, through a recording fake host: every action is in
 * the ledger before it runs, a refused action leaves nothing recorded as pending, and undo runs
 * newest first. No root, no loop devices, milliseconds.
 */
class HostActionsTest {
    @TempDir
    Path dir;

    @Test
    void everyActionIsRecordedBeforeItRunsAndUndoneNewestFirst() {
        RecordingHost host = new RecordingHost();
        Ledger ledger = Ledger.create(dir.resolve("b"), s -> {}, host);
        Path image = dir.resolve("image0.raw");
        Path root = dir.resolve("mnt");

        Loops.Loop loop = new Loops(ledger).attach(image, 0, 0, 512);
        assertThat(Ledger.pending(ledger.file()))
                .extracting(Ledger.Action::kind)
                .containsExactly(Ledger.Kind.LOOP);
        new Loops(ledger).addPartitions(loop.device());
        new Mounts(ledger).mount("ext4", loop.device() + "p1", root, null);
        new Mounts(ledger).bind(dir.resolve("hooks"), root.resolve("tmp/in_target.d"), true);
        assertThat(Ledger.pending(ledger.file()))
                .extracting(Ledger.Action::kind)
                .containsExactly(Ledger.Kind.LOOP, Ledger.Kind.PARTX, Ledger.Kind.MOUNT, Ledger.Kind.MOUNT);

        host.commands.clear();
        ledger.undoAll();

        // The bind mount first, then the root, then the loop device (its partitions go with it).
        assertThat(host.commands)
                .containsSubsequence(
                        "umount " + root.resolve("tmp/in_target.d"), "umount " + root, "losetup --detach /dev/loop0");
        assertThat(host.mounted()).isEmpty();
        assertThat(host.loopsAttached()).isZero();
        assertThat(Ledger.pending(ledger.file())).isEmpty();
    }

    @Test
    void aReadOnlyBindIsRemountedReadOnly() {
        RecordingHost host = new RecordingHost();
        Ledger ledger = Ledger.create(dir.resolve("b"), s -> {}, host);
        new Mounts(ledger).bind(dir.resolve("a"), dir.resolve("t"), true);
        assertThat(host.commands)
                .containsExactly(
                        "mount --bind " + dir.resolve("a") + " " + dir.resolve("t"),
                        "mount -o remount,bind,ro " + dir.resolve("t"));
    }

    @Test
    void aRefusedMountIsAnEnvironmentErrorAndLeavesNothingPending() {
        RecordingHost host = new RecordingHost().failing(argv -> argv.get(0).equals("mount"));
        Ledger ledger = Ledger.create(dir.resolve("b"), s -> {}, host);

        assertThatThrownBy(() -> new Mounts(ledger).mount("xfs", "/dev/loop9", dir.resolve("m"), "ro"))
                .isInstanceOf(EnvironmentError.class)
                .hasMessageContaining("mount -t xfs -o ro /dev/loop9")
                .hasMessageContaining("mount: refused");
        assertThat(Ledger.pending(ledger.file())).isEmpty();
        assertThat(host.commands).noneMatch(c -> c.startsWith("umount")); // nothing was mounted to undo
    }

    @Test
    void aRefusedLoopSaysWhatToCheckAndLeavesNothingPending() {
        RecordingHost host = new RecordingHost().failing(argv -> argv.contains("--find"));
        Ledger ledger = Ledger.create(dir.resolve("b"), s -> {}, host);

        assertThatThrownBy(() -> new Loops(ledger).attachReadOnly(dir.resolve("x.raw"), 1048576, 4096))
                .isInstanceOf(EnvironmentError.class)
                .hasMessageContaining("modprobe loop");
        assertThat(host.commands.get(0))
                .isEqualTo(
                        "losetup --find --show --read-only --offset 1048576 --sizelimit 4096 " + dir.resolve("x.raw"));
        assertThat(Ledger.pending(ledger.file())).isEmpty();
    }

    @Test
    void aWorkspaceClosedAfterAFailureStillUndoesWhatWasMade() {
        RecordingHost host = new RecordingHost();
        Ledger ledger = Ledger.create(dir.resolve("b"), s -> {}, host);
        new Mounts(ledger).mount("tmpfs", "jdib-build", dir.resolve("work"), "mode=0755");
        ledger.seal(); // a signal arrived: nothing new may start ...
        assertThatThrownBy(() -> new Mounts(ledger).mount("proc", "proc", dir.resolve("work/proc"), null))
                .isInstanceOf(Interrupted.class);
        assertThat(host.commands).noneMatch(c -> c.contains("work/proc"));

        ledger.undoAll(); // ... but what was made is still undone
        assertThat(host.mounted()).isEmpty();
    }
}
