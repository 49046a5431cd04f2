package io.jdib.element;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-image pkg-map program (elements/pkg-map/bin/pkg-map) run on the host with --pkg-map. */
class PkgMapScriptTest {
    private static final String MAP = "{\"default\": {\"foo\": \"foo\", \"gone\": \"x\"},"
            + " \"family\": {\"debian\": {\"foo\": \"foo-deb\", \"gone\": \"\"}},"
            + " \"distro\": {\"ubuntu\": {\"foo\": \"foo-ub\"}},"
            + " \"release\": {\"debian\": {\"bookworm\": {\"foo\": \"foo-bw bar\"}}}}";

    record Run(int code, String out, String err) {}

    private static Run pkgMap(Path dir, String... args) throws Exception {
        Path map = dir.resolve("map.json");
        Files.writeString(map, MAP);
        List<String> argv = new ArrayList<>(List.of(
                "bash", Path.of("elements/pkg-map/bin/pkg-map").toAbsolutePath().toString()));
        argv.addAll(List.of(args).stream()
                .map(a -> a.equals("MAP") ? map.toString() : a)
                .toList());
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().remove("DISTRO_NAME");
        pb.environment().remove("DIB_RELEASE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        return new Run(p.waitFor(), out, err);
    }

    @Test
    void theMostSpecificMappingWinsAndEmptyDrops(@TempDir Path dir) throws Exception {
        assertThat(pkgMap(dir, "--distro", "debian", "--pkg-map", "MAP", "foo", "gone"))
                .isEqualTo(new Run(0, "foo-deb\n", ""));
        assertThat(pkgMap(
                        dir,
                        "--distro",
                        "debian",
                        "--release",
                        "bookworm",
                        "--pkg-map",
                        "MAP",
                        "--prefix",
                        "P:",
                        "foo"))
                .isEqualTo(new Run(0, "P:foo-bw bar\n", ""));
        assertThat(pkgMap(dir, "--distro", "ubuntu", "--pkg-map", "MAP", "foo").out())
                .isEqualTo("foo-ub\n");
        assertThat(pkgMap(dir, "--distro", "fedora", "--pkg-map", "MAP", "foo").out())
                .isEqualTo("foo\n");
    }

    @Test
    void noMappingIsExitOneUnlessMissingOk(@TempDir Path dir) throws Exception {
        Run strict = pkgMap(dir, "--distro", "debian", "--pkg-map", "MAP", "nope");
        assertThat(strict.code()).isEqualTo(1);
        assertThat(strict.out()).isEmpty();
        assertThat(strict.err())
                .contains("has no valid mapping for package nope (in " + dir.resolve("map.json") + ")")
                .contains("--missing-ok");
        assertThat(pkgMap(dir, "--distro", "debian", "--pkg-map", "MAP", "--missing-ok", "nope"))
                .isEqualTo(new Run(0, "nope\n", ""));
    }

    @Test
    void noMapFileIsExitTwoUnlessMissingOk(@TempDir Path dir) throws Exception {
        Run strict = pkgMap(dir, "--distro", "debian", "--element", "no-such-element-here", "foo");
        assertThat(strict.code()).isEqualTo(2);
        assertThat(strict.err()).contains("Required pkg-map for no-such-element-here element does not exist");
        assertThat(pkgMap(dir, "--distro", "debian", "--element", "no-such-element-here", "--missing-ok", "foo"))
                .isEqualTo(new Run(0, "foo\n", ""));
    }

    @Test
    void usageErrorsAreExitOne(@TempDir Path dir) throws Exception {
        assertThat(pkgMap(dir, "--distro", "debian", "foo").code()).isEqualTo(1);
        assertThat(pkgMap(dir, "--pkg-map", "MAP", "foo").err()).contains("--distro");
        assertThat(pkgMap(dir, "--distro", "debian", "--element", "x", "--pkg-map", "MAP", "foo")
                        .code())
                .isEqualTo(1);
    }

    @Test
    void flattenWritesOneLinePerMapping(@TempDir Path dir) throws Exception {
        Path map = dir.resolve("map.json");
        Files.writeString(map, MAP);
        assertThat(PkgMap.flatten(map))
                .containsExactlyInAnyOrder(
                        "default\t-\t-\tfoo\tfoo",
                        "default\t-\t-\tgone\tx",
                        "family\tdebian\t-\tfoo\tfoo-deb",
                        "family\tdebian\t-\tgone\t",
                        "distro\tubuntu\t-\tfoo\tfoo-ub",
                        "release\tdebian\tbookworm\tfoo\tfoo-bw bar");
    }
}
