package io.jdib.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
    @TempDir
    Path dir;

    @Test
    void recordsBeforeActingAndForgetsWhatWasUndone() {
        Ledger ledger = Ledger.create(dir.resolve("b"), s -> {});
        Ledger.Entry mount = ledger.recordMount(dir.resolve("mnt"));
        ledger.recordProcessGroup(999_999_999L);
        mount.markUndone();

        List<Ledger.Action> pending = Ledger.pending(ledger.file());

        assertThat(pending).hasSize(1);
        assertThat(pending.get(0).kind()).isEqualTo(Ledger.Kind.PGROUP);
        assertThat(pending.get(0).args()).containsExactly("999999999");
    }

    @Test
    void ownerIsAliveOnlyWhileThisProcessRuns() throws Exception {
        Ledger ledger = Ledger.create(dir.resolve("b"), s -> {});
        assertThat(Ledger.ownerAlive(ledger.file())).isTrue();

        // A ledger whose owner pid was reused by another process (start time differs) is stale.
        List<String> lines = new ArrayList<>(Files.readAllLines(ledger.file()));
        lines.set(0, lines.get(0).replaceFirst("\t[0-9]+$", "\t1"));
        Files.write(ledger.file(), lines);
        assertThat(Ledger.ownerAlive(ledger.file())).isFalse();
    }

    @Test
    void tornLastLineKeepsEverythingBeforeIt() throws Exception {
        Ledger ledger = Ledger.create(dir.resolve("b"), s -> {});
        ledger.recordMount(dir.resolve("m1"));
        Files.writeString(ledger.file(), "do\t2\tmou", java.nio.file.StandardOpenOption.APPEND);

        assertThat(Ledger.pending(ledger.file())).extracting(Ledger.Action::id).containsExactly(1);
    }

    @Test
    void sealedLedgerRefusesNewSideEffects() {
        Ledger ledger = Ledger.create(dir.resolve("b"), s -> {});
        ledger.seal();

        assertThatThrownBy(() -> ledger.recordMount(dir.resolve("m")))
                .isInstanceOf(Interrupted.class)
                .hasMessage("build is stopping; not starting anything new");
    }

    @Test
    void missingToolNamesTheDebianPackage() {
        assertThatThrownBy(() -> Tools.require("mkfs.xfs-not-here"))
                .hasMessage("mkfs.xfs-not-here is not installed; install it with: apt-get install mkfs.xfs-not-here");
        assertThat(new MissingToolError("qemu-img", "qemu-utils"))
                .hasMessage("qemu-img is not installed; install it with: apt-get install qemu-utils");
    }

    @Test
    void processGroupIsKilledWithItsChildren() throws Exception {
        List<String> lines = new ArrayList<>();
        Ledger ledger = Ledger.create(dir.resolve("b"), s -> {});
        Thread runner = new Thread(() ->
                Exec.stream(Exec.Command.of("/bin/sh", "-c", "sleep 7321 & echo started $!; wait"), ledger, line -> {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }));
        runner.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (Ledger.pending(ledger.file()).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        long pgid = Long.parseLong(Ledger.pending(ledger.file()).get(0).args().get(0));
        long child = awaitChildPid(lines, deadline);
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).contains(true);

        Ledger.undoAll(ledger.file(), s -> {});
        runner.join(10_000);

        assertThat(ProcessGroups.alive(pgid)).isFalse();
        assertThat(runner.isAlive()).isFalse();
        // The background child, not just the shell that started it, is gone.
        long gone = System.currentTimeMillis() + 5_000;
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.currentTimeMillis() < gone) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
    }

    private static long awaitChildPid(List<String> lines, long deadline) throws InterruptedException {
        while (System.currentTimeMillis() < deadline) {
            synchronized (lines) {
                for (String line : lines) {
                    if (line.startsWith("started ")) {
                        return Long.parseLong(
                                line.substring("started ".length()).trim());
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the shell never said which child it started: " + lines);
    }
}
