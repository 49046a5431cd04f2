package io.jdib.sys;

import java.nio.file.Path;
import java.util.function.Consumer;

/** How each kind of ledger action is reversed. Each undo is idempotent: already undone is fine. */
final class Undo {
    private Undo() {}

    static void undo(Ledger.Action action, Consumer<String> events, Host host) {
        switch (action.kind()) {
            case PGROUP -> ProcessGroups.kill(Long.parseLong(action.args().get(0)));
            case MOUNT -> Mounts.unmountTree(Path.of(action.args().get(0)), events, host);
            case PARTX -> Loops.removePartitions(action.args().get(0), host);
            case LOOP -> Loops.detachIfBacking(Path.of(action.args().get(1)), events, host);
            case BINFMT -> Binfmt.unregister(Path.of(action.args().get(0)));
            case BINFMT_MOUNT ->
                Binfmt.unmountIfUnused(
                        Path.of(action.args().get(0)),
                        action.args().size() > 1 ? Path.of(action.args().get(1)) : null,
                        events);
        }
    }
}
