package io.jdib.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the image cache holds (checkpoints, base trees, package caches) and pruning it by age and
 * size, as nova ages its image cache: an entry unused for its minimum age may go, the total may be
 * capped, and nothing a running build uses is removed.
 *
 * <p>Checkpoints are held one by one ({@link Checkpoints.Held}); base trees and package caches are
 * used by hooks jdib cannot follow, so a running build holds them all at once through
 * {@link #holdForBuild}, and a prune leaves them alone while any build runs.
 */
public final class CacheInventory {
    static final String BUILDS_LOCK = ".builds.lock";

    private final Path cache;
    private final Checkpoints checkpoints;

    public CacheInventory(Path imageCache) {
        this.cache = imageCache;
        this.checkpoints = new Checkpoints(imageCache);
    }

    /** What a build holds for its whole run; closing it lets a prune remove base trees and packages again. */
    public interface BuildHold extends AutoCloseable {
        @Override
        void close();
    }

    /** Held by a build for its whole run: base trees and package caches stay while it lasts. */
    public static BuildHold holdForBuild(Path imageCache) {
        Optional<CacheLock> lock = CacheLock.tryShared(imageCache.resolve(BUILDS_LOCK));
        // A prune holds it for moments at a time; a build that cannot get it waits for it.
        while (lock.isEmpty()) {
            sleep();
            lock = CacheLock.tryShared(imageCache.resolve(BUILDS_LOCK));
        }
        return lock.get()::close;
    }

    /** Every entry, largest kind first: checkpoints, base trees, package caches, abandoned writes. */
    public List<CacheEntry> list() {
        List<CacheEntry> out = new ArrayList<>();
        for (Path dir : checkpoints.all()) {
            Checkpoints.Facts facts = Checkpoints.readFacts(dir);
            out.add(new CacheEntry(
                    CacheEntry.Kind.CHECKPOINT,
                    dir,
                    CacheFiles.bytes(dir),
                    lastUsed(dir.resolve(CacheFiles.LAST_USED), facts.created()),
                    facts.description()));
        }
        for (Path partial : checkpoints.abandoned()) {
            out.add(new CacheEntry(
                    CacheEntry.Kind.ABANDONED,
                    partial,
                    CacheFiles.bytes(partial),
                    CacheFiles.newestTime(partial),
                    "checkpoint left unfinished by a build that was stopped"));
        }
        for (Path tarball : children(cache.resolve("debian-minimal"))) {
            if (Files.isRegularFile(tarball) && tarball.getFileName().toString().endsWith(".tar")) {
                out.add(new CacheEntry(
                        CacheEntry.Kind.BASE_TREE,
                        tarball,
                        CacheFiles.bytes(tarball),
                        accessedOrModified(tarball),
                        "Debian bootstrap " + tarball.getFileName()));
            }
        }
        for (Path dir : children(cache.resolve("apt"))) {
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                out.add(new CacheEntry(
                        CacheEntry.Kind.PACKAGES,
                        dir,
                        CacheFiles.bytes(dir),
                        CacheFiles.newestTime(dir),
                        "downloaded packages for " + dir.getFileName()));
            }
        }
        return out;
    }

    /**
     * How to prune.
     *
     * @param minAge entries unused for less than this stay; null: each kind's default
     * @param maxBytes after ageing, the least recently used entries go until the total fits; null: no cap
     * @param dryRun decide, but remove nothing
     */
    public record Policy(Duration minAge, Long maxBytes, boolean dryRun) {
        Duration minAgeOf(CacheEntry.Kind kind) {
            return minAge != null ? minAge : kind.defaultMinAge();
        }

        /** "0", "90s", "30m", "12h", "7d": a minimum age; anything else is a one-line error. */
        public static Duration parseAge(String text) {
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("(\\d+)([smhd]?)").matcher(text.trim());
            if (!m.matches()) {
                throw new io.jdib.sys.UserError(
                        "--min-age '" + text + "' is not an age; give a number with s, m, h or d, e.g. 12h or 7d");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
        }

        /** "500M", "20G", "1T", "4096" (bytes): a size cap; anything else is a one-line error. */
        public static long parseSize(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([KMGT]?)(i?B)?")
                    .matcher(text.trim().toUpperCase(java.util.Locale.ROOT).replace("IB", "iB"));
            if (!m.matches()) {
                throw new io.jdib.sys.UserError(
                        "--max-size '" + text + "' is not a size; give a number with K, M, G or T, e.g. 20G");
            }
            int shift = switch (m.group(2)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                case "T" -> 40;
                default -> 0;
            };
            return Long.parseLong(m.group(1)) << shift;
        }
    }

    /** What pruning did (or would do) with one entry, and why. */
    public record Decision(CacheEntry entry, boolean removed, String why) {}

    /** The decisions, in the order of {@link #list()}. */
    public record PruneResult(List<Decision> decisions) {
        public long freedBytes() {
            return decisions.stream()
                    .filter(Decision::removed)
                    .mapToLong(d -> d.entry().bytes())
                    .sum();
        }

        public long keptBytes() {
            return decisions.stream()
                    .filter(d -> !d.removed())
                    .mapToLong(d -> d.entry().bytes())
                    .sum();
        }
    }

    public PruneResult prune(Policy policy, Instant now) {
        List<CacheEntry> entries = list();
        Map<CacheEntry, Decision> decided = new HashMap<>();
        Optional<CacheLock> noBuilds = CacheLock.tryExclusive(cache.resolve(BUILDS_LOCK));
        try {
            // First by age: each entry unused for its minimum age goes, unless a build holds it.
            for (CacheEntry entry : entries) {
                Duration unused = entry.unusedFor(now);
                if (unused.compareTo(policy.minAgeOf(entry.kind())) >= 0) {
                    decided.put(entry, remove(entry, policy, noBuilds.isPresent(), "unused for " + age(unused)));
                }
            }
            // Then by size: the least recently used of the rest go until the total fits.
            long total = entries.stream()
                    .filter(e -> !decided.containsKey(e) || !decided.get(e).removed())
                    .mapToLong(CacheEntry::bytes)
                    .sum();
            List<CacheEntry> undecided = entries.stream()
                    .filter(e -> !decided.containsKey(e))
                    .sorted(Comparator.comparing(CacheEntry::lastUsed))
                    .toList();
            for (CacheEntry entry : undecided) {
                Decision d = policy.maxBytes() != null && total > policy.maxBytes()
                        ? remove(entry, policy, noBuilds.isPresent(), "over --max-size, least recently used")
                        : new Decision(
                                entry, false, "used " + age(entry.unusedFor(now)) + " ago, within its minimum age");
                if (d.removed()) {
                    total -= entry.bytes();
                }
                decided.put(entry, d);
            }
        } finally {
            noBuilds.ifPresent(CacheLock::close);
        }
        return new PruneResult(entries.stream().map(decided::get).toList());
    }

    private Decision remove(CacheEntry entry, Policy policy, boolean noBuildRunning, String why) {
        switch (entry.kind()) {
            case CHECKPOINT -> {
                Optional<CacheLock> lock = CacheLock.tryExclusive(entry.path().resolve(CacheLock.FILE));
                if (lock.isEmpty()) {
                    return new Decision(entry, false, "in use by a running build");
                }
                try (CacheLock held = lock.get()) {
                    if (!policy.dryRun()) {
                        CacheFiles.removeTree(entry.path());
                    }
                }
            }
            case BASE_TREE, PACKAGES -> {
                if (!noBuildRunning) {
                    return new Decision(entry, false, "a build is running and may use it");
                }
                if (!policy.dryRun()) {
                    CacheFiles.removeTree(entry.path());
                }
            }
            case ABANDONED -> {
                if (!policy.dryRun()) {
                    CacheFiles.removeTree(entry.path());
                }
            }
        }
        return new Decision(entry, true, why);
    }

    /** "3d 4h", "2h 5m", "40s": the two largest units. */
    public static String age(Duration d) {
        long s = d.toSeconds();
        if (s >= 86_400) {
            return (s / 86_400) + "d " + (s % 86_400) / 3600 + "h";
        }
        if (s >= 3600) {
            return (s / 3600) + "h " + (s % 3600) / 60 + "m";
        }
        if (s >= 60) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        return s + "s";
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var list = Files.list(dir)) {
            return list.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant lastUsed(Path stamp, Instant fallback) {
        try {
            return Files.getLastModifiedTime(stamp).toInstant();
        } catch (IOException e) {
            return fallback;
        }
    }

    /** A base tarball's mtime says when it was made (its freshness); its atime, set at each use, when used. */
    private static Instant accessedOrModified(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            Instant atime = a.lastAccessTime().toInstant();
            Instant mtime = a.lastModifiedTime().toInstant();
            return atime.isAfter(mtime) ? atime : mtime;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.jdib.sys.Interrupted("interrupted while waiting for a cache prune to finish");
        }
    }
}
