package io.jdib.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An image's file tree as the image sees it, rooted at a host directory: paths are the image's own
 * ({@code /etc/fstab}), and symbolic links are followed inside the tree, never out to the host's files.
 */
public final class ImageTree {
    private static final int MAX_LINKS = 40;
    private final Path root;

    public ImageTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The host path of image path {@code path}, with every symlink resolved inside the tree. */
    public Path resolve(String path) {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> done = new ArrayList<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String name = todo.removeFirst();
            if (name.equals(".") || name.isEmpty()) {
                continue;
            }
            if (name.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            done.add(name);
            Path host = host(done);
            if (Files.isSymbolicLink(host)) {
                if (++hops > MAX_LINKS) {
                    return host;
                }
                String target;
                try {
                    target = Files.readSymbolicLink(host).toString();
                } catch (IOException e) {
                    return host;
                }
                done.remove(done.size() - 1);
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> parts = components(target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
            }
        }
        return host(done);
    }

    private Path host(List<String> parts) {
        Path p = root;
        for (String part : parts) {
            p = p.resolve(part);
        }
        return p;
    }

    private static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }

    public boolean exists(String path) {
        return Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS);
    }

    public boolean isFile(String path) {
        return Files.isRegularFile(resolve(path), LinkOption.NOFOLLOW_LINKS);
    }

    /** The symlink at {@code path} itself (its parents resolved), if there is one: its target. */
    public Optional<String> linkTarget(String path) {
        int slash = path.lastIndexOf('/');
        Path host = resolve(path.substring(0, Math.max(slash, 0)) + "/").resolve(path.substring(slash + 1));
        if (!Files.isSymbolicLink(host)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(host).toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code path} is a symlink or a file (an existing entry, not followed). */
    public boolean entryExists(String path) {
        int slash = path.lastIndexOf('/');
        Path host = resolve(path.substring(0, Math.max(slash, 0)) + "/").resolve(path.substring(slash + 1));
        return Files.exists(host, LinkOption.NOFOLLOW_LINKS);
    }

    /** The lines of a text file, or an empty list when it is missing or not a file. */
    public List<String> lines(String path) {
        Path host = resolve(path);
        if (!Files.isRegularFile(host)) {
            return List.of();
        }
        String text;
        try {
            text = new String(Files.readAllBytes(host), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " in the image", e);
        }
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (text.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    public long size(String path) {
        try {
            return Files.size(resolve(path));
        } catch (IOException e) {
            return -1;
        }
    }

    /** Image paths of the entries of directory {@code dir} whose names match {@code glob}, sorted. */
    public List<String> list(String dir, String glob) {
        Path host = resolve(dir);
        if (!Files.isDirectory(host)) {
            return List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        String prefix = dir.endsWith("/") ? dir : dir + "/";
        try (Stream<Path> entries = Files.list(host)) {
            return entries.map(Path::getFileName)
                    .filter(matcher::matches)
                    .map(n -> prefix + n)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + " in the image", e);
        }
    }
}
