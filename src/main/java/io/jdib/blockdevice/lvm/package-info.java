/**
 * LVM2 volumes written in userspace, for hosts without device-mapper: {@link
 * io.jdib.blockdevice.lvm.LvmPlanner} lays out a volume group's extents so that every logical
 * volume is one contiguous range of a physical volume, {@link io.jdib.blockdevice.lvm.VgText}
 * renders the text metadata LVM reads, and {@link io.jdib.blockdevice.lvm.PvWriter} writes the
 * label, the PV header, the metadata area header and that text onto a device. lvm2's own tools
 * ({@code pvs}, {@code vgs}, {@code lvs}, {@code vgck}) read the result; a booted kernel with
 * device-mapper activates it.
 *
 * <p>Dependencies: none within jdib.
 */
package io.jdib.blockdevice.lvm;
