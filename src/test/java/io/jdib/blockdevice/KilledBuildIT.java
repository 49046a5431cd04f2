package io.jdib.blockdevice;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.sys.Ledger;
import io.jdib.sys.Mounts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A build killed with SIGKILL leaves a ledger from which another process undoes everything. */
@Tag("integration")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class KilledBuildIT {
    @TempDir
    Path tmp;

    private Process child;

    @AfterEach
    void stopChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void ledgerUndoesWhatAKilledBuildLeft() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        KilledBuildMain.class.getName(),
                        tmp.toString())
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String ready = null;
        List<String> seen = new ArrayList<>();
        for (String line; (line = out.readLine()) != null; ) {
            seen.add(line);
            if (line.startsWith("READY ")) {
                ready = line;
                break;
            }
        }
        assertThat(ready).as("child output: %s", seen).isNotNull();
        String[] f = ready.split(" ");
        Path ledgerFile = Path.of(f[2]);
        Path raw = tmp.resolve("image/image0.raw");
        Path mnt = tmp.resolve("mnt");

        child.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);

        assertThat(Mounts.isMounted(mnt)).as("a killed build leaves its mount").isTrue();
        assertThat(LoopTestSupport.losetupJ(raw)).as("and its loop").hasSize(1);
        assertThat(Ledger.ownerAlive(ledgerFile)).isFalse();
        assertThat(Ledger.pending(ledgerFile)).hasSize(2);

        List<String> messages = new ArrayList<>();
        Ledger.undoAll(ledgerFile, messages::add);

        assertThat(Mounts.mountedUnder(tmp)).isEmpty();
        assertThat(LoopTestSupport.losetupJ(raw)).isEmpty();
        assertThat(Ledger.pending(ledgerFile)).isEmpty();
        assertThat(BlockDeviceState.read(tmp.resolve("image"))
                        .filesystems()
                        .get(0)
                        .mountedAt())
                .as("the state file still shows what the killed build had")
                .isEqualTo(mnt.toString());
    }
}
