/**
 * One build from start to finish ({@link io.jdib.build.Build}) over one immutable
 * {@link io.jdib.build.BuildSpec}: resolve elements, merge hooks, run the phases outside and inside
 * the chroot, make the disk, write each output by its {@link io.jdib.image.OutputType}'s recipe,
 * inside one {@link io.jdib.sys.Workspace}. Also the hooks' DIB environment
 * ({@link io.jdib.build.DibEnvironment}), the shared apt archive cache and Debian release resolution.
 *
 * <p>Depends on: {@code chroot}, {@code hook}, {@code element}, {@code image}, {@code blockdevice},
 * {@code ramdisk}, {@code event}, {@code sys}. Only {@code cli} depends on it.
 */
package io.jdib.build;
