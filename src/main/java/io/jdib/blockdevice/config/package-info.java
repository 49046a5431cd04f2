/**
 * The block-device configuration front end: DIB's block-device YAML (tree, graph or mixed
 * notation) read into a checked {@link io.jdib.blockdevice.config.BlockDeviceGraph}.
 *
 * <p>Entry points are in {@link io.jdib.blockdevice.config.BlockDeviceConfig}. Every user error
 * is a {@link io.jdib.blockdevice.config.BlockDeviceConfigException} with a one-line message
 * {@code SOURCE:LINE:COLUMN: what is wrong; what to do}.
 *
 * <p>Dependencies: snakeyaml-engine only; no other jdib package. Pure parsing and checking, no
 * host side effects: the block-device actions that create, mount and undo build on this.
 */
package io.jdib.blockdevice.config;
