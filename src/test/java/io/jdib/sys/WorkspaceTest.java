package io.jdib.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one owner of a command's host work, without root: directories, ledger, process groups. */
class WorkspaceTest {
    @TempDir
    Path root;

    @Test
    void aWorkspaceIsNamedForCleanupAndLeavesNothingWhenClosed() throws Exception {
        Path dir;
        try (Workspace workspace = Workspace.open(root, "check", s -> {})) {
            dir = workspace.dir();
            assertThat(dir.getFileName().toString())
                    .startsWith("build-check-")
                    .endsWith("-" + ProcessHandle.current().pid());
            assertThat(workspace.ledger().file())
                    .isEqualTo(dir.resolve(Ledger.FILE_NAME))
                    .exists();
            assertThat(workspace.work()).isDirectory();
            Files.writeString(workspace.work().resolve("scratch"), "x");
            workspace.close(); // twice is fine
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void closingStopsTheProcessGroupsItRecorded() throws Exception {
        List<String> lines = new ArrayList<>();
        Thread runner;
        Ledger ledger;
        try (Workspace workspace = Workspace.open(root, "", s -> {})) {
            ledger = workspace.ledger();
            runner = new Thread(() -> {
                try {
                    Exec.stream(Exec.Command.of("/bin/sh", "-c", "echo started; exec sleep 7377"), ledger, line -> {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    });
                } catch (JdibError expected) {
                    // killed by the close below
                }
            });
            runner.start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (Ledger.pending(ledger.file()).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Ledger.pending(ledger.file()))
                    .extracting(Ledger.Action::kind)
                    .containsExactly(Ledger.Kind.PGROUP);
        }
        runner.join(10_000);
        assertThat(runner.isAlive()).isFalse();
    }

    @Test
    void cleanStaleRemovesOnlyWorkspacesWhoseOwnerDied() throws Exception {
        Workspace alive = Workspace.open(root, "alive", s -> {});
        Workspace dead = Workspace.open(root, "dead", s -> {});
        // Make the second look like a killed process's: its owner's start time no longer matches.
        List<String> ledger = new ArrayList<>(Files.readAllLines(dead.ledger().file()));
        ledger.set(0, ledger.get(0).replaceFirst("\t[0-9]+$", "\t1"));
        Files.write(dead.ledger().file(), ledger);
        List<String> said = new ArrayList<>();

        List<Path> cleaned = Workspace.cleanStale(root, said::add);

        assertThat(cleaned).containsExactly(dead.dir());
        assertThat(dead.dir()).doesNotExist();
        assertThat(alive.dir()).isDirectory();
        assertThat(said)
                .anyMatch(s -> s.contains("did not finish")
                        && s.contains(dead.dir().getFileName().toString()));
        alive.close();
        dead.close();
        assertThat(alive.dir()).doesNotExist();
    }

    @Test
    void aWorkspaceWhoseLedgerIsNotWrittenYetIsLeftToItsLivingOwner() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        Path starting = Files.createDirectories(root.resolve(
                Workspace.PREFIX + "20261201-000000-" + ProcessHandle.current().pid()));
        Path abandoned = Files.createDirectories(root.resolve(Workspace.PREFIX + "20261201-000000-" + exited.pid()));

        List<Path> cleaned = Workspace.cleanStale(root, s -> {});

        assertThat(cleaned).containsExactly(abandoned);
        assertThat(starting).isDirectory();
        assertThat(abandoned).doesNotExist();
    }

    @Test
    void aMissingWorkRootIsNothingToClean() {
        assertThat(Workspace.cleanStale(root.resolve("none"), s -> {})).isEmpty();
    }
}
