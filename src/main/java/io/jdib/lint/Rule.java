package io.jdib.lint;

import java.util.Arrays;
import java.util.Optional;

/**
 * What {@code jdib lint} checks: DIB's {@code dib-lint} rules (under their DIB names, so DIB's
 * {@code # dib-lint: disable=NAME} comments keep working) and the ones jdib adds because it knows
 * how elements are merged, ordered and run.
 */
public enum Rule {
    README("readme", Severity.ERROR, "every element has a README.rst or README.md"),
    EXECUTABLE("executable", Severity.ERROR, "a file starting with #! is executable, and so is every hook"),
    SHEBANG("shebang", Severity.ERROR, "a hook starts with #!, and a bash script with exactly #!/bin/bash"),
    SETE("sete", Severity.ERROR, "bash scripts set -e"),
    SETU("setu", Severity.ERROR, "bash scripts set -u"),
    SETPIPEFAIL("setpipefail", Severity.ERROR, "bash scripts set -o pipefail"),
    DIBDEBUGTRACE("dibdebugtrace", Severity.ERROR, "hooks and bin/ programs in bash follow DIB_DEBUG_TRACE"),
    SETX("setx", Severity.ERROR, "set -x only when DIB_DEBUG_TRACE asks for it"),
    HOOK_NAME(
            "hook-name",
            Severity.ERROR,
            "a hook's name is one run-parts runs (letters, digits, _ and -; no dots), else it never runs"),
    UNKNOWN_PHASE("unknown-phase", Severity.ERROR, "a NAME.d directory holding hooks is a phase jdib runs"),
    TABINDENT("tabindent", Severity.ERROR, "scripts and docs indent with spaces, not tabs"),
    NEWLINE("newline", Severity.ERROR, "scripts, docs and source-repository files end with a newline"),
    INDENT("indent", Severity.WARNING, "shell scripts indent by multiples of 4 spaces"),
    YAML("yaml", Severity.ERROR, "YAML files parse"),
    PKG_MAP("pkg-map", Severity.ERROR, "a pkg-map file is valid JSON"),
    ELEMENT_DEPS(
            "element-deps",
            Severity.ERROR,
            "element-deps and element-provides name elements; element-deps names only ones on the path"),
    DEPS_ORDER("deps-order", Severity.ERROR, "element-deps is sorted"),
    ENVIRONMENT("environment", Severity.ERROR, "environment.d files are not executable and do not set -x"),
    EXPORT_SUBSHELL("export-subshell", Severity.ERROR, "no 'export VAR=$(command)': the export hides its failure"),
    SAFE_SUDO("safe_sudo", Severity.WARNING, "sudo outside the chroot acts on the image's paths only"),
    WHICH("which", Severity.WARNING, "'command -v', not which (missing from minimal trees)"),
    DUPLICATE_HOOK(
            "duplicate-hook",
            Severity.ERROR,
            "elements used together do not ship the same hook, environment.d or bin/ file (the build stops)"),
    PACKAGE_INSTALLS(
            "package-installs",
            Severity.ERROR,
            "package-installs.yaml holds only keys and values DIB and jdib accept, and read alike"),
    CHROOT_COMMAND(
            "chroot-command",
            Severity.ERROR,
            "a hook in the chroot calls only commands a minimal Debian tree has, or that an element installs"
                    + " before it runs");

    /** Errors make {@code jdib lint} exit 1; warnings are printed only. */
    public enum Severity {
        ERROR,
        WARNING
    }

    private final String id;
    private final Severity severity;
    private final String description;

    Rule(String id, Severity severity, String description) {
        this.id = id;
        this.severity = severity;
        this.description = description;
    }

    /** The name printed in findings and accepted by {@code --ignore} and {@code # dib-lint: disable=}. */
    public String id() {
        return id;
    }

    public Severity severity() {
        return severity;
    }

    public String description() {
        return description;
    }

    public static Optional<Rule> byId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
