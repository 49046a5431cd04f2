package io.jdib.ramdisk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The files a set of executables needs to run inside a root tree (a chroot): the executables,
 * their ELF interpreter, every library reached through DT_NEEDED, and every symlink passed on the
 * way, all resolved <em>inside</em> the tree the way glibc's loader would there.
 *
 * <p>Libraries are searched in DT_RPATH (of the object and its loaders, when the object has no
 * DT_RUNPATH) or DT_RUNPATH, then the directories of the tree's {@code /etc/ld.so.conf} (with
 * {@code include} globs), then the multiarch, lib64/lib32 and plain lib directories for the
 * object's machine. Candidates of another ELF class, byte order or machine are skipped. Symlinks
 * are followed inside the tree: an absolute target is taken relative to the tree root, and
 * {@code ..} never leaves it, so nothing of the host is read unless the tree is {@code /}.
 *
 * <pre>{@code
 * Closure c = ElfDependencies.of(chroot).closure(List.of("bash", "/sbin/blkid"), "element foo");
 * c.all(); // [bin, lib, lib64, usr/bin/bash, usr/lib/x86_64-linux-gnu/libc.so.6, ...]
 * }</pre>
 */
public final class ElfDependencies {

    /** PATH used to find executables given by bare name. */
    public static final List<String> EXECUTABLE_PATH =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private static final int MAX_SYMLINKS = 40;

    /**
     * What to copy, as paths relative to the tree root. Every parent of these paths is a real
     * directory in the tree; symlinks that were passed (including directory symlinks like
     * {@code lib -> usr/lib}) are listed so the copy resolves the same way.
     *
     * @param files regular files
     * @param symlinks symbolic links
     * @param executables each requested executable and the tree path it was found at
     */
    public record Closure(SortedSet<Path> files, SortedSet<Path> symlinks, Map<String, String> executables) {
        public Closure {
            files = Collections.unmodifiableSortedSet(new TreeSet<>(files));
            symlinks = Collections.unmodifiableSortedSet(new TreeSet<>(symlinks));
            executables = Collections.unmodifiableMap(new LinkedHashMap<>(executables));
        }

        /** Files and symlinks together, sorted. */
        public SortedSet<Path> all() {
            TreeSet<Path> all = new TreeSet<>(files);
            all.addAll(symlinks);
            return Collections.unmodifiableSortedSet(all);
        }
    }

    private final Path root;
    private final List<String> ldSoConfDirs;

    private ElfDependencies(Path root, List<String> ldSoConfDirs) {
        this.root = root;
        this.ldSoConfDirs = List.copyOf(ldSoConfDirs);
    }

    /** Reads the tree's {@code /etc/ld.so.conf} (a missing one is fine). */
    public static ElfDependencies of(Path root) throws IOException {
        Path real = root.toRealPath();
        if (!Files.isDirectory(real)) {
            throw new IOException("not a directory: " + root);
        }
        ElfDependencies partial = new ElfDependencies(real, List.of());
        LinkedHashSet<String> dirs = new LinkedHashSet<>();
        partial.parseLdSoConf("/etc/ld.so.conf", dirs, new HashSet<>());
        return new ElfDependencies(real, new ArrayList<>(dirs));
    }

    public Path root() {
        return root;
    }

    /** The directories from the tree's ld.so.conf, in order. */
    public List<String> ldSoConfDirs() {
        return ldSoConfDirs;
    }

    /**
     * The closure of {@code executables}: absolute tree paths ({@code /usr/bin/bash}) or bare
     * names looked up on {@link #EXECUTABLE_PATH}. Scripts bring their {@code #!} interpreter.
     *
     * @param context who asked, named in errors (e.g. "element dhcp-all-interfaces")
     * @throws MissingDependencyException when an executable, interpreter or library is missing
     * @throws IOException when the tree cannot be read or a file is a malformed ELF file
     */
    public Closure closure(Collection<String> executables, String context) throws IOException {
        Walk w = new Walk(context);
        for (String exe : executables) {
            String located = w.addExecutable(exe, null);
            w.executables.put(exe, located);
        }
        return new Closure(w.files, w.symlinks, w.executables);
    }

