/**
 * Building an initramfs: {@link io.jdib.ramdisk.CpioWriter} streams a reproducible newc archive,
 * {@link io.jdib.ramdisk.Compression} compresses it the way the kernel can unpack, and
 * {@link io.jdib.ramdisk.ElfDependencies} computes, inside a chroot tree, the files an executable
 * needs (loader, libraries, symlinks on the way) without ever reading the host's libraries, and
 * {@link io.jdib.ramdisk.KernelModules} picks kernel modules with their {@code modules.dep}
 * dependencies. The assembly of a ramdisk from a build is {@code io.jdib.build.RamdiskImage}.
 *
 * <p>Depends on: the JDK and org.tukaani:xz only; host programs {@code zstd} (for
 * {@link io.jdib.ramdisk.Compression#ZSTD}). No other jdib package.
 */
package io.jdib.ramdisk;
