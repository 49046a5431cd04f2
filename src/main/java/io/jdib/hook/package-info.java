/**
 * Hook phases: the ten {@link io.jdib.hook.Phase}s, the merge of every element's hooks into one
 * tree per phase ({@link io.jdib.hook.HookTree}), run-parts order, and running them with
 * {@code environment.d} sourced, output streamed as events and failures that name element, phase,
 * script and exit code ({@link io.jdib.hook.HookRunner}); {@code break=} points and install types.
 *
 * <p>Depends on: {@code event}, {@code sys}.
 */
package io.jdib.hook;
