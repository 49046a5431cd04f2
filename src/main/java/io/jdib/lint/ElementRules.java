package io.jdib.lint;

import io.jdib.element.ElementPath;
import io.jdib.element.PackageInstalls;
import io.jdib.hook.Phase;
import io.jdib.sys.NearestNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The rules about an element as a whole: README, phase directories, element-deps, package-installs. */
final class ElementRules {
    /** Directories named NAME.d that are not phases but that jdib (or DIB) reads. */
    private static final Set<String> OTHER_D_DIRS =
            Set.of("environment.d", "binary-deps.d", "init.d", "udev.d", "first-boot.d");
    /** DIB's ramdisk element runs these hooks; jdib's ramdisk does not. */
    private static final String RAMDISK_INSTALL = "ramdisk-install.d";

    private final Path dir;
    private final Set<String> known;
    private final List<Finding> findings = new ArrayList<>();

    private ElementRules(Path dir, Set<String> known) {
        this.dir = dir;
        this.known = known;
    }

    /**
     * The findings for the element in {@code dir}; {@code known} is every name element-deps may use
     * (the elements on the path and the names they provide).
     */
    static List<Finding> check(Path dir, Set<String> known) {
        ElementRules rules = new ElementRules(dir, known);
        rules.readme();
        rules.phaseDirectories();
        rules.deps();
        rules.packageInstalls();
        return rules.findings;
    }

    private void add(Path file, int line, Rule rule, String message) {
        findings.add(new Finding(file, line, rule, message));
    }

    private void readme() {
        if (!Files.isRegularFile(dir.resolve("README.rst")) && !Files.isRegularFile(dir.resolve("README.md"))) {
            add(
                    dir,
                    1,
                    Rule.README,
                    "element " + dir.getFileName() + " has no README.rst or README.md; say what it does and which"
                            + " variables it reads");
        }
    }

    private void phaseDirectories() {
        List<String> phases = Arrays.stream(Phase.values()).map(Phase::dirName).toList();
        for (Path sub : list(dir)) {
            String name = sub.getFileName().toString();
            if (!Files.isDirectory(sub)
                    || !name.endsWith(".d")
                    || phases.contains(name)
                    || OTHER_D_DIRS.contains(name)) {
                continue;
            }
            List<String> near = NearestNames.plausible(name, phases, 1);
            if (name.equals(RAMDISK_INSTALL)) {
                if (holdsHooks(sub)) {
                    add(
                            sub,
                            1,
                            Rule.UNKNOWN_PHASE,
                            name + " holds hooks for DIB's ramdisk element, which jdib's"
                                    + " ramdisk does not run (it takes binary-deps.d, init.d and udev.d)");
                }
            } else if (!near.isEmpty() && NearestNames.distance(name, near.get(0)) <= 2) {
                add(
                        sub,
                        1,
                        Rule.UNKNOWN_PHASE,
                        name + " is no phase, so its hooks never run; did you mean " + near.get(0) + "?");
            } else if (holdsHooks(sub)) {
                add(
                        sub,
                        1,
                        Rule.UNKNOWN_PHASE,
                        name + " holds hooks, but it is no phase, so they never run;" + " the phases are "
                                + String.join(", ", phases));
            }
        }
    }

    private static boolean holdsHooks(Path sub) {
        return list(sub).stream()
                .anyMatch(f -> Files.isRegularFile(f) && (Files.isExecutable(f) || startsWithShebang(f)));
    }

    private static boolean startsWithShebang(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] two = in.readNBytes(2);
            return two.length == 2 && two[0] == '#' && two[1] == '!';
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deps() {
        Path depsFile = dir.resolve("element-deps");
        List<ElementPath.ListEntry> deps = ElementPath.entries(depsFile);
        String previous = null;
        boolean unsorted = false;
        for (ElementPath.ListEntry dep : deps) {
            if (!dep.valid()) {
                add(
                        depsFile,
                        dep.line(),
                        Rule.ELEMENT_DEPS,
                        "'" + dep.name() + "' is not an element name;" + " write one element name a line");
                continue;
            }
            if (!known.contains(dep.name())) {
                List<String> near = NearestNames.plausible(dep.name(), known, 3);
                add(
                        depsFile,
                        dep.line(),
                        Rule.ELEMENT_DEPS,
                        "no element on the path is or provides '" + dep.name() + "'"
                                + (near.isEmpty()
                                        ? "; add its directory to ELEMENTS_PATH"
                                        : "; did you mean " + String.join(", ", near) + "?"));
            }
            if (!unsorted && previous != null && dep.name().compareTo(previous) < 0) {
                unsorted = true;
                add(
                        depsFile,
                        dep.line(),
                        Rule.DEPS_ORDER,
                        "'" + dep.name() + "' comes after '" + previous + "'; keep element-deps sorted");
            }
            previous = dep.name();
        }
        Path providesFile = dir.resolve("element-provides");
        for (ElementPath.ListEntry provided : ElementPath.entries(providesFile)) {
            if (!provided.valid()) {
                add(
                        providesFile,
                        provided.line(),
                        Rule.ELEMENT_DEPS,
                        "'" + provided.name() + "' is not an element name; write one name a line");
            }
        }
    }

    private void packageInstalls() {
        for (String name : List.of("package-installs.yaml", "package-installs.json")) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            for (PackageInstalls.Problem p : PackageInstalls.problems(file)) {
                // A .yaml file that does not parse is the yaml rule's finding.
                if (!(name.endsWith(".yaml") && p.message().startsWith("not valid YAML"))) {
                    add(file, p.line(), Rule.PACKAGE_INSTALLS, p.message());
                }
            }
        }
    }

    static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
