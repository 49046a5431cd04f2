package io.jdib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * jdib's top-level packages ({@code io.jdib.X}, subpackages counted with their parent) depend on
 * each other without cycles, read from the imports of the main sources.
 */
class PackageCyclesTest {
    private static final Path SOURCES = Path.of("src/main/java/io/jdib");
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?io\\.jdib\\.([a-z]+)\\.", Pattern.MULTILINE);

    /** Which package uses which, by import. */
    static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file).getName(0).toString();
                Set<String> used = uses.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        used.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uses;
    }

    /**
     * Every cycle found by a depth-first walk, each as the packages on it. The walk goes in name
     * order so the same graph always reports the same cycle, whatever map it comes in.
     */
    static List<List<String>> cycles(Map<String, Set<String>> uses) {
        List<List<String>> found = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : new TreeSet<>(uses.keySet())) {
            walk(start, new ArrayList<>(), done, uses, found);
        }
        return found;
    }

    private static void walk(
            String pkg, List<String> path, Set<String> done, Map<String, Set<String>> uses, List<List<String>> found) {
        int at = path.indexOf(pkg);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(pkg);
            found.add(cycle);
            return;
        }
        if (done.contains(pkg)) {
            return;
        }
        path.add(pkg);
        for (String used : new TreeSet<>(uses.getOrDefault(pkg, Set.of()))) {
            walk(used, path, done, uses, found);
        }
        path.remove(path.size() - 1);
        done.add(pkg);
    }

    @Test
    void packagesHaveNoCycles() {
        Map<String, Set<String>> uses = dependencies();

        assertThat(uses).containsKeys("build", "cli", "image", "ramdisk", "sys");
        assertThat(cycles(uses)).isEmpty();
    }

    @Test
    void theWalkFindsACycle() {
        Map<String, Set<String>> uses = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));

        assertThat(cycles(uses)).containsExactly(List.of("a", "b", "c", "a"));
    }

    @Test
    void theBottomAndTheRecipesStayWhereTheyBelong() {
        Map<String, Set<String>> uses = dependencies();

        assertThat(uses.get("sys")).isEmpty();
        assertThat(uses.get("ramdisk")).doesNotContain("build", "cli");
        assertThat(uses.get("image")).containsOnly("event", "sys");
    }
}
