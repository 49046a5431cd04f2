package io.jdib.hook;

import io.jdib.sys.Exec;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The hooks of all elements merged into one tree ({@code $TMP_HOOKS_PATH}), as DIB does: every
 * element directory is copied over the same destination. Two elements shipping the same hook file
 * (or environment.d file, or bin/ program) is an error; other overlapping files (static/) are
 * overwritten in element order with a warning.
 */
public final class HookTree {
    /** Where jdib keeps its own helper files inside the hook tree. */
    public static final String JDIB_DIR = ".jdib";

    private final Path root;
    private final Map<String, String> owners;

    private HookTree(Path root, Map<String, String> owners) {
        this.root = root;
        this.owners = Map.copyOf(owners);
    }

    /** An element directory to merge, with its name. */
    public record Source(String element, Path dir) {}

    public static HookTree merge(List<Source> elements, Path root, Consumer<String> warnings) {
        Map<String, String> owners = new HashMap<>();
        try {
            Files.createDirectories(root);
            for (Source source : elements) {
                for (Path file : files(source.dir())) {
                    String rel = source.dir().relativize(file).toString();
                    String previous = owners.put(rel, source.element());
                    if (previous != null && !previous.equals(source.element())) {
                        if (isExclusive(rel)) {
                            throw new UserError("elements " + previous + " and " + source.element() + " both ship "
                                    + rel + "; rename one of the files");
                        }
                        if (rel.contains("/")) { // top-level files are element metadata (element-deps, README...)
                            warnings.accept(
                                    rel + " of element " + source.element() + " replaces the one of " + previous);
                        }
                    }
                }
                // cp -a keeps modes and symlinks exactly; Files.copy would need to recreate both by hand.
                Exec.check("cp", "-a", "--no-preserve=ownership", source.dir() + "/.", root + "/");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new HookTree(root, owners);
    }

    /**
     * Hook files, environment.d and bin/ programs (by their path in the element) are ones two
     * elements of a build may not both define.
     */
    public static boolean isExclusive(String rel) {
        String top = rel.contains("/") ? rel.substring(0, rel.indexOf('/')) : rel;
        return top.endsWith(".d") || top.equals("bin");
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !Files.isDirectory(p)).sorted().toList();
        }
    }

    public Path root() {
        return root;
    }

    /** The element that supplied {@code relativePath} in the merged tree. */
    public String owner(String relativePath) {
        return owners.getOrDefault(relativePath, "?");
    }

    /** The runnable hooks of a phase, in run order; files that are not runnable are reported. */
    public List<Hook> hooks(Phase phase, Consumer<String> notes) {
        Path dir = root.resolve(phase.dirName());
        List<Hook> hooks = new ArrayList<>();
        for (String name : sortedNames(dir)) {
            Path path = dir.resolve(name);
            if (Files.isDirectory(path)) {
                continue; // install-types keeps *-package-install/ and *-source-install/ directories here
            }
            if (!RunPartsOrder.VALID_NAME.matcher(name).matches()) {
                notes.accept("skipping " + phase.dirName() + "/" + name
                        + ": hook names may only hold letters, digits, _ and -");
                continue;
            }
            if (!Files.isExecutable(path)) {
                notes.accept("skipping " + phase.dirName() + "/" + name + " of element "
                        + owner(phase.dirName() + "/" + name) + ": not executable (chmod +x it)");
                continue;
            }
            hooks.add(new Hook(phase, name, ownerOf(phase, name, path), path));
        }
        return hooks;
    }

    /** A hook linked into place (install-types does this) belongs to the element of its target. */
    private String ownerOf(Phase phase, String name, Path path) {
        String direct = owners.get(phase.dirName() + "/" + name);
        if (direct != null) {
            return direct;
        }
        try {
            if (Files.isSymbolicLink(path)) {
                Path target =
                        path.getParent().resolve(Files.readSymbolicLink(path)).normalize();
                return owner(root.relativize(target).toString());
            }
        } catch (IOException e) {
            // fall through to unknown
        }
        return "?";
    }

    /** environment.d files in the order they are sourced. */
    public List<String> environmentFiles() {
        return sortedNames(root.resolve("environment.d")).stream()
                .filter(n -> Files.isRegularFile(root.resolve("environment.d").resolve(n)))
                .toList();
    }

    private static List<String> sortedNames(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString())
                    .sorted(RunPartsOrder.INSTANCE)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
