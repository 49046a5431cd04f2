/**
 * DIB's element format: finding elements on {@code ELEMENTS_PATH} ({@link io.jdib.element.ElementPath}),
 * expanding {@code element-deps} and {@code element-provides} into an ordered set that says why each
 * element is in it ({@link io.jdib.element.Resolver}, {@link io.jdib.element.ElementResolution}),
 * and reading {@code package-installs.yaml} and {@code pkg-map} ({@link io.jdib.element.PackageInstalls},
 * {@link io.jdib.element.PkgMap}).
 *
 * <p>Depends on: {@code sys}; snakeyaml-engine.
 */
package io.jdib.element;
