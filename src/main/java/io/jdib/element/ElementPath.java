package io.jdib.element;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where elements are looked up: the directories of {@code ELEMENTS_PATH} in order, then the built-in
 * {@code elements/}. An element found earlier overrides one of the same name found later.
 */
public final class ElementPath {
    private final List<Path> dirs;
    private final Map<String, Element> byName = new LinkedHashMap<>();

    private ElementPath(List<Path> dirs, Consumer<String> warnings, boolean strict) {
        this.dirs = List.copyOf(dirs);
        for (Path dir : dirs) {
            for (Path elementDir : children(dir)) {
                String name = elementDir.getFileName().toString();
                Element existing = byName.get(name);
                if (existing != null) {
                    warnings.accept(
                            "element " + name + " in " + existing.dir().getParent() + " overrides the one in " + dir);
                    continue;
                }
                byName.put(name, load(name, elementDir, strict));
            }
        }
    }

    /** {@code elementsPath} is a colon list (may be null or empty); {@code builtin} comes last. */
    public static ElementPath of(String elementsPath, Path builtin, Consumer<String> warnings) {
        return new ElementPath(directories(elementsPath, builtin), warnings, true);
    }

    /**
     * The same path for checking elements rather than building them ({@code jdib lint}, which reports
     * what is wrong): a name in element-deps or element-provides that cannot be an element name is left
     * out instead of failing.
     */
    public static ElementPath tolerant(String elementsPath, Path builtin) {
        return new ElementPath(directories(elementsPath, builtin), warning -> {}, false);
    }

    private static List<Path> directories(String elementsPath, Path builtin) {
        List<Path> dirs = new ArrayList<>();
        if (elementsPath != null) {
            for (String part : elementsPath.split(":")) {
                if (!part.isBlank()) {
                    Path dir = Path.of(part).toAbsolutePath().normalize();
                    if (!Files.isDirectory(dir)) {
                        throw new ElementError(
                                "ELEMENTS_PATH entry " + part + " is not a directory; fix ELEMENTS_PATH");
                    }
                    dirs.add(dir);
                }
            }
        }
        if (builtin != null) {
            dirs.add(builtin.toAbsolutePath().normalize());
        }
        return dirs;
    }

    public List<Path> dirs() {
        return dirs;
    }

    public Optional<Element> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public java.util.Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory)
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list elements in " + dir, e);
        }
    }

    private static Element load(String name, Path dir, boolean strict) {
        Function<Path, List<String>> names = strict ? ElementPath::readList : ElementPath::validNames;
        return new Element(
                name, dir, names.apply(dir.resolve("element-deps")), names.apply(dir.resolve("element-provides")));
    }

    private static List<String> validNames(Path file) {
        return entries(file).stream()
                .filter(ListEntry::valid)
                .map(ListEntry::name)
                .toList();
    }

    /** One name of an element-deps or element-provides file, and the line it is on. */
    public record ListEntry(String name, int line) {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._+-]+");

        /** Whether it can be an element name at all. */
        public boolean valid() {
            return NAME.matcher(name).matches();
        }
    }

    /** One name a line; blank lines and # comments are skipped. */
    static List<String> readList(Path file) {
        List<String> names = new ArrayList<>();
        for (ListEntry entry : entries(file)) {
            if (!entry.valid()) {
                throw new ElementError(file + ":" + entry.line() + ": '" + entry.name()
                        + "' is not an element name; write one element name a line");
            }
            names.add(entry.name());
        }
        return names;
    }

    /** The names of an element-deps or element-provides file, each with its line; none when it is missing. */
    public static List<ListEntry> entries(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<ListEntry> entries = new ArrayList<>();
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                String name = line.replaceFirst("#.*", "").strip();
                if (!name.isEmpty()) {
                    entries.add(new ListEntry(name, lineNo));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