    /** The directories searched for a library needed by a file of {@code kind}, after RPATH. */
    public List<String> defaultSearchPath(ElfFile kind) {
        LinkedHashSet<String> dirs = new LinkedHashSet<>(ldSoConfDirs);
        dirs.addAll(systemDirs(kind));
        return new ArrayList<>(dirs);
    }

    static List<String> systemDirs(ElfFile kind) {
        List<String> dirs = new ArrayList<>();
        for (String triplet : triplets(kind)) {
            dirs.add("/lib/" + triplet);
            dirs.add("/usr/lib/" + triplet);
        }
        if (kind.is64()) {
            dirs.add("/lib64");
            dirs.add("/usr/lib64");
        } else {
            dirs.add("/lib32");
            dirs.add("/usr/lib32");
        }
        dirs.add("/lib");
        dirs.add("/usr/lib");
        return dirs;
    }

    /** Debian multiarch tuples for an ELF kind. */
    static List<String> triplets(ElfFile k) {
        boolean b = k.bigEndian();
        return switch (k.machine()) {
            case 62 -> List.of(k.is64() ? "x86_64-linux-gnu" : "x86_64-linux-gnux32");
            case 3 -> List.of("i386-linux-gnu");
            case 183 -> List.of(b ? "aarch64_be-linux-gnu" : "aarch64-linux-gnu");
            case 40 -> List.of("arm-linux-gnueabihf", "arm-linux-gnueabi");
            case 21 -> List.of(b ? "powerpc64-linux-gnu" : "powerpc64le-linux-gnu");
            case 20 -> List.of("powerpc-linux-gnu");
            case 22 -> List.of(k.is64() ? "s390x-linux-gnu" : "s390-linux-gnu");
            case 243 -> List.of(k.is64() ? "riscv64-linux-gnu" : "riscv32-linux-gnu");
            case 258 -> List.of("loongarch64-linux-gnu");
            case 8 ->
                k.is64()
                        ? List.of(b ? "mips64-linux-gnuabi64" : "mips64el-linux-gnuabi64")
                        : List.of(b ? "mips-linux-gnu" : "mipsel-linux-gnu");
            default -> List.of();
        };
    }

    // --- one closure computation ---

    /** An object on the load chain: its ELF data and the directory $ORIGIN expands to. */
    private record Loaded(String path, ElfFile elf, String origin) {}

    private final class Walk {
        final String context;
        final SortedSet<Path> files = new TreeSet<>();
        final SortedSet<Path> symlinks = new TreeSet<>();
        final Map<String, String> executables = new LinkedHashMap<>();
        final Set<Path> visited = new HashSet<>();

        Walk(String context) {
            this.context = context;
        }

        /** Adds an executable (and its interpreter chain); returns the tree path it was found at. */
        String addExecutable(String name, String neededBy) throws IOException {
            List<String> candidates = new ArrayList<>();
            if (name.contains("/")) {
                candidates.add(name.startsWith("/") ? name : "/" + name);
            } else {
                for (String dir : EXECUTABLE_PATH) {
                    candidates.add(dir + "/" + name);
                }
            }
            for (String candidate : candidates) {
                Set<Path> links = new LinkedHashSet<>();
                Path rel = resolve(candidate, links);
                if (rel != null && isRegular(rel)) {
                    symlinks.addAll(links);
                    addObject(rel, candidate, List.of(), true);
                    return candidate;
                }
            }
            throw new MissingDependencyException(context, neededBy, name, candidates, List.of(), root);
        }

