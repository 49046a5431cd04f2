package io.jdib.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving, finding, restoring and pruning checkpoints in a throwaway cache (tar and zstd, no root). */
class CheckpointsTest {
    @TempDir
    Path dir;

    private Path cache;
    private Path tree;
    private Path hooks;

    @BeforeEach
    void tree() throws IOException {
        cache = dir.resolve("cache");
        tree = dir.resolve("tree");
        hooks = dir.resolve("hooks");
        Files.createDirectories(tree.resolve("usr/bin"));
        Files.writeString(tree.resolve("usr/bin/tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(tree.resolve("usr/bin/tool"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createLink(tree.resolve("usr/bin/tool-link"), tree.resolve("usr/bin/tool"));
        Files.createSymbolicLink(tree.resolve("usr/bin/alias"), Path.of("tool"));
        Files.createDirectories(hooks.resolve("install.d"));
        Files.writeString(hooks.resolve("left-by-extra-data"), "data\n");
        Files.createDirectories(hooks.resolve("finalise.d"));
        Files.writeString(hooks.resolve("finalise.d/50-old"), "#!/bin/bash\n");
    }

    private static TreeKey key(String name) {
        return TreeKey.builder().input("test", name).build();
    }

    @Test
    void aSavedTreeIsFoundAndRestoredWithModesLinksAndHookFiles() throws IOException {
        Checkpoints store = new Checkpoints(cache);
        store.save(key("a"), tree, hooks, Set.of("finalise.d"), "test tree");

        Path restored = dir.resolve("restored");
        Path freshHooks = dir.resolve("fresh-hooks");
        Files.createDirectories(restored);
        Files.createDirectories(freshHooks);
        Files.writeString(freshHooks.resolve("left-by-extra-data"), "written by this build\n");
        try (Checkpoints.Held held = store.find(key("a")).orElseThrow()) {
            assertThat(held.facts().description()).isEqualTo("test tree");
            held.restoreInto(restored, freshHooks);
        }
        Path tool = restored.resolve("usr/bin/tool");
        assertThat(Files.readString(tool)).isEqualTo("#!/bin/sh\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tool)))
                .isEqualTo("rwxr-x---");
        assertThat(Files.getAttribute(tool, "unix:nlink")).isEqualTo(2);
        assertThat(Files.isSameFile(tool, restored.resolve("usr/bin/tool-link")))
                .isTrue();
        assertThat(Files.readSymbolicLink(restored.resolve("usr/bin/alias"))).isEqualTo(Path.of("tool"));
        // What this build wrote into its hooks directory wins over the checkpoint's copy.
        assertThat(Files.readString(freshHooks.resolve("left-by-extra-data"))).isEqualTo("written by this build\n");
        assertThat(freshHooks.resolve("install.d")).isDirectory();
        // Hooks of phases after the checkpoint come from this build's elements only: one removed
        // since the checkpoint was saved must not come back.
        assertThat(freshHooks.resolve("finalise.d")).doesNotExist();
    }

    @Test
    void aRefreshReplacesTheSavedCheckpointUnlessABuildHoldsIt() throws IOException {
        Checkpoints store = new Checkpoints(cache);
        store.save(key("r"), tree, hooks, Set.of(), "first");
        // Saving the same key again keeps the first, as when two builds race.
        assertThat(store.save(key("r"), tree, hooks, Set.of(), "second").description())
                .isEqualTo("first");
        // --no-cache replaces it.
        assertThat(store.save(key("r"), tree, hooks, Set.of(), "third", true).description())
                .isEqualTo("third");
        try (Checkpoints.Held held = store.find(key("r")).orElseThrow()) {
            assertThat(held.facts().description()).isEqualTo("third");
            // A build holds it: the refresh keeps it rather than pull it from under that build.
            assertThat(store.save(key("r"), tree, hooks, Set.of(), "fourth", true)
                            .description())
                    .isEqualTo("third");
        }
        assertThat(store.abandoned()).isEmpty();
    }

    @Test
    void anotherKeyIsAMissAndNamesWhatDiffers() {
        Checkpoints store = new Checkpoints(cache);
        store.save(
                TreeKey.builder().input("element", "a 1").input("arch", "amd64").build(), tree, hooks, Set.of(), "t");
        TreeKey other =
                TreeKey.builder().input("element", "a 2").input("arch", "amd64").build();
        assertThat(store.find(other)).isEmpty();
        assertThat(store.closest(other)).contains("element a");
    }

    @Test
    void anUnfinishedWriteIsNeverUsedAndIsPrunedAsAbandoned() throws IOException {
        Checkpoints store = new Checkpoints(cache);
        TreeKey key = key("killed");
        // What a build killed in the middle of writing leaves: its .partial directory, never renamed.
        Path partial = store.root().resolve(Checkpoints.PARTIAL_PREFIX + key.shortDigest() + "-999999999-1");
        Files.createDirectories(partial);
        Files.writeString(partial.resolve(Checkpoints.TREE), "truncated");
        assertThat(store.find(key)).isEmpty();
        assertThat(store.abandoned()).containsExactly(partial);
        // One being written by a live process (this one) is not abandoned.
        Path live = store.root()
                .resolve(Checkpoints.PARTIAL_PREFIX + key.shortDigest() + "-"
                        + ProcessHandle.current().pid() + "-2");
        Files.createDirectories(live);
        assertThat(store.abandoned()).containsExactly(partial);
        Files.delete(live);

        var result = new CacheInventory(cache).prune(new CacheInventory.Policy(null, null, false), Instant.now());
        assertThat(result.decisions())
                .singleElement()
                .satisfies(d -> assertThat(d.entry().kind()).isEqualTo(CacheEntry.Kind.ABANDONED))
                .satisfies(d -> assertThat(d.removed()).isTrue());
        assertThat(partial).doesNotExist();
    }

    @Test
    void twoBuildsSavingTheSameTreeAtOnceLeaveOneCheckpoint() {
        Checkpoints store = new Checkpoints(cache);
        var a = CompletableFuture.supplyAsync(() -> store.save(key("same"), tree, hooks, Set.of(), "a"));
        var b = CompletableFuture.supplyAsync(() -> store.save(key("same"), tree, hooks, Set.of(), "b"));
        assertThat(a.join().digest()).isEqualTo(b.join().digest());
        assertThat(store.all()).hasSize(1);
        assertThat(store.abandoned()).isEmpty();
        assertThat(store.find(key("same"))).isPresent();
    }

    @Test
    void pruneRemovesByAgeAndKeepsWhatABuildHolds() throws IOException {
        Checkpoints store = new Checkpoints(cache);
        store.save(key("old"), tree, hooks, Set.of(), "old");
        store.save(key("held"), tree, hooks, Set.of(), "held");
        store.save(key("recent"), tree, hooks, Set.of(), "recent");
        Instant now = Instant.now();
        age(store.root().resolve(key("old").digest()), now.minus(Duration.ofHours(2)));
        age(store.root().resolve(key("held").digest()), now.minus(Duration.ofHours(3)));

        try (Checkpoints.Held held = store.find(key("held")).orElseThrow()) {
            age(held.dir(), now.minus(Duration.ofHours(3))); // used long ago, but held right now
            var result = new CacheInventory(cache).prune(new CacheInventory.Policy(null, null, false), now);
            assertThat(result.decisions()).hasSize(3);
            assertThat(decision(result, "old").removed()).isTrue();
            assertThat(decision(result, "held").removed()).isFalse();
            assertThat(decision(result, "held").why()).contains("in use");
            assertThat(decision(result, "recent").removed()).isFalse();
        }
        assertThat(store.find(key("old"))).isEmpty();
        assertThat(store.find(key("recent"))).isPresent();
    }

    @Test
    void maxSizeRemovesTheLeastRecentlyUsedFirst() throws IOException {
        Checkpoints store = new Checkpoints(cache);
        Instant now = Instant.now();
        for (int i = 1; i <= 3; i++) {
            store.save(key("c" + i), tree, hooks, Set.of(), "c" + i);
            age(store.root().resolve(key("c" + i).digest()), now.minus(Duration.ofMinutes(10L * (4 - i))));
        }
        long one = new CacheInventory(cache).list().get(0).bytes();
        var result = new CacheInventory(cache).prune(new CacheInventory.Policy(null, one * 2 - 1, false), now);
        // c1 (30 min unused) goes first, then c2; c3 alone fits.
        assertThat(decision(result, "c1").removed()).isTrue();
        assertThat(decision(result, "c2").removed()).isTrue();
        assertThat(decision(result, "c3").removed()).isFalse();
        assertThat(store.all()).hasSize(1);
    }

    @Test
    void aDryRunDecidesButRemovesNothing() throws IOException {
        Checkpoints store = new Checkpoints(cache);
        store.save(key("old"), tree, hooks, Set.of(), "old");
        age(store.root().resolve(key("old").digest()), Instant.now().minus(Duration.ofDays(2)));
        var result = new CacheInventory(cache)
                .prune(new CacheInventory.Policy(Duration.ofHours(1), null, true), Instant.now());
        assertThat(decision(result, "old").removed()).isTrue();
        assertThat(result.freedBytes()).isPositive();
        assertThat(store.find(key("old"))).isPresent();
    }

    @Test
    void baseTreesAndPackagesStayWhileABuildRuns() throws Exception {
        Path base = cache.resolve("debian-minimal/trixie-amd64-abc.tar");
        Path debs = cache.resolve("apt/trixie-amd64");
        Files.createDirectories(base.getParent());
        Files.createDirectories(debs);
        Files.writeString(base, "tar");
        Files.writeString(debs.resolve("curl.deb"), "deb");
        Instant old = Instant.now().minus(Duration.ofDays(3));
        for (Path p : List.of(base, debs, debs.resolve("curl.deb"))) {
            Files.setLastModifiedTime(p, FileTime.from(old));
        }
        Files.setAttribute(base, "lastAccessTime", FileTime.from(old));
        var inventory = new CacheInventory(cache);
        try (AutoCloseable build = CacheInventory.holdForBuild(cache)) {
            var result = inventory.prune(new CacheInventory.Policy(null, null, false), Instant.now());
            assertThat(result.decisions())
                    .hasSize(2)
                    .allSatisfy(d -> assertThat(d.removed()).isFalse());
            assertThat(result.decisions()).allSatisfy(d -> assertThat(d.why()).contains("build is running"));
        }
        var result = inventory.prune(new CacheInventory.Policy(null, null, false), Instant.now());
        assertThat(result.decisions())
                .hasSize(2)
                .allSatisfy(d -> assertThat(d.removed()).isTrue());
        assertThat(base).doesNotExist();
        assertThat(debs).doesNotExist();
    }

    @Test
    void buildsInOneJvmShareTheHoldAndReleaseItWhenTheLastEnds() throws Exception {
        // jdib matrix -j 2 runs two builds in one process: the second must not wait on the first.
        AutoCloseable first = CacheInventory.holdForBuild(cache);
        AutoCloseable second = CacheInventory.holdForBuild(cache);
        first.close();
        assertThat(CacheLock.tryExclusive(cache.resolve(CacheInventory.BUILDS_LOCK)))
                .isEmpty();
        second.close();
        try (CacheLock prune = CacheLock.tryExclusive(cache.resolve(CacheInventory.BUILDS_LOCK))
                .orElseThrow()) {
            assertThat(CacheLock.tryShared(cache.resolve(CacheInventory.BUILDS_LOCK)))
                    .isEmpty();
        }
    }

    @Test
    void aBriefExclusiveHoldLikeADryRunsProbeIsWaitedForNotTakenAsAMiss() throws Exception {
        Checkpoints store = new Checkpoints(cache);
        store.save(key("probed"), tree, hooks, Set.of(), "probed");
        Path lockFile = store.root().resolve(key("probed").digest()).resolve(CacheLock.FILE);
        CacheLock probe = CacheLock.tryExclusive(lockFile).orElseThrow();
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            probe.close();
        });
        release.start();
        try (Checkpoints.Held held = store.find(key("probed")).orElseThrow()) {
            assertThat(held.dir()).isEqualTo(lockFile.getParent());
        }
        release.join();
        // Held exclusively for longer (a prune removing it): a miss.
        try (CacheLock removing = CacheLock.tryExclusive(lockFile).orElseThrow()) {
            assertThat(store.find(key("probed"))).isEmpty();
        }
    }

    @Test
    void twoBuildsInOneJvmBothFindTheCheckpoint() {
        Checkpoints store = new Checkpoints(cache);
        store.save(key("shared"), tree, hooks, Set.of(), "shared");
        try (Checkpoints.Held a = store.find(key("shared")).orElseThrow();
                Checkpoints.Held b = store.find(key("shared")).orElseThrow()) {
            assertThat(a.dir()).isEqualTo(b.dir());
        }
    }

    @Test
    void agesAndSizesParseAndBadOnesSayWhatToGive() {
        assertThat(CacheInventory.Policy.parseAge("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(CacheInventory.Policy.parseAge("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(CacheInventory.Policy.parseAge("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(CacheInventory.Policy.parseAge("0")).isEqualTo(Duration.ZERO);
        assertThat(CacheInventory.Policy.parseSize("20G")).isEqualTo(20L << 30);
        assertThat(CacheInventory.Policy.parseSize("512MiB")).isEqualTo(512L << 20);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CacheInventory.Policy.parseAge("soon"))
                .hasMessageContaining("--min-age 'soon'")
                .hasMessageContaining("7d");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CacheInventory.Policy.parseSize("big"))
                .hasMessageContaining("--max-size 'big'");
    }

    private static CacheInventory.Decision decision(CacheInventory.PruneResult result, String description) {
        Optional<CacheInventory.Decision> found = result.decisions().stream()
                .filter(d -> d.entry().description().equals(description))
                .findFirst();
        return found.orElseThrow(() -> new AssertionError("no decision for " + description + ": " + result));
    }

    private static void age(Path checkpoint, Instant lastUsed) throws IOException {
        Files.setLastModifiedTime(checkpoint.resolve(CacheFiles.LAST_USED), FileTime.from(lastUsed));
        assertThat(Files.exists(checkpoint, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
