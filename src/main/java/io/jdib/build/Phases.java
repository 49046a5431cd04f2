package io.jdib.build;

import io.jdib.hook.Phase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How the build's steps run the elements' hook phases: {@link HookPhases} on this machine; tests
 * record the calls to check the order of a build's steps without root.
 */
interface Phases {
    /** Runs a whole phase's hooks on the host, as the step named after its directory. */
    void outside(Phase phase, Map<String, String> env);

    /** Runs phases, or parts of them, in one chroot of {@code root}, each as its own step. */
    void inChroot(Path root, Map<String, String> env, List<PhaseRun> phases);

    /** {@code env} as the hooks see it once the elements' environment.d files are sourced. */
    Map<String, String> sourced(Map<String, String> env);
}
