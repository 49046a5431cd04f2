package io.jdib.cache;

import io.jdib.sys.EnvironmentError;
import io.jdib.sys.Exec;
import io.jdib.sys.Tar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Built trees kept under the image cache ({@code checkpoints/DIGEST/}), one per {@link TreeKey}. A
 * checkpoint is a tar of the tree (owners, modes, xattrs, ACLs, capabilities, device nodes and hard
 * links kept), the key's inputs and a few facts about it. It appears under its final name only once
 * complete (written aside, then renamed), so a build killed while writing one leaves nothing a later
 * build would use. A build that uses one holds it with a shared lock, so pruning never removes it.
 */
public final class Checkpoints {
    static final String DIR = "checkpoints";
    static final String TREE = "tree.tar.zst";
    /**
     * What hooks up to post-root.d left in $TMP_HOOKS_PATH for later phases; the later phases' own
     * hooks are not in it (each build merges its own).
     */
    static final String HOOKS = "hooks.tar.zst";

    static final String INPUTS = "inputs.txt";
    static final String FACTS = "checkpoint.properties";
    static final String PARTIAL_PREFIX = ".partial-";

    private final Path root;

    public Checkpoints(Path imageCache) {
        this.root = imageCache.resolve(DIR);
    }

    public Path root() {
        return root;
    }

    /** What a checkpoint says of itself: when it was made, for what, and how big its tree is. */
    public record Facts(String digest, Instant created, String description, long treeBytes) {}

    /** A checkpoint held by this build: it cannot be pruned until the hold is closed. */
    public static final class Held implements AutoCloseable {
        private final Path dir;
        private final CacheLock lock;
        private final Facts facts;

        Held(Path dir, CacheLock lock, Facts facts) {
            this.dir = dir;
            this.lock = lock;
            this.facts = facts;
        }

        public Path dir() {
            return dir;
        }

        public Facts facts() {
            return facts;
        }

        /**
         * Unpacks the tree into {@code target} (an empty directory), and adds to {@code hooksDir} what
         * the hooks had left there; files jdib has just written there are kept as they are.
         */
        public void restoreInto(Path target, Path hooksDir) {
            extract(dir.resolve(TREE), target);
            if (Files.isRegularFile(dir.resolve(HOOKS))) {
                extract(dir.resolve(HOOKS), hooksDir, "--skip-old-files");
            }
        }

        private void extract(Path archive, Path target, String... extra) {
            List<String> argv = new ArrayList<>(List.of(
                    "tar",
                    "--extract",
                    "--use-compress-program=zstd -d -T0",
                    "--file",
                    archive.toString(),
                    "--directory",
                    target.toString(),
                    "--same-owner",
                    "--preserve-permissions"));
            argv.addAll(Tar.KEEP_EVERYTHING);
            argv.addAll(List.of(extra));
            Exec.Result r = Exec.capture(Exec.Command.of(argv));
            if (!r.ok()) {
                throw new EnvironmentError("could not restore checkpoint " + dir + ": " + String.join(" ", r.tail())
                        + "; rebuild with --no-cache, or remove it with: jdib cache prune --min-age 0");
            }
        }

        @Override
        public void close() {
            lock.close();
        }
    }

