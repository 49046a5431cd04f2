/**
 * Building an initramfs: {@link io.jdib.ramdisk.CpioWriter} streams a reproducible newc archive,
 * {@link io.jdib.ramdisk.Compression} compresses it the way the kernel can unpack, and
 * {@link io.jdib.ramdisk.ElfDependencies} computes, inside a chroot tree, the files an executable
 * needs (loader, libraries, symlinks on the way) without ever reading the host's libraries, and
 * {@link io.jdib.ramdisk.KernelModules} picks kernel modules with their {@code modules.dep}
 * dependencies. {@link io.jdib.ramdisk.RamdiskImage} assembles them into a build's
 * {@code NAME.kernel} and {@code NAME.initramfs}; {@link io.jdib.ramdisk.RamdiskOutput} is the
 * {@code ramdisk} output's recipe, the step a build runs after finalise.d to write them (and their
 * checksums).
 *
 * <p>Depends on: {@code event}, {@code sys}, {@code hook} (run-parts order of init fragments) and
 * {@code image} (kernel files, partial outputs, the recipe interface, checksums); the JDK and org.tukaani:xz; host programs
 * {@code zstd} (for {@link io.jdib.ramdisk.Compression#ZSTD}) and {@code depmod}.
 */
package io.jdib.ramdisk;
