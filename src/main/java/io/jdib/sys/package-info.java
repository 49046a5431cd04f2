/**
 * The bottom layer: everything jdib does to the host, and how it is undone.
 *
 * <ul>
 *   <li>{@link io.jdib.sys.Workspace}: the one owner of a command's host work (work directory,
 *       ledger, Ctrl-C/SIGTERM handling, teardown, cleanup after a killed command).
 *   <li>{@link io.jdib.sys.Ledger}: the persisted undo stack every mount, loop device, partition
 *       mapping, binfmt registration and process group is written to before it is made.
 *   <li>{@link io.jdib.sys.Exec}, {@link io.jdib.sys.Mounts}, {@link io.jdib.sys.Loops}: host
 *       commands, mounts and loop devices, each recorded in the ledger.
 *   <li>{@link io.jdib.sys.JdibError} and its kinds ({@link io.jdib.sys.UserError},
 *       {@link io.jdib.sys.EnvironmentError}, {@link io.jdib.sys.Interrupted}): the error taxonomy
 *       and the exit code of each kind.
 * </ul>
 *
 * <p>Depends on no other jdib package.
 */
package io.jdib.sys;
