package io.jdib.cli;

import io.jdib.cache.CacheEntry;
import io.jdib.cache.CacheInventory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jdib cache list|prune}: what the image cache holds, and ageing it out. */
@Command(
        name = "cache",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "List or prune the image cache: tree checkpoints, base trees and downloaded packages.",
        subcommands = {CacheCommand.ListEntries.class, CacheCommand.Prune.class})
final class CacheCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The cache directory option, with the builds' default. */
    static final class CacheDir {
        @Option(
                names = "--image-cache",
                paramLabel = "DIR",
                description = "Cache directory (default: $DIB_IMAGE_CACHE or ~/.cache/image-create).")
        Path dir;

        Path resolve() {
            if (dir != null) {
                return dir.toAbsolutePath();
            }
            String env = System.getenv("DIB_IMAGE_CACHE");
            if (env != null && !env.isBlank()) {
                return Path.of(env).toAbsolutePath();
            }
            return Path.of(System.getenv().getOrDefault("HOME", "/root"), ".cache", "image-create");
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Each entry with its size and how long it has been unused.")
    static final class ListEntries implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CacheDir cache;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = cache.resolve();
            List<CacheEntry> entries = new CacheInventory(dir).list();
            Instant now = Instant.now();
            out.printf("%-11s %10s %12s  %s%n", "KIND", "SIZE", "UNUSED FOR", "WHAT");
            for (CacheEntry e : entries) {
                out.printf(
                        "%-11s %10s %12s  %s%n    %s%n",
                        e.kind().label(),
                        size(e.bytes()),
                        CacheInventory.age(e.unusedFor(now)),
                        e.description(),
                        e.path());
            }
            out.println("total "
                    + size(entries.stream().mapToLong(CacheEntry::bytes).sum()) + " in " + entries.size()
                    + " entries under " + dir);
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "prune",
            mixinStandardHelpOptions = true,
            description =
                    "Remove entries unused for their minimum age (1h for checkpoints, 1d for base trees and"
                            + " packages), then the least recently used until --max-size fits. Never what a running build uses.")
    static final class Prune implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CacheDir cache;

        @Option(
                names = "--min-age",
                paramLabel = "AGE",
                description = "Keep entries used within AGE (30m, 12h, 7d; 0 for none), whatever their kind.")
        String minAge;

        @Option(
                names = "--max-size",
                paramLabel = "SIZE",
                description = "Then remove the least recently used entries until the cache fits in SIZE (e.g. 20G).")
        String maxSize;

        @Option(names = "--dry-run", description = "Say what would be removed; remove nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            CacheInventory.Policy policy = new CacheInventory.Policy(
                    minAge == null ? null : CacheInventory.Policy.parseAge(minAge),
                    maxSize == null ? null : CacheInventory.Policy.parseSize(maxSize),
                    dryRun);
            PrintWriter out = spec.commandLine().getOut();
            Path dir = cache.resolve();
            CacheInventory.PruneResult result = new CacheInventory(dir).prune(policy, Instant.now());
            for (CacheInventory.Decision d : result.decisions()) {
                out.printf(
                        "%-14s %-11s %10s  %s (%s)%n",
                        d.removed() ? (dryRun ? "would remove" : "removed") : "kept",
                        d.entry().kind().label(),
                        size(d.entry().bytes()),
                        d.entry().description(),
                        d.why());
            }
            out.println((dryRun ? "would free " : "freed ") + size(result.freedBytes()) + ", kept "
                    + size(result.keptBytes()) + " under " + dir);
            out.flush();
            return 0;
        }
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format("%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format("%.1f MiB", bytes / (double) (1L << 20));
    }
}
