/**
 * Output formats of a build. From the finished tree, {@link io.jdib.image.TreeOutputs} (a
 * {@link io.jdib.image.TreeOutputRequest} in): tarballs ({@link io.jdib.image.TarOutput}), squashfs
 * ({@link io.jdib.image.SquashfsOutput}), and a one-layer container image as a docker archive or an
 * OCI image layout ({@link io.jdib.image.ContainerImage}, JSON by {@link io.jdib.image.ImageJson}).
 * From the raw disk image, the disk formats via qemu-img ({@link io.jdib.image.DiskFormats}: a
 * {@link io.jdib.image.ConversionRequest} in, a {@link io.jdib.image.ConversionResult} out). Every
 * output is written under {@code NAME.ext.jdib-partial} and renamed when complete. Reading built
 * images back: {@link io.jdib.image.KernelExtraction} (disk-image-get-kernel, read-only loops and
 * mounts) and {@link io.jdib.image.KernelFiles} (kernels and initrds in a boot directory). Depends on
 * {@code io.jdib.sys} and {@code io.jdib.event} only.
 */
package io.jdib.image;