        private void addObject(Path rel, String loadedAs, List<Loaded> chain, boolean executable) throws IOException {
            if (!visited.add(rel)) {
                return;
            }
            files.add(rel);
            Path host = host(rel);
            Optional<ElfFile> read = ElfFile.read(host);
            String shown = "/" + rel;
            if (read.isEmpty()) {
                if (executable) {
                    String interp = shebang(host);
                    if (interp != null) {
                        addExecutable(interp, shown);
                    }
                }
                return;
            }
            ElfFile elf = read.get();
            if (elf.interpreter() != null) {
                Set<Path> links = new LinkedHashSet<>();
                Path interp = resolve(elf.interpreter(), links);
                if (interp == null || !isRegular(interp)) {
                    throw new MissingDependencyException(
                            context,
                            shown,
                            elf.interpreter() + " (ELF interpreter)",
                            List.of(elf.interpreter()),
                            List.of(),
                            root);
                }
                symlinks.addAll(links);
                addObject(interp, elf.interpreter(), List.of(), false);
            }
            // glibc takes $ORIGIN of the main program from /proc/self/exe (its real path), of a
            // library from the path it was opened as.
            String origin = parent(executable ? shown : loadedAs);
            List<Loaded> next = new ArrayList<>(chain);
            next.add(new Loaded(shown, elf, origin));
            for (String needed : elf.needed()) {
                Found found = findLibrary(needed, next, shown);
                symlinks.addAll(found.links);
                addObject(found.rel, found.loadedAs, next, false);
            }
        }

        private record Found(Path rel, String loadedAs, Set<Path> links) {}

        private Found findLibrary(String name, List<Loaded> chain, String neededBy) throws IOException {
            Loaded self = chain.get(chain.size() - 1);
            List<String> dirs = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            List<String> candidates = new ArrayList<>();
            if (name.contains("/")) {
                candidates.add(name.startsWith("/") ? name : "/" + name);
            } else {
                if (!self.elf().runpath().isEmpty()) {
                    dirs.addAll(expand(self.elf().runpath(), self.origin()));
                } else {
                    for (int i = chain.size() - 1; i >= 0; i--) {
                        Loaded l = chain.get(i);
                        if (l.elf().runpath().isEmpty()) {
                            dirs.addAll(expand(l.elf().rpath(), l.origin()));
                        }
                    }
                }
                dirs.addAll(defaultSearchPath(self.elf()));
                for (String dir : new LinkedHashSet<>(dirs)) {
                    candidates.add(dir.endsWith("/") ? dir + name : dir + "/" + name);
                }
            }
            for (String candidate : candidates) {
                Set<Path> links = new LinkedHashSet<>();
                Path rel = resolve(candidate, links);
                if (rel == null || !isRegular(rel)) {
                    continue;
                }
                Optional<ElfFile> lib = ElfFile.read(host(rel));
                if (lib.isEmpty()) {
                    skipped.add(candidate + " (not ELF)");
                } else if (!lib.get().compatibleWith(self.elf())) {
                    skipped.add(candidate + " (" + lib.get().kind() + ")");
                } else {
                    return new Found(rel, candidate, links);
                }
            }
            List<String> searched = name.contains("/") ? candidates : new ArrayList<>(new LinkedHashSet<>(dirs));
            throw new MissingDependencyException(context, neededBy, name, searched, skipped, root);
        }
    }

    private static List<String> expand(List<String> entries, String origin) {
        List<String> out = new ArrayList<>();
        for (String e : entries) {
            String x = e.replace("${ORIGIN}", origin).replace("$ORIGIN", origin);
            if (x.contains("$")) {
                continue; // $LIB, $PLATFORM: not expanded (see caveats in the class doc)
            }
            out.add(x.startsWith("/") ? x : "/" + x);
        }
        return out;
    }

    private static String parent(String absPath) {
        int slash = absPath.lastIndexOf('/');
        return slash <= 0 ? "/" : absPath.substring(0, slash);
    }

