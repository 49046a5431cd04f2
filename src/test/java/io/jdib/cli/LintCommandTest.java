package io.jdib.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LintCommandTest {
    private static final Path HOME =
            Path.of(System.getProperty("jdib.home", ".")).toAbsolutePath();
    private static final Path BAD = HOME.resolve("src/test/resources/io/jdib/lint/bad-elements");

    record Run(int code, String out, String err) {}

    private static Run jdib(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void errorsExitOne() {
        Run run = jdib("lint", BAD.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out().lines()).allMatch(l -> l.matches("[^:]+:\\d+: [a-z_-]+: .+"), "path:line: rule: message");
        assertThat(run.err()).matches("jdib lint: \\d+ errors, 3 warnings\\R");
    }

    @Test
    void warningsAloneExitZero() {
        Run run = jdib(
                "lint",
                "--ignore",
                "readme,executable,shebang,sete,setu,setpipefail,dibdebugtrace,setx,hook-name,unknown-phase,"
                        + "tabindent,newline,yaml,pkg-map,element-deps,deps-order,environment,export-subshell,"
                        + "duplicate-hook,package-installs,chroot-command",
                BAD.toString());

        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out().lines()).hasSize(3).allMatch(l -> l.contains(": warning: "));
    }

    @Test
    void jdibsOwnElementsPass() {
        Run run = jdib("lint", HOME.resolve("elements").toString());

        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("jdib lint: 0 errors, 0 warnings" + System.lineSeparator());
        assertThat(run.code()).isZero();
    }

    @Test
    void anUnknownRuleOrNoDirectoryIsAUsageError() {
        assertThat(jdib("lint", "--ignore", "tabs", BAD.toString()).err())
                .startsWith("error: --ignore: no rule 'tabs'; the rules are readme, executable");
        assertThat(jdib("lint").err()).startsWith("error: name the element directories to check");
        assertThat(jdib("lint", "/nonexistent").err()).startsWith("error: /nonexistent is not a directory");
    }

    @Test
    void listRulesNamesEachWithItsSeverity() {
        Run run = jdib("lint", "--list-rules");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("chroot-command   error").contains("indent           warning");
    }
}
