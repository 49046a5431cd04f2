/**
 * Output formats of a build: tarballs of the tree ({@link io.jdib.image.TarOutput}) and disk images
 * converted from the raw image with qemu-img ({@link io.jdib.image.DiskFormats}: a
 * {@link io.jdib.image.ConversionRequest} in, a {@link io.jdib.image.ConversionResult} out). Every
 * output is written under {@code NAME.ext.jdib-partial} and renamed when complete. Reading built
 * images back: {@link io.jdib.image.KernelExtraction} (disk-image-get-kernel, read-only loops and
 * mounts) and {@link io.jdib.image.KernelFiles} (kernels and initrds in a boot directory). Depends on
 * {@code io.jdib.sys} and {@code io.jdib.event} only.
 */
package io.jdib.image;
