package io.jdib.cli;

import io.jdib.lint.Finding;
import io.jdib.lint.Linter;
import io.jdib.lint.Rule;
import io.jdib.sys.UserError;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** DIB's dib-lint, and what jdib knows better: one line per finding, exit 1 on any error. */
@Command(
        name = "lint",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        description = {
            "Check element directories for what dib-lint checks and what breaks jdib builds; print one"
                    + " line per finding, 'path:line: rule: message', and exit 1 when any is an error.",
            "A directory is an element, or a directory of elements such as elements/. Element names are"
                    + " looked up in the directories given, then ELEMENTS_PATH, then jdib's elements."
        })
final class LintCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--ignore",
            paramLabel = "RULE",
            split = ",",
            description = "Rules not to check, comma separated (see --list-rules); in a file,"
                    + " '# dib-lint: disable=RULE...' turns rules off for that file.")
    List<String> ignore = new ArrayList<>();

    @Option(names = "--list-rules", description = "Print the rules, with their severity, and exit.")
    boolean listRules;

    @Parameters(arity = "0..*", paramLabel = "ELEMENT_DIR", description = "Element directories.")
    List<Path> dirs = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (listRules) {
            for (Rule rule : Rule.values()) {
                out.printf(
                        "%-16s %-7s %s%n",
                        rule.id(), rule.severity().name().toLowerCase(Locale.ROOT), rule.description());
            }
            out.flush();
            return 0;
        }
        if (dirs.isEmpty()) {
            throw new UserError("name the element directories to check, e.g. jdib lint elements/");
        }
        Set<Rule> ignored = EnumSet.noneOf(Rule.class);
        for (String id : ignore) {
            ignored.add(Rule.byId(id.trim())
                    .orElseThrow(() -> new UserError("--ignore: no rule '" + id + "'; the rules are "
                            + String.join(
                                    ", ",
                                    Arrays.stream(Rule.values()).map(Rule::id).toList()))));
        }
        Path builtin = builtinElements();
        List<Finding> findings = new Linter(ignored).lint(dirs, System.getenv("ELEMENTS_PATH"), builtin);
        findings.forEach(out::println);
        out.flush();
        long errors = findings.stream().filter(Finding::isError).count();
        PrintWriter err = spec.commandLine().getErr();
        err.printf(
                "jdib lint: %d error%s, %d warning%s%n",
                errors, errors == 1 ? "" : "s", findings.size() - errors, findings.size() - errors == 1 ? "" : "s");
        err.flush();
        return errors > 0 ? 1 : 0;
    }

    /** jdib's own elements, when jdib knows where it lives. */
    private static Path builtinElements() {
        try {
            Path elements = Home.locate().resolve("elements");
            return Files.isDirectory(elements) ? elements : null;
        } catch (UserError e) {
            return null;
        }
    }
}
