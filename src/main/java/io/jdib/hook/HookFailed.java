package io.jdib.hook;

import io.jdib.sys.UserError;
import java.util.List;

/** A hook exited non-zero: says which, where, how, and what it printed last. */
public final class HookFailed extends UserError {
    private final Hook hook;
    private final int hookExitCode;

    public HookFailed(Hook hook, int exitCode, List<String> lastLines) {
        super(message(hook, exitCode, lastLines));
        this.hook = hook;
        this.hookExitCode = exitCode;
    }

    private static String message(Hook hook, int exitCode, List<String> lastLines) {
        StringBuilder b = new StringBuilder("hook failed: element " + hook.element() + ", phase "
                + hook.phase().dirName() + ", script " + hook.script() + " exited with code " + exitCode);
        if (!lastLines.isEmpty()) {
            b.append("; its last lines:");
            for (String line : lastLines.subList(Math.max(0, lastLines.size() - 10), lastLines.size())) {
                b.append("\n    ").append(line);
            }
        }
        return b.toString();
    }

    public Hook hook() {
        return hook;
    }

    public int hookExitCode() {
        return hookExitCode;
    }
}
