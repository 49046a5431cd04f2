package io.jdib.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The ledger undoing real host changes (root). */
@Tag("integration")
@Timeout(60)
class LedgerIT {
    @TempDir
    Path dir;

    @Test
    void undoAllReversesARealMountFromAnotherLedgerObject() throws Exception {
        Path target = Files.createDirectories(dir.resolve("t"));
        Ledger ledger = Ledger.create(dir.resolve("b"), s -> {});
        new Mounts(ledger).mount("tmpfs", "jdib-test", target, "size=1m");
        assertThat(Mounts.isMounted(target)).isTrue();

        Ledger.undoAll(ledger.file(), s -> {});

        assertThat(Mounts.isMounted(target)).isFalse();
        assertThat(Ledger.pending(ledger.file())).isEmpty();
    }
}
