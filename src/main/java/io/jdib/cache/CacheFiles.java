package io.jdib.cache;

import io.jdib.sys.Exec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Sizes, ages and removal of cache entries (files or whole directories). */
final class CacheFiles {
    static final String LAST_USED = "last-used";

    private CacheFiles() {}

    /** The size of every regular file in the entry, without following links. */
    static long bytes(Path entry) {
        AtomicLong total = new AtomicLong();
        try {
            Files.walkFileTree(entry, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    total.addAndGet(attrs.isRegularFile() ? attrs.size() : 0);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total.get();
    }

    /** The newest modification time anywhere in the entry: when it was last written or used. */
    static Instant newestTime(Path entry) {
        try (var walk = Files.walk(entry)) {
            return walk.map(p -> {
                        try {
                            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)
                                    .toInstant();
                        } catch (IOException e) {
                            return Instant.EPOCH;
                        }
                    })
                    .max(Instant::compareTo)
                    .orElse(Instant.EPOCH);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a file or a directory tree, never crossing into another filesystem. */
    static void removeTree(Path entry) {
        if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Exec.Result r = Exec.capture(Exec.Command.of("rm", "-rf", "--one-file-system", entry.toString()));
        if (!r.ok()) {
            throw new UncheckedIOException(
                    new IOException("could not remove " + entry + ": " + String.join(" ", r.tail())));
        }
    }
}
