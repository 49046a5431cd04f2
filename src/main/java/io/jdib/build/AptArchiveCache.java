package io.jdib.build;

import io.jdib.chroot.Chroot;
import io.jdib.event.EventSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Shares downloaded .deb files across builds without sharing apt's lock: the shared cache is bound
 * read-only into the chroot and each cached file is offered to apt as a symlink in the tree's own
 * archives directory; after the chroot closes, what apt downloaded is moved into the shared cache
 * and the tree's archives directory is emptied, so no .deb ends up in the image. Concurrent builds
 * each have their own archives directory and lock.
 */
final class AptArchiveCache {
    static final String SHARED_INSIDE = "/var/cache/jdib-apt-shared";
    private static final String ARCHIVES = "var/cache/apt/archives";

    private final Path shared;
    private final Path root;
    private final EventSink events;

    private AptArchiveCache(Path shared, Path root, EventSink events) {
        this.shared = shared;
        this.root = root;
        this.events = events;
    }

    /** Nothing to do for trees without apt. */
    static AptArchiveCache forTree(Path root, Path shared, EventSink events) {
        return Files.isDirectory(root.resolve(ARCHIVES)) ? new AptArchiveCache(shared, root, events) : null;
    }

    Chroot.Bind bind() {
        return new Chroot.Bind(shared, SHARED_INSIDE, true);
    }

    /** Offers every cached .deb to apt, by symlink. */
    void offer() {
        Path archives = root.resolve(ARCHIVES);
        try {
            Files.createDirectories(shared.resolve("partial"));
            try (Stream<Path> debs = Files.list(shared)) {
                for (Path deb : debs.filter(p -> p.getFileName().toString().endsWith(".deb"))
                        .toList()) {
                    Path link = archives.resolve(deb.getFileName());
                    if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, Path.of(SHARED_INSIDE).resolve(deb.getFileName()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps what apt downloaded, and leaves the tree's archives directory empty. */
    void collect() {
        Path archives = root.resolve(ARCHIVES);
        int kept = 0;
        try (Stream<Path> entries = Files.list(archives)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (Files.isSymbolicLink(entry)) {
                    Files.delete(entry);
                } else if (name.endsWith(".deb") && Files.isRegularFile(entry)) {
                    Path target = shared.resolve(name);
                    if (!Files.exists(target)) {
                        // Copy under a private name, then rename: another build never sees half a file.
                        Path temp = shared.resolve(
                                ".incoming-" + ProcessHandle.current().pid() + "-" + name);
                        Files.copy(entry, temp, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        kept++;
                    }
                    Files.delete(entry);
                }
            }
            Files.deleteIfExists(root.resolve(SHARED_INSIDE.substring(1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (kept > 0) {
            events.debug("kept " + kept + " downloaded packages in " + shared);
        }
    }

    static List<Chroot.Bind> binds(AptArchiveCache cache) {
        return cache == null ? List.of() : List.of(cache.bind());
    }
}
