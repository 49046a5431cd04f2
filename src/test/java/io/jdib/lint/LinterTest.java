package io.jdib.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinterTest {
    private static final Path HOME =
            Path.of(System.getProperty("jdib.home", ".")).toAbsolutePath().normalize();
    /** Read in place: copying resources to target/ would lose their executable bits. */
    private static final Path FIXTURES = HOME.resolve("src/test/resources/io/jdib/lint");

    private static final Path BUILTIN = HOME.resolve("elements");

    private static List<Finding> lint(Set<Rule> ignored, Path... dirs) {
        return new Linter(ignored).lint(List.of(dirs), null, BUILTIN);
    }

    private static List<String> relative(List<Finding> findings) {
        return findings.stream()
                .map(f -> new Finding(FIXTURES.relativize(f.path()), f.line(), f.rule(), f.message()).toString())
                .toList();
    }

    @Test
    void theFixtureTreeGivesExactlyTheExpectedFindings() throws IOException {
        List<String> expected = Files.readAllLines(FIXTURES.resolve("expected-findings.txt"), StandardCharsets.UTF_8);

        assertThat(relative(lint(Set.of(), FIXTURES.resolve("bad-elements")))).containsExactlyElementsOf(expected);
    }

    @Test
    void theFixtureTreeHasAFindingOfEveryRule() {
        Set<Rule> found = EnumSet.noneOf(Rule.class);
        lint(Set.of(), FIXTURES.resolve("bad-elements")).forEach(f -> found.add(f.rule()));

        assertThat(found).containsExactlyInAnyOrderElementsOf(Arrays.asList(Rule.values()));
    }

    @Test
    void jdibsOwnElementsAreClean() {
        assertThat(lint(Set.of(), BUILTIN)).extracting(Finding::toString).isEmpty();
    }

    @Test
    void ignoredRulesAndDisabledOnesAreNotReported() {
        List<Finding> findings = lint(EnumSet.of(Rule.SETE, Rule.SETU), FIXTURES.resolve("bad-elements"));

        assertThat(findings)
                .extracting(Finding::rule)
                .doesNotContain(Rule.SETE, Rule.SETU)
                .contains(Rule.SETPIPEFAIL);
        assertThat(findings)
                .as("# dib-lint: disable=dibdebugtrace")
                .noneMatch(f -> f.path().endsWith("install.d/90-disabled"));
    }

    @Test
    void anElementDirectoryIsLintedAloneWithItsDependencies() {
        List<Finding> findings = lint(Set.of(), FIXTURES.resolve("bad-elements/dup-a"));

        assertThat(relative(findings))
                .containsExactly("bad-elements/dup-a/install.d/50-same:1: duplicate-hook: element dup-b ships"
                        + " install.d/50-same too, and both are in the element set of dup-a: a build of it stops;"
                        + " rename one of them");
    }

    @Test
    void theGuideListsEveryRule() throws IOException {
        String guide = Files.readString(HOME.resolve("docs/lint.md"), StandardCharsets.UTF_8);

        for (Rule rule : Rule.values()) {
            assertThat(guide).contains("`" + rule.id() + "`");
        }
    }

    @Test
    void aFindingPrintsAsPathLineRuleMessage() {
        assertThat(new Finding(Path.of("e/install.d/10-x"), 3, Rule.SETX, "sets -x").toString())
                .isEqualTo("e/install.d/10-x:3: setx: sets -x");
        assertThat(new Finding(Path.of("e/install.d/10-x"), 3, Rule.WHICH, "calls which").toString())
                .isEqualTo("e/install.d/10-x:3: which: warning: calls which");
    }
}
