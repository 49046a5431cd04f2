/**
 * DIB's YAML front end ({@code diskimage-builder FILE.yaml}, {@code jdib build FILE.yaml}): image
 * definition files read with file:line:column errors ({@link io.jdib.frontend.ImageDefinitions},
 * {@link io.jdib.frontend.DefinitionError}), their keys declared once ({@link io.jdib.frontend.ImageKey}),
 * entries of one image merged as DIB merges them into an {@link io.jdib.frontend.ImageDefinition} that
 * knows its command line, and {@link io.jdib.frontend.ImageQueue}, which builds the images one after
 * another through a builder the CLI gives it and reports them as events.
 *
 * <p>Depends on: {@code event}, {@code sys}, and the parsers of the values it checks ({@code image}'s
 * output types, {@code ramdisk}'s compressions, {@code blockdevice}'s image sizes); snakeyaml-engine.
 * Only {@code cli} depends on it.
 */
package io.jdib.frontend;
