package io.jdib.check;

import java.nio.file.Path;
import java.util.List;

/**
 * How a boot test ended.
 *
 * @param outcome      matched, timed out, or QEMU exited first
 * @param seconds      from QEMU's start to the match (or to the timeout, or to QEMU's exit)
 * @param matchedLine  the console line the pattern was found in (null unless matched)
 * @param consoleLog   the serial console log file (kept)
 * @param lastLines    the last console lines (at most 20), escape sequences removed
 * @param qemuExitCode QEMU's exit code when it exited by itself, else -1
 * @param qemuMessages the last lines QEMU itself printed (its errors)
 */
public record BootResult(
        Outcome outcome,
        double seconds,
        String matchedLine,
        Path consoleLog,
        List<String> lastLines,
        int qemuExitCode,
        List<String> qemuMessages) {

    /** Why the wait ended. */
    public enum Outcome {
        MATCHED,
        TIMED_OUT,
        QEMU_EXITED
    }

    public BootResult {
        lastLines = List.copyOf(lastLines);
        qemuMessages = List.copyOf(qemuMessages);
    }

    public boolean matched() {
        return outcome == Outcome.MATCHED;
    }
}
