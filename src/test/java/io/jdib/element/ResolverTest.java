package io.jdib.element;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class ResolverTest {
    private final List<String> warnings = new ArrayList<>();

    private static Path fixture(String name) {
        try {
            return Path.of(
                    Objects.requireNonNull(ResolverTest.class.getResource(name)).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Resolver resolver() {
        ElementPath path = ElementPath.of(fixture("primary").toString(), fixture("secondary"), warnings::add);
        return new Resolver(path);
    }

    @Test
    void expandsDependenciesInDependencyOrderWithReasons() {
        ElementResolution r = resolver().resolve(List.of("app"), true, true);

        // Each element after its dependencies; otherwise by name.
        assertThat(r.names()).containsExactly("lib", "os-a", "app", "base");
        assertThat(r.elements())
                .extracting(ElementResolution.Resolved::reason)
                .containsExactly(
                        "dependency of app",
                        "dependency of app",
                        "requested",
                        "implicit base element (-n leaves it out)");
        assertThat(r.provided()).containsEntry("operating-system", "os-a");
    }

    @Test
    void skipBaseLeavesBaseOut() {
        assertThat(resolver().resolve(List.of("app"), false, true).names()).containsExactly("lib", "os-a", "app");
    }

    @Test
    void earlierPathEntryOverridesLaterWithWarning() {
        ElementResolution r = resolver().resolve(List.of("lib"), false, false);

        // secondary/lib would pull in "extra"; primary/lib wins and has no deps.
        assertThat(r.names()).containsExactly("lib");
        assertThat(r.elements().get(0).element().dir())
                .isEqualTo(fixture("primary").resolve("lib"));
        assertThat(warnings).anyMatch(w -> w.contains("element lib") && w.contains("overrides"));
    }

    @Test
    void providedNameSatisfiesDependency() {
        ElementResolution r = resolver().resolve(List.of("needs-virtual", "provider-x"), false, false);

        assertThat(r.names()).containsExactlyInAnyOrder("needs-virtual", "provider-x");
        assertThat(r.provided()).containsEntry("virtual-x", "provider-x");
    }

    @Test
    void unknownElementListsPathAndNearNames() {
        assertThatThrownBy(() -> resolver().resolve(List.of("os-c"), false, false))
                .isInstanceOf(ElementError.class)
                .hasMessageContaining("element 'os-c' not found in " + fixture("primary") + ":" + fixture("secondary"))
                .hasMessageContaining("did you mean os-a, os-b?");
    }

    @Test
    void unknownDependencyNamesWhoNeedsIt() {
        assertThatThrownBy(() -> resolver().resolve(List.of("needs-virtual"), false, false))
                .hasMessageStartingWith("element 'virtual-x' not found (needed by needs-virtual)");
    }

    @Test
    void cycleIsNamed() {
        assertThatThrownBy(() -> resolver().resolve(List.of("cyc-a"), false, false))
                .isInstanceOf(ElementError.class)
                .hasMessage(
                        "element dependency cycle: cyc-a -> cyc-b -> cyc-a; remove one of these element-deps entries");
    }

    @Test
    void twoProvidersOfOneNameIsAnError() {
        assertThatThrownBy(() -> resolver().resolve(List.of("provider-x", "provider-x2"), false, false))
                .hasMessage("elements provider-x and provider-x2 both provide virtual-x; use only one of them");
    }

    @Test
    void twoOperatingSystemsIsAnError() {
        assertThatThrownBy(() -> resolver().resolve(List.of("os-a", "os-b"), false, true))
                .hasMessageContaining("both provide operating-system");
    }

    @Test
    void missingOperatingSystemSaysWhichElementsCouldProvideIt() {
        assertThatThrownBy(() -> resolver().resolve(List.of("lib"), false, true))
                .hasMessage("no element provides operating-system; add one of: os-a, os-b");
    }

    @Test
    void elementAlsoProvidedByAnotherIsAnError() {
        assertThatThrownBy(() -> resolver().resolve(List.of("lib", "selfish"), false, false))
                .hasMessage("element lib is in the set, and selfish provides lib too; remove one of them");
    }

    @Test
    void imageElementExportsMatchDibFormat() {
        ElementResolution r = resolver().resolve(List.of("app"), false, true);

        assertThat(r.imageElement()).isEqualTo("lib os-a app");
        assertThat(r.imageElementYaml())
                .isEqualTo("{lib: " + fixture("primary").resolve("lib") + ", os-a: "
                        + fixture("primary").resolve("os-a") + ", app: "
                        + fixture("primary").resolve("app") + "}");
    }

    @Test
    void badNameInDepsFileGivesFileAndLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path element = java.nio.file.Files.createDirectories(dir.resolve("bad"));
        java.nio.file.Files.writeString(element.resolve("element-deps"), "good\nnot a name\n");

        assertThatThrownBy(() -> ElementPath.of(dir.toString(), null, w -> {}))
                .hasMessage(element.resolve("element-deps")
                        + ":2: 'not a name' is not an element name; write one element name a line");
    }
}
