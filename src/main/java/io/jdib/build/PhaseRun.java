package io.jdib.build;

import io.jdib.hook.Hook;
import io.jdib.hook.Phase;
import io.jdib.hook.RunPartsOrder;

/**
 * The hooks of one phase to run: all of them, or, where a checkpoint splits the phase, those up
 * to one hook or after it.
 */
record PhaseRun(Phase phase, String splitHook, boolean upTo) {
    static PhaseRun whole(Phase phase) {
        return new PhaseRun(phase, null, false);
    }

    static PhaseRun upTo(Phase phase, String hook) {
        return new PhaseRun(phase, hook, true);
    }

    static PhaseRun after(Phase phase, String hook) {
        return new PhaseRun(phase, hook, false);
    }

    boolean accepts(Hook hook) {
        if (splitHook == null) {
            return true;
        }
        int order = RunPartsOrder.INSTANCE.compare(hook.script(), splitHook);
        return upTo ? order <= 0 : order > 0;
    }

    /** Whether the phase begins here (its before- breakpoint), and ends here (its after- one). */
    boolean begins() {
        return splitHook == null || upTo;
    }

    boolean ends() {
        return splitHook == null || !upTo;
    }

    String stepName() {
        return splitHook == null ? phase.dirName() : phase.dirName() + (upTo ? " to " : " after ") + splitHook;
    }
}
