/**
 * Checks on built images. {@link io.jdib.check.QemuBoot} boots an image or a kernel under
 * {@code qemu-system-x86_64 -accel tcg} and waits for a console line ({@link io.jdib.check.BootRequest}
 * in, {@link io.jdib.check.BootResult} out). {@link io.jdib.check.ImageCheck} opens an image read-only and
 * runs {@link io.jdib.check.StaticChecks} (the cloud-readiness rules) on its tree, giving a
 * {@link io.jdib.check.CheckReport}. Depends on {@code io.jdib.sys} and {@code io.jdib.event} only.
 */
package io.jdib.check;
