/**
 * The commands (picocli): {@code disk-image-create}, {@code ramdisk-image-create},
 * {@code disk-image-get-kernel}, {@code element-info}, {@code diskimage-builder} ({@code jdib build},
 * which drives the first two for each image of a YAML file) and {@code jdib boot|check|cleanup|lint|matrix}.
 * Options become a {@link io.jdib.build.BuildSpec}; events are printed by one printer; failures
 * become output and an exit code in one place ({@code Main.report}).
 *
 * <p>The top layer: may depend on every package; none depends on it.
 */
package io.jdib.cli;
