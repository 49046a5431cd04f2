package io.jdib.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An advisory lock on a cache entry's lock file: builds hold it shared while they use the entry,
 * pruning takes it exclusive and skips the entry when it cannot. The kernel drops the lock when the
 * process dies, so a killed build never pins an entry for ever.
 */
final class CacheLock implements AutoCloseable {
    static final String FILE = "lock";

    /**
     * Shared holds taken by this JVM, by lock file: the kernel's lock belongs to the process, so
     * several builds in one JVM ({@code jdib matrix -j 2}) share one lock and count their holds.
     */
    private static final Map<Path, Shared> SHARED = new HashMap<>();

    private record Shared(FileChannel channel, FileLock lock, int holders) {}

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private CacheLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** A shared hold, or empty when someone holds it exclusively (it is being removed). */
    static Optional<CacheLock> tryShared(Path file) {
        Path key = file.toAbsolutePath().normalize();
        synchronized (SHARED) {
            Shared held = SHARED.get(key);
            if (held != null) {
                SHARED.put(key, new Shared(held.channel(), held.lock(), held.holders() + 1));
                return Optional.of(new CacheLock(key, null, null));
            }
            Optional<CacheLock> taken = tryLock(key, true);
            taken.ifPresent(l -> SHARED.put(key, new Shared(l.channel, l.lock, 1)));
            return taken.map(l -> new CacheLock(key, null, null));
        }
    }

    /** An exclusive hold, or empty when anyone holds it at all (a build uses the entry). */
    static Optional<CacheLock> tryExclusive(Path file) {
        Path key = file.toAbsolutePath().normalize();
        synchronized (SHARED) {
            if (SHARED.containsKey(key)) {
                return Optional.empty();
            }
            return tryLock(key, false);
        }
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
            return Optional.of(new CacheLock(file, channel, lock));
        } catch (OverlappingFileLockException e) {
            // This JVM holds it exclusively (a prune in progress): not available.
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
        if (closed) {
            return;
        }
        closed = true;
        if (lock != null) {
            release(channel, lock); // an exclusive hold
            return;
        }
        synchronized (SHARED) {
            Shared held = SHARED.get(file);
            if (held == null) {
                return;
            }
            if (held.holders() > 1) {
                SHARED.put(file, new Shared(held.channel(), held.lock(), held.holders() - 1));
            } else {
                SHARED.remove(file);
                release(held.channel(), held.lock());
            }
        }
    }

    private static void release(FileChannel channel, FileLock lock) {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