    private String shebang(Path host) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(host)) {
            head = in.readNBytes(256);
        }
        if (head.length < 3 || head[0] != '#' || head[1] != '!') {
            return null;
        }
        String line = new String(head, 2, head.length - 2, StandardCharsets.UTF_8);
        int nl = line.indexOf('\n');
        line = (nl >= 0 ? line.substring(0, nl) : line).strip();
        if (line.isEmpty()) {
            return null;
        }
        String interp = line.split("[ \t]+")[0];
        return interp.startsWith("/") ? interp : null;
    }

    // --- the tree's file system, never the host's ---

    private Path host(Path rel) {
        return rel.toString().isEmpty() ? root : root.resolve(rel);
    }

    private boolean isRegular(Path rel) {
        return Files.isRegularFile(host(rel), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Resolves an absolute path inside the tree, following symlinks as the tree's kernel would if
     * the tree were root. Returns the path relative to the root with no symlink in it, or null when
     * a component is missing or not a directory; every symlink passed is added to {@code links}.
     */
    Path resolve(String path, Set<Path> links) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        for (String c : path.split("/")) {
            todo.addLast(c);
        }
        List<String> cur = new ArrayList<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!cur.isEmpty()) {
                    cur.remove(cur.size() - 1);
                }
                continue;
            }
            cur.add(c);
            Path rel = Path.of(String.join("/", cur));
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(root.resolve(rel), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return null;
            }
            if (a.isSymbolicLink()) {
                if (++hops > MAX_SYMLINKS) {
                    throw new IOException("too many levels of symbolic links resolving " + path + " in tree " + root);
                }
                links.add(rel);
                cur.remove(cur.size() - 1);
                String target = Files.readSymbolicLink(root.resolve(rel)).toString();
                if (target.startsWith("/")) {
                    cur.clear();
                }
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    todo.addFirst(parts[i]);
                }
            } else if (!a.isDirectory() && !todo.isEmpty()) {
                return null;
            }
        }
        return Path.of(String.join("/", cur));
    }

    // --- ld.so.conf ---

    private void parseLdSoConf(String file, Set<String> dirs, Set<Path> seen) throws IOException {
        Path rel = resolve(file, new HashSet<>());
        if (rel == null || !isRegular(rel) || !seen.add(rel)) {
            return;
        }
        String confDir = parent(file);
        for (String raw : Files.readAllLines(host(rel), StandardCharsets.UTF_8)) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("[\\s:,]+");
            if (words[0].equals("include")) {
                for (int i = 1; i < words.length; i++) {
                    String pattern = words[i].startsWith("/") ? words[i] : confDir + "/" + words[i];
                    for (String match : glob(pattern)) {
                        parseLdSoConf(match, dirs, seen);
                    }
                }
            } else if (words[0].equals("hwcap")) {
                continue;
            } else {
                for (String w : words) {
                    if (w.isEmpty()) {
                        continue;
                    }
                    int eq = w.indexOf('='); // libc5-era "dir=TYPE"
                    String dir = eq >= 0 ? w.substring(0, eq) : w;
                    if (dir.startsWith("/")) {
                        dirs.add(dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir);
                    }
                }
            }
        }
    }

    /** Expands a glob in the last component of an absolute tree path; sorted like glob(3). */
    private List<String> glob(String pattern) throws IOException {
        String dir = parent(pattern);
        String filePattern = pattern.substring(pattern.lastIndexOf('/') + 1);
        if (!filePattern.contains("*") && !filePattern.contains("?") && !filePattern.contains("[")) {
            return List.of(pattern);
        }
        Path relDir = resolve(dir, new HashSet<>());
        if (relDir == null || !Files.isDirectory(host(relDir), LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + filePattern);
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(host(relDir))) {
            for (Path p : ds) {
                if (m.matches(p.getFileName())) {
                    out.add((dir.equals("/") ? "" : dir) + "/" + p.getFileName());
                }
            }
        }
        Collections.sort(out);
        return out;
    }
}
