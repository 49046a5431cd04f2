package io.jdib.testing;

/**
 * Names for JUnit's {@code @ResourceLock} on what belongs to the whole host rather than to a test's
 * own directory. Integration-test classes run several at a time (Failsafe, {@code
 * jdib.it.parallelism}); a class that changes or asserts on one of these takes its lock, so that no
 * other class holding the same lock runs beside it.
 *
 * <p>What needs no lock: mounts, loop devices and build directories under a test's own directory
 * (checked with {@link HostState}'s {@code ...Under} methods), {@code jdib cleanup --work-dir} of a
 * test's own work root, the run's image cache (its writers rename complete files into place, and
 * checkpoints are locked by the build that uses them), and loop devices as such (the kernel makes
 * more when every one is in use; {@code losetup --find} retries when another process takes the one
 * it found).
 */
public final class HostLocks {
    private HostLocks() {}

    /**
     * {@code /proc/sys/fs/binfmt_misc}: the mount and the qemu-user registrations a foreign-architecture
     * build makes and removes. Two such builds at once would share one registration (the second uses
     * the first's, which the first removes when it ends), and a test that checks binfmt_misc is left
     * as it found it would see the other's.
     */
    public static final String BINFMT_MISC = "jdib.host.binfmt_misc";
}
