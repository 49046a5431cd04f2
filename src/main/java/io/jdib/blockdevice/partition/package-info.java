/**
 * Partition tables written in Java: a {@link io.jdib.blockdevice.partition.LayoutPlanner} turns a
 * {@link io.jdib.blockdevice.partition.PartitionTableSpec} and a disk size into a
 * {@link io.jdib.blockdevice.partition.Layout}; {@link io.jdib.blockdevice.partition.MbrWriter} and
 * {@link io.jdib.blockdevice.partition.GptWriter} put that layout on an image file or block device.
 *
 * <p>Follows diskimage-builder's {@code partitioning} node: partitions are placed in the order given,
 * a percent size is a share of the space still free when that partition is placed, MBR partitions
 * are logical unless flagged {@code primary}, and every partition starts on an {@code align}
 * boundary. Depends on nothing else in jdib.
 */
package io.jdib.blockdevice.partition;
