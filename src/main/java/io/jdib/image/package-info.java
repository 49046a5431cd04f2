/**
 * Images on disk: writing a build's outputs and reading built images back.
 *
 * <p>{@link io.jdib.image.OutputType} is the one list of {@code -t} types: what each is made from
 * (the disk, the tree, or the ramdisk), its file name and its tool; an
 * {@link io.jdib.image.OutputRecipe} is how a build makes one kind of output, as named steps at two
 * points of its end (before and after cleanup.d), so that the build picks recipes by type instead
 * of branching. From the finished tree,
 * {@link io.jdib.image.TreeOutputs} (a {@link io.jdib.image.TreeOutputRequest} in): tarballs
 * ({@link io.jdib.image.TarOutput}), squashfs ({@link io.jdib.image.SquashfsOutput}), and a one-layer
 * container image as a docker archive or an OCI image layout ({@link io.jdib.image.ContainerImage},
 * JSON by {@link io.jdib.image.ImageJson}). From the raw disk image, the disk formats via qemu-img
 * ({@link io.jdib.image.DiskFormats}: a {@link io.jdib.image.ConversionRequest} in, a
 * {@link io.jdib.image.ConversionResult} out; the conversions run at once, qcow2 on every core, zlib
 * or zstd by {@link io.jdib.image.Qcow2Compression}). Every output is written under
 * {@code NAME.ext.jdib-partial} and renamed when complete.
 *
 * <p>Reading built images, never writing them: {@link io.jdib.image.ImageReader} (the one read-only
 * opener: raw conversion, partitions, LVM logical volumes, read-only loops and mounts through the
 * ledger), used by {@code jdib check} and by {@link io.jdib.image.KernelExtraction}
 * (disk-image-get-kernel); {@link io.jdib.image.KernelFiles} (kernels and initrds in a boot directory).
 *
 * <p>Depends on {@code io.jdib.sys} and {@code io.jdib.event} only.
 */
package io.jdib.image;