    private static final int EXCLUSIVE_RETRIES = 20;
    private static final long EXCLUSIVE_RETRY_MILLIS = 100;

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.jdib.sys.Interrupted("interrupted while waiting for a checkpoint's lock");
        }
    }

    /**
     * The checkpoint for {@code key}, held, with its last use set to now; empty when there is none,
     * or it is incomplete or being removed.
     */
    public Optional<Held> find(TreeKey key) {
        Path dir = root.resolve(key.digest());
        if (!Files.isRegularFile(dir.resolve(TREE)) || !Files.isRegularFile(dir.resolve(FACTS))) {
            return Optional.empty();
        }
        Optional<CacheLock> lock = CacheLock.tryShared(dir.resolve(CacheLock.FILE));
        // An exclusive hold is brief: a prune removing it, or only looking (--dry-run). Ask again for
        // a moment before taking it as gone; if it was removed, the tree is gone below.
        for (int tries = 0; lock.isEmpty() && tries < EXCLUSIVE_RETRIES; tries++) {
            sleep(EXCLUSIVE_RETRY_MILLIS);
            lock = CacheLock.tryShared(dir.resolve(CacheLock.FILE));
        }
        if (lock.isEmpty()) {
            return Optional.empty(); // held exclusively all along: it is going away
        }
        if (!Files.isRegularFile(dir.resolve(TREE))) {
            lock.get().close();
            return Optional.empty();
        }
        markUsed(dir);
        return Optional.of(new Held(dir, lock.get(), readFacts(dir)));
    }

    /**
     * Saves {@code tree} as the checkpoint for {@code key}; when another build saved the same key
     * meanwhile, keeps theirs. Returns the checkpoint's facts.
     */
    public Facts save(TreeKey key, Path tree, Path hooksDir, Set<String> laterHooks, String description) {
        return save(key, tree, hooksDir, laterHooks, description, false);
    }

    /**
     * As above; with {@code replace} ({@code --no-cache}), a checkpoint already saved under the key is
     * replaced by this one unless a running build holds it.
     */
    public Facts save(
            TreeKey key, Path tree, Path hooksDir, Set<String> laterHooks, String description, boolean replace) {
        Path partial = root.resolve(PARTIAL_PREFIX + key.shortDigest() + "-"
                + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Path dir = root.resolve(key.digest());
        try {
            Files.createDirectories(partial);
            archive(tree, partial.resolve(TREE), Set.of());
            archive(hooksDir, partial.resolve(HOOKS), laterHooks);
            Files.writeString(partial.resolve(INPUTS), String.join("\n", key.inputs()) + "\n");
            Facts facts = new Facts(key.digest(), Instant.now(), description, Files.size(partial.resolve(TREE)));
            writeFacts(partial, facts);
            Files.writeString(partial.resolve(CacheLock.FILE), "");
            markUsed(partial);
            if (replace) {
                setAside(dir);
            }
            try {
                Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new EnvironmentError("cannot rename within " + root + ": " + e.getMessage());
            } catch (IOException e) {
                if (!Files.isRegularFile(dir.resolve(FACTS))) {
                    throw e;
                }
                CacheFiles.removeTree(partial); // another build saved the same tree first: rename(2) said ENOTEMPTY
                return readFacts(dir);
            }
            return facts;
        } catch (IOException e) {
            CacheFiles.removeTree(partial);
            throw new UncheckedIOException("could not write a checkpoint under " + root + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            CacheFiles.removeTree(partial);
            throw e;
        }
    }

    /**
     * Moves the checkpoint in {@code dir} out of the way (renamed as an abandoned partial, then
     * removed), when no build holds it; a held one stays, and the caller keeps it.
     */
    private void setAside(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Optional<CacheLock> lock = CacheLock.tryExclusive(dir.resolve(CacheLock.FILE));
        if (lock.isEmpty()) {
            return;
        }
        Path aside = root.resolve(PARTIAL_PREFIX + "replaced-" + dir.getFileName() + "-"
                + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try (CacheLock held = lock.get()) {
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        CacheFiles.removeTree(aside);
    }

    /** A tar of {@code from}, without its top-level entries named in {@code leaveOut}. */
    private static void archive(Path from, Path archive, Set<String> leaveOut) {
        List<String> argv = new ArrayList<>(List.of(
                "tar",
                "--create",
                "--use-compress-program=zstd -1 -T0",
                "--file",
                archive.toString(),
                "--directory",
                from.toString(),
                "--sparse",
                "--one-file-system"));
        argv.addAll(Tar.KEEP_EVERYTHING);
        leaveOut.stream().sorted().forEach(name -> argv.add("--exclude=./" + name));
        argv.add(".");
        Exec.Result r = Exec.capture(Exec.Command.of(argv));
        if (!r.ok()) {
            throw new EnvironmentError("could not write a checkpoint of " + from + ": " + String.join(" ", r.tail()));
        }
    }

    /**
     * For a key with no checkpoint: the inputs in which the most similar checkpoint differs (an
     * element's name, a variable's name), so the log can say why this build starts from scratch.
     */
    public Optional<String> closest(TreeKey key) {
        java.util.Set<String> wanted = new java.util.LinkedHashSet<>(key.inputs());
        List<String> best = null;
        for (Path dir : all()) {
            List<String> theirs;
            try {
                theirs = Files.readAllLines(dir.resolve(INPUTS));
            } catch (IOException e) {
                continue;
            }
            java.util.Set<String> differ = new java.util.TreeSet<>();
            java.util.Set<String> theirSet = new java.util.HashSet<>(theirs);
            wanted.stream()
                    .filter(l -> !theirSet.contains(l))
                    .map(Checkpoints::inputName)
                    .forEach(differ::add);
            theirs.stream()
                    .filter(l -> !wanted.contains(l))
                    .map(Checkpoints::inputName)
                    .forEach(differ::add);
            if (best == null || differ.size() < best.size()) {
                best = List.copyOf(differ);
            }
        }
        if (best == null || best.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.join(", ", best.subList(0, Math.min(5, best.size())))
                + (best.size() > 5 ? " and " + (best.size() - 5) + " more" : ""));
    }

    /** "element cloud-init", "env DIB_RELEASE", "packages": an input line without its value. */
    static String inputName(String line) {
        String[] words = line.split(" ", 3);
        if (words[0].equals("env") || words[0].equals("env-file")) {
            return "variable " + words[1].split("=", 2)[0];
        }
        return words[0].equals("element") && words.length > 1 ? "element " + words[1] : words[0];
    }

    /** Every complete checkpoint's directory. */
    public List<Path> all() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (var list = Files.list(root)) {
            list.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isRegularFile(p.resolve(FACTS)))
                    .sorted()
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Checkpoints whose writer died before it finished ({@code .partial-*} of a process that is gone). */
    public List<Path> abandoned() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (var list = Files.list(root)) {
            list.filter(p -> p.getFileName().toString().startsWith(PARTIAL_PREFIX))
                    .filter(p -> !writerAlive(p))
                    .sorted()
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Removes what {@link #abandoned()} lists; returns how many. */
    public int removeAbandoned() {
        List<Path> gone = abandoned();
        gone.forEach(CacheFiles::removeTree);
        return gone.size();
    }

    private static boolean writerAlive(Path partial) {
        String[] parts = partial.getFileName().toString().split("-");
        try {
            long pid = Long.parseLong(parts[2]);
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    static Facts readFacts(Path dir) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve(FACTS), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Facts(
                p.getProperty("digest", dir.getFileName().toString()),
                Instant.parse(p.getProperty("created", Instant.EPOCH.toString())),
                p.getProperty("description", ""),
                Long.parseLong(p.getProperty("treeBytes", "0")));
    }

    private static void writeFacts(Path dir, Facts facts) throws IOException {
        Properties p = new Properties();
        p.setProperty("digest", facts.digest());
        p.setProperty("created", facts.created().toString());
        p.setProperty("description", facts.description());
        p.setProperty("treeBytes", Long.toString(facts.treeBytes()));
        try (var out = Files.newBufferedWriter(dir.resolve(FACTS), StandardCharsets.UTF_8)) {
            p.store(out, "jdib checkpoint");
        }
    }

    /** The last use is the mtime of {@code last-used}; the tree itself keeps its own times. */
    static void markUsed(Path dir) {
        Path stamp = dir.resolve(CacheFiles.LAST_USED);
        try {
            if (!Files.exists(stamp)) {
                Files.writeString(stamp, "");
            }
            Files.setLastModifiedTime(stamp, FileTime.from(Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
