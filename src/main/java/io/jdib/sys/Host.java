package io.jdib.sys;

import java.nio.file.Path;
import java.util.List;

/**
 * The seam between jdib's owners of host resources ({@link Mounts}, {@link Loops}, the ledger's
 * undo) and the host itself: the commands they run and the mount table they read. {@link #REAL} is
 * the machine; tests pass a recording fake to check the order of host actions and their undo
 * without root.
 */
public interface Host {
    /** Runs a host command to completion and returns its exit code and output. */
    Exec.Result run(List<String> argv);

    /** Mount points at or below {@code dir}. */
    List<Path> mountsUnder(Path dir);

    /** This machine. */
    Host REAL = new Host() {
        @Override
        public Exec.Result run(List<String> argv) {
            return Exec.capture(Exec.Command.of(argv));
        }

        @Override
        public List<Path> mountsUnder(Path dir) {
            return Mounts.mountedUnder(dir);
        }
    };
}
