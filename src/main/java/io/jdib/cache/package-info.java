/**
 * What the image cache keeps between builds and for how long: checkpoints of built trees keyed on
 * everything that shaped them ({@link io.jdib.cache.TreeKey}, {@link io.jdib.cache.Checkpoints}),
 * and the inventory that lists and prunes checkpoints, base trees and package caches by age and
 * size without touching what a running build uses ({@link io.jdib.cache.CacheInventory}).
 *
 * <p>Depends on: {@code sys}. Used by {@code build} and {@code cli}.
 */
package io.jdib.cache;
