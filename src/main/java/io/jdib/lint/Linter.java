package io.jdib.lint;

import io.jdib.element.Element;
import io.jdib.element.ElementPath;
import io.jdib.hook.Phase;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code jdib lint}: checks element directories against DIB's {@code dib-lint} rules and jdib's own
 * ({@link Rule}), and returns every finding, in file and line order. A directory is one element when
 * it looks like one (a README, element-deps, package-installs, a phase directory...), else a
 * directory of elements, like an {@code ELEMENTS_PATH} entry. Elements are looked up as a build looks
 * them up: the linted directories first, then {@code ELEMENTS_PATH}, then jdib's own.
 *
 * <p>{@code # dib-lint: disable=RULE...} in a file turns rules off for that file, as in DIB.
 */
public final class Linter {
    private static final String DISABLE = "# dib-lint: disable=";
    /** Files only an element has at its top. */
    private static final Set<String> ELEMENT_FILES = Set.of(
            "README.rst",
            "README.md",
            "element-deps",
            "element-provides",
            "package-installs.yaml",
            "package-installs.json",
            "pkg-map");

    /** Directories only an element has at its top, besides the phases. */
    private static final Set<String> ELEMENT_DIRS = Set.of("environment.d", "static", "bin");

    private final Set<Rule> ignored;
    private final Map<Path, Set<String>> disabled = new HashMap<>();

    public Linter(Set<Rule> ignored) {
        this.ignored = Set.copyOf(ignored);
    }

    /**
     * Lints {@code targets}; {@code elementsPath} (a colon list, may be null) and {@code builtin} (may
     * be null) are where other elements are found.
     */
    public List<Finding> lint(List<Path> targets, String elementsPath, Path builtin) {
        List<SetRules.Linted> elements = new ArrayList<>();
        List<String> searchDirs = new ArrayList<>();
        for (Path target : targets) {
            if (!Files.isDirectory(target)) {
                throw new UserError(target + " is not a directory; give element directories, or directories of"
                        + " elements such as elements/");
            }
            if (looksLikeElement(target)) {
                elements.add(new SetRules.Linted(name(target), target));
                searchDirs.add(parent(target).toString());
            } else {
                for (Path child : ElementRules.list(target)) {
                    if (Files.isDirectory(child)
                            && !child.getFileName().toString().startsWith(".")) {
                        elements.add(new SetRules.Linted(child.getFileName().toString(), child));
                    }
                }
                searchDirs.add(target.toString());
            }
        }
        if (elementsPath != null && !elementsPath.isBlank()) {
            searchDirs.add(elementsPath);
        }
        ElementPath path = ElementPath.tolerant(String.join(":", searchDirs), builtin);
        Set<String> known = new TreeSet<>(path.names());
        for (String name : path.names()) {
            path.find(name).map(Element::provides).ifPresent(known::addAll);
        }

        List<Finding> all = new ArrayList<>();
        for (SetRules.Linted element : elements) {
            all.addAll(ElementRules.check(element.dir(), known));
            for (Path file : files(element.dir())) {
                String rel = element.dir().relativize(file).toString().replace('\\', '/');
                all.addAll(FileRules.check(file, rel));
            }
        }
        all.addAll(SetRules.check(path, elements));
        return all.stream()
                .filter(f -> !ignored.contains(f.rule()))
                .filter(f -> !disabledIn(f.path()).contains(f.rule().id()))
                .distinct()
                .sorted(Finding.ORDER)
                .toList();
    }

    private static boolean looksLikeElement(Path dir) {
        for (Path child : ElementRules.list(dir)) {
            String name = child.getFileName().toString();
            boolean marker = Files.isDirectory(child)
                    ? ELEMENT_DIRS.contains(name) || Phase.byDirName(name).isPresent()
                    : ELEMENT_FILES.contains(name);
            if (marker) {
                return true;
            }
        }
        return false;
    }

    private static String name(Path dir) {
        return dir.toAbsolutePath().normalize().getFileName().toString();
    }

    private static Path parent(Path dir) {
        return dir.toAbsolutePath().normalize().getParent();
    }

    /** DIB's per-file exclusions: {@code # dib-lint: disable=sete setpipefail} lines. */
    private Set<String> disabledIn(Path file) {
        return disabled.computeIfAbsent(file, f -> {
            if (!Files.isRegularFile(f)) {
                return Set.of();
            }
            Set<String> rules = new LinkedHashSet<>();
            try (Stream<String> lines = Files.lines(f, StandardCharsets.ISO_8859_1)) {
                lines.filter(l -> l.startsWith(DISABLE))
                        .forEach(l -> rules.addAll(Arrays.asList(
                                l.substring(DISABLE.length()).trim().split("\\s+"))));
            } catch (IOException | UncheckedIOException e) {
                return Set.of();
            }
            return rules;
        });
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
