/**
 * One build from start to finish ({@link io.jdib.build.Build}) over one immutable
 * {@link io.jdib.build.BuildSpec}, inside one {@link io.jdib.sys.Workspace}. {@code Build} reads as
 * the list of its steps: resolve the elements (and Debian's release), read the block-device
 * layout, merge the hooks and set their environment ({@code HookSetup}) into a
 * {@code BuildContext} (what every step shares), make the tree with {@code TreeBuild} (root.d and extra-data.d on the host, pre-install.d
 * to post-install.d in a chroot, post-root.d, with the two content-keyed checkpoints), run
 * block-device.d, then an {@code OutputPlan}: the finishing phases (pre-finalise.d, finalise.d,
 * cleanup.d) with the steps of the recipes the output types call for among them
 * ({@code TreeOutputRecipe}, {@code DiskOutputRecipe}, which makes the disk the phases then finish,
 * and {@link io.jdib.ramdisk.RamdiskOutput}), each an {@link io.jdib.image.OutputRecipe}.
 * {@code HookPhases} runs one phase as a timed step, on the host or in a chroot, with DIB's
 * {@code break=} shells; {@code StepTimes} times the steps for {@code build-times.json}. Also the
 * hooks' DIB environment ({@link io.jdib.build.DibEnvironment}), the shared apt archive cache and
 * Debian release resolution.
 *
 * <p>Depends on: {@code chroot}, {@code hook}, {@code element}, {@code image}, {@code blockdevice},
 * {@code ramdisk}, {@code cache}, {@code event}, {@code sys}. Only {@code cli} depends on it.
 */
package io.jdib.build;
