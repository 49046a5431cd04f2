/**
 * Checks on built images. {@link io.jdib.check.QemuBoot} boots an image or a kernel under
 * {@code qemu-system-x86_64 -accel tcg} and waits for a console line ({@link io.jdib.check.BootRequest}
 * in, {@link io.jdib.check.BootResult} out). {@link io.jdib.check.ImageCheck} opens an image read-only and
 * runs {@link io.jdib.check.StaticChecks} (the cloud-readiness rules) on its tree, giving a
 * {@link io.jdib.check.CheckReport} whose rules a {@link io.jdib.check.Profile} rates required or advice.
 * {@link io.jdib.check.BootCheck} boots a copy and hands it an {@link io.jdib.check.Instance} the way a
 * {@link io.jdib.check.Datasource} does (seed, config drive, {@link io.jdib.check.MetadataServer},
 * context CD). {@link io.jdib.check.DiskImage} refuses files that are not disk images. Depends on
 * {@code io.jdib.sys} and {@code io.jdib.event} only.
 */
package io.jdib.check;
