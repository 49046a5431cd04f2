/**
 * Output formats of a build: tarballs of the tree ({@link io.jdib.image.TarOutput}) and disk images
 * converted from the raw image with qemu-img ({@link io.jdib.image.DiskFormats}: a
 * {@link io.jdib.image.ConversionRequest} in, a {@link io.jdib.image.ConversionResult} out). Every
 * output is written under {@code NAME.ext.jdib-partial} and renamed when complete. Depends on
 * {@code io.jdib.sys} and {@code io.jdib.event} only.
 */
package io.jdib.image;
