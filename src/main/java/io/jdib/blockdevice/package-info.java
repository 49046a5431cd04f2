/**
 * The block-device runtime: {@link io.jdib.blockdevice.BlockDevice} runs a checked
 * {@link io.jdib.blockdevice.config.BlockDeviceGraph} on this host (image file, loop device,
 * partition table written in Java and mapped with partx, mkfs, mounts) and undoes it (fstrim,
 * umount, partx --delete, losetup --detach). {@link io.jdib.blockdevice.ImageSize} sizes the image
 * as DIB does; {@link io.jdib.blockdevice.TreeFill} decides whether the root filesystem is made
 * straight from the tree ({@code mke2fs -d}) or the tree is copied onto the mounted filesystems.
 *
 * <p>Every host side effect goes through the {@link io.jdib.sys.Ledger} before it is made; the
 * state file {@value io.jdib.blockdevice.BlockDeviceState#FILE_NAME} is for diagnosis and later
 * steps. Facts of the host this is built for: no device-mapper (LVM metadata is written by {@code
 * blockdevice.lvm} and each LV reached by an offset loop), no vfat in the kernel (vfat filesystems are
 * made but never mounted; fill them with mtools), no udev (fstab names filesystems by label).
 *
 * <p>Dependencies: {@code blockdevice.config}, {@code blockdevice.partition}, {@code blockdevice.lvm}, {@code sys},
 * {@code event}; nothing above them.
 */
package io.jdib.blockdevice;
