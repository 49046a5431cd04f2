/**
 * Typed build events ({@link io.jdib.event.BuildEvent}: steps started and finished, hook output,
 * outputs written, progress) and the {@link io.jdib.event.EventSink} they go to. The core emits
 * them; only {@code cli} prints them; tests assert on them with {@link io.jdib.event.RecordingSink}.
 *
 * <p>Depends on no other jdib package.
 */
package io.jdib.event;
