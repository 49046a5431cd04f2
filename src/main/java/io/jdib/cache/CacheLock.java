package io.jdib.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An advisory lock on a cache entry's lock file: builds hold it shared while they use the entry,
 * pruning takes it exclusive and skips the entry when it cannot. The kernel drops the lock when the
 * process dies, so a killed build never pins an entry for ever.
 */
final class CacheLock implements AutoCloseable {
    static final String FILE = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private CacheLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** A shared hold, or empty when someone holds it exclusively (it is being removed). */
    static Optional<CacheLock> tryShared(Path file) {
        return tryLock(file, true);
    }

    /** An exclusive hold, or empty when anyone holds it at all (a build uses the entry). */
    static Optional<CacheLock> tryExclusive(Path file) {
        return tryLock(file, false);
    }

    private static Optional<CacheLock> tryLock(Path file, boolean shared) {
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, shared);
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new CacheLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            // This JVM already holds it (a build and a prune in one process): in use.
            closeQuietly(channel);
            return Optional.empty();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held yet
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
