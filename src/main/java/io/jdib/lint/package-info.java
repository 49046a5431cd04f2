/**
 * {@code jdib lint}: checks element trees before they are built. {@link io.jdib.lint.Linter} runs
 * every {@link io.jdib.lint.Rule} over element directories and returns {@link io.jdib.lint.Finding}s
 * ({@code path:line: rule: message}): DIB's {@code dib-lint} rules about each file (executable bits,
 * shebangs, {@code set -eu -o pipefail}, tracing, tabs, YAML) and each element (README, phase
 * directories, element-deps), and the rules only a builder knows about elements used together:
 * duplicate hooks, {@code package-installs.yaml} keys, commands a hook calls before any element
 * installs them (what a minimal Debian tree lacks is the resource {@code debian-minbase-lacks}).
 *
 * <p>Reuses {@code element} (element-deps, package-installs, pkg-map, the element path and
 * resolver) and {@code hook} (phases, run-parts names and order, which files two elements may not
 * share). Depends on those, {@code sys} and snakeyaml-engine; only {@code cli} depends on it.
 */
package io.jdib.lint;
