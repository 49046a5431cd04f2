package io.jdib.element;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageInstallsTest {
    @TempDir
    Path dir;

    private Element element(String yaml) throws Exception {
        Path e = Files.createDirectories(dir.resolve("pkgs"));
        Files.writeString(e.resolve("package-installs.yaml"), yaml);
        return new Element("pkgs", e, List.of(), List.of());
    }

    private static List<String> describe(List<PackageInstalls.Op> ops) {
        return ops.stream()
                .map(o -> o.phase() + " " + (o.uninstall() ? "-" : "+") + o.pkg())
                .toList();
    }

    @Test
    void dibPythonVersionEntriesApplyOnlyToThatVersion() throws Exception {
        Element e = element("""
                python3-yaml:
                  dib_python_version: 3
                python-yaml:
                  dib_python_version: 2
                curl:
                """);
        assertThat(describe(PackageInstalls.forElement(e, Map.of("DIB_PYTHON_VERSION", "3"), PkgMap.empty())))
                .containsExactly("install.d +python3-yaml", "install.d +curl");
        assertThat(describe(PackageInstalls.forElement(e, Map.of(), PkgMap.empty())))
                .containsExactly("install.d +curl");
    }

    @Test
    void packageInstallsJsonIsReadBeforeYaml() throws Exception {
        Element e = element("curl:\n");
        Files.writeString(e.dir().resolve("package-installs.json"), "{\"wget\": {\"phase\": \"pre-install.d\"}}");
        assertThat(describe(PackageInstalls.forElement(e, Map.of(), PkgMap.empty())))
                .containsExactly("pre-install.d +wget");
    }

    @Test
    void defaultsToInstallInInstallD() throws Exception {
        var ops = PackageInstalls.forElement(element("curl:\nwget:\n"), Map.of(), PkgMap.empty());
        assertThat(describe(ops)).containsExactly("install.d +curl", "install.d +wget");
    }

    @Test
    void phaseUninstallAndBuildOnly() throws Exception {
        var ops = PackageInstalls.forElement(element("""
                gcc:
                  build-only: true
                tgt:
                  phase: post-install.d
                  uninstall: yes
                early:
                  phase: pre-install.d
                """), Map.of(), PkgMap.empty());
        assertThat(describe(ops))
                .containsExactly(
                        "install.d +gcc", "post-install.d -gcc", "post-install.d -tgt", "pre-install.d +early");
    }

    @Test
    void whenConditionsUseTheEnvironment() throws Exception {
        Element e = element("""
                a:
                  when: DIB_X = 1
                b:
                  when: DIB_X != 1
                c:
                  when:
                    - DIB_X = 1
                    - DIB_Y = yes
                """);
        assertThat(describe(PackageInstalls.forElement(e, Map.of("DIB_X", "1", "DIB_Y", "yes"), PkgMap.empty())))
                .containsExactly("install.d +a", "install.d +c");
        assertThat(describe(PackageInstalls.forElement(e, Map.of(), PkgMap.empty())))
                .containsExactly("install.d +b");
    }

    @Test
    void archAndNotArchAcceptBothNamings() throws Exception {
        Element e = element("""
                x86only:
                  arch: x86_64
                notarm:
                  not-arch: arm64, ppc64le
                armonly:
                  arch: aarch64
                """);
        assertThat(describe(PackageInstalls.forElement(e, Map.of("ARCH", "amd64"), PkgMap.empty())))
                .containsExactly("install.d +x86only", "install.d +notarm");
        assertThat(describe(PackageInstalls.forElement(e, Map.of("ARCH", "arm64"), PkgMap.empty())))
                .containsExactly("install.d +armonly");
    }

    @Test
    void listOfVariantsGivesOneOpEach() throws Exception {
        var ops = PackageInstalls.forElement(element("""
                file:
                  - phase: install.d
                  - phase: post-install.d
                    uninstall: true
                """), Map.of(), PkgMap.empty());
        assertThat(describe(ops)).containsExactly("install.d +file", "post-install.d -file");
    }

    @Test
    void namesGoThroughPkgMapMostSpecificFirst() throws Exception {
        Files.createDirectories(dir.resolve("pkgs"));
        Path map = dir.resolve("pkgs/pkg-map");
        Files.writeString(map, """
                {"default": {"pager": "more", "dropped": "x", "multi": "m"},
                 "family": {"debian": {"pager": "less", "dropped": ""}},
                 "distro": {"ubuntu": {"pager": "less-ubuntu"}},
                 "release": {"debian": {"trixie": {"pager": "less-trixie"}}},
                 "unused": {}}
                """);
        Element e = element("pager:\ndropped:\nmulti:\nunmapped:\n");
        var bookworm =
                PkgMap.load(map, PkgMap.Target.fromEnv(Map.of("DISTRO_NAME", "debian", "DIB_RELEASE", "bookworm")));
        var trixie = PkgMap.load(map, PkgMap.Target.fromEnv(Map.of("DISTRO_NAME", "debian", "DIB_RELEASE", "trixie")));
        var ubuntu = PkgMap.load(map, PkgMap.Target.fromEnv(Map.of("DISTRO_NAME", "ubuntu", "DIB_RELEASE", "noble")));
        var fedora = PkgMap.load(map, PkgMap.Target.fromEnv(Map.of("DISTRO_NAME", "fedora")));

        assertThat(describe(PackageInstalls.forElement(e, Map.of(), bookworm)))
                .containsExactly("install.d +less", "install.d +m", "install.d +unmapped");
        assertThat(trixie.map("pager")).containsExactly("less-trixie");
        assertThat(ubuntu.map("pager")).containsExactly("less-ubuntu");
        assertThat(fedora.map("pager")).containsExactly("more");
    }

    @Test
    void errorsNameTheFileAndWhatToDo() throws Exception {
        assertThatThrownBy(
                        () -> PackageInstalls.forElement(element("a:\n  phaze: install.d\n"), Map.of(), PkgMap.empty()))
                .hasMessageEndingWith(
                        "package a has unknown key 'phaze'; allowed: arch, build-only, dib_python_version, installtype, not-arch, phase, uninstall, when");
        assertThatThrownBy(() -> PackageInstalls.forElement(element("a:\n  phase: root.d\n"), Map.of(), PkgMap.empty()))
                .hasMessageContaining(
                        "package a has phase 'root.d'; use one of install.d, post-install.d, pre-install.d");
        assertThatThrownBy(
                        () -> PackageInstalls.forElement(element("a:\n  when: just words\n"), Map.of(), PkgMap.empty()))
                .hasMessageContaining("write it as VARIABLE = value or VARIABLE != value");
        assertThatThrownBy(() -> PackageInstalls.forElement(element("a: [\n"), Map.of(), PkgMap.empty()))
                .hasMessageStartingWith(dir.resolve("pkgs/package-installs.yaml") + ":");
    }

    @Test
    void badPkgMapJsonIsAClearError() throws Exception {
        Path map = Files.writeString(dir.resolve("pkg-map"), "{not json");
        assertThatThrownBy(() -> PkgMap.load(map, PkgMap.Target.fromEnv(Map.of())))
                .hasMessageStartingWith(map + ": not valid JSON")
                .hasMessageEndingWith("pkg-map is a JSON object with family/distro/release/default sections");
    }

    @Test
    void planFilesAreWrittenPerPhase() throws Exception {
        Element e = element("a:\nb:\n  phase: pre-install.d\n");
        PackagePlan.write(Map.of("pkgs", e.dir()), Map.of(), List.of("extra1", "extra2"), dir.resolve("hooks"));

        assertThat(Files.readAllLines(dir.resolve("hooks/.jdib/package-installs/install.d")))
                .containsExactly("install a pkgs", "install extra1 command-line", "install extra2 command-line");
        assertThat(Files.readAllLines(dir.resolve("hooks/.jdib/package-installs/pre-install.d")))
                .containsExactly("install b pkgs");
        assertThat(Files.readAllLines(dir.resolve("hooks/.jdib/package-installs/post-install.d")))
                .isEmpty();
    }

    @Test
    void imageElementYamlRoundTrips() {
        // What the resolver writes for hooks, read back by the squash step: names, paths and order kept.
        ElementResolution resolution = new ElementResolution(
                List.of(
                        new ElementResolution.Resolved(
                                new Element("a", Path.of("/x/a"), List.of(), List.of()), "requested"),
                        new ElementResolution.Resolved(
                                new Element("b-c", Path.of("/y/b-c"), List.of(), List.of()), "dependency of a")),
                Map.of());
        String yaml = resolution.imageElementYaml();

        assertThat(PackagePlan.parseImageElementYaml(yaml))
                .containsExactly(Map.entry("a", Path.of("/x/a")), Map.entry("b-c", Path.of("/y/b-c")));
    }
}
