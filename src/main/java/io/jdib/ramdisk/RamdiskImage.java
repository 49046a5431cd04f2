package io.jdib.ramdisk;

import io.jdib.event.BuildEvent;
import io.jdib.event.EventSink;
import io.jdib.hook.RunPartsOrder;
import io.jdib.image.KernelFiles;
import io.jdib.image.TarOutput;
import io.jdib.sys.Exec;
import io.jdib.sys.UserError;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The ramdisk half of a {@code ramdisk-image-create} build: from the finished tree, writes
 * {@code NAME.kernel} (the tree's newest kernel) and {@code NAME.initramfs}, a newc cpio holding only
 * what the ramdisk needs:
 * <ul>
 * <li>the executables named in the elements' {@code binary-deps.d} files, with their whole
 * shared-library closure, taken from the tree (never the host);
 * <li>kernel modules ({@link KernelModules#DEFAULT}, or {@code DIB_RAMDISK_MODULES}, plus
 * {@code DIB_RAMDISK_EXTRA_MODULES}) with their dependencies, indexed by {@code depmod -b};
 * <li>a few udev rules of the tree and the elements' {@code udev.d} rules;
 * <li>{@code /init}: the {@code init} of the element that ships one (ramdisk-base) with every
 * element's {@code init.d} fragments inserted, in run-parts order of their names.
 * </ul>
 */
public final class RamdiskImage {
    /** The internal output type a ramdisk build has. */
    /** Where {@code /init} takes the {@code init.d} fragments. */
    static final String FRAGMENTS_MARKER = "# --- init.d fragments ---";

    private static final List<String> TREE_UDEV_RULES =
            List.of("50-udev-default.rules", "60-block.rules", "60-persistent-storage.rules", "80-drivers.rules");
    private static final List<String> USR_MERGE_LINKS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

    /** An element's name and directory: all the ramdisk needs of it. */
    public record Source(String element, Path dir) {}

    private final Path root;
    private final Path staging;
    private final List<Source> sources;
    private final EventSink events;

    RamdiskImage(Path root, Path staging, List<Source> sources, EventSink events) {
        this.root = root;
        this.staging = staging;
        this.sources = List.copyOf(sources);
        this.events = events;
    }

    /**
     * Writes {@code NAME.kernel} and {@code NAME.initramfs} for the build named {@code name} (the
     * {@code -o} path without extension), under temporary names (reported to {@code partial}) renamed
     * when complete. {@code environment} holds the build's DIB_RAMDISK_* settings.
     */
    public static List<Path> write(
            Path name,
            Map<String, String> environment,
            List<Source> sources,
            Path root,
            Path work,
            EventSink events,
            Consumer<Path> partial) {
        String compressionName = environment.getOrDefault("DIB_RAMDISK_COMPRESSION", "gzip");
        Compression compression;
        try {
            compression = Compression.parse(compressionName);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + " (--compression or DIB_RAMDISK_COMPRESSION)");
        }
        RamdiskImage ramdisk = new RamdiskImage(root, work.resolve("ramdisk"), sources, events);
        KernelFiles.Kernel kernel = ramdisk.kernel();
        ramdisk.stage(kernel.version(), modules(environment));
        Path kernelOut = name.resolveSibling(name.getFileName() + ".kernel");
        Path initramfsOut = name.resolveSibling(name.getFileName() + "." + "initramfs");
        try {
            // The ramdisk can be the build's first output (it is written before cleanup.d).
            Files.createDirectories(kernelOut.toAbsolutePath().getParent());
            Path kernelPartial = TarOutput.partial(kernelOut);
            partial.accept(kernelPartial);
            Files.copy(kernel.kernel(), kernelPartial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(kernelPartial, kernelOut, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            events.emit(new BuildEvent.OutputWritten("kernel", kernelOut.toString(), Files.size(kernelOut)));

            Path cpioPartial = TarOutput.partial(initramfsOut);
            partial.accept(cpioPartial);
            long uncompressed = ramdisk.writeCpio(cpioPartial, compression);
            Files.move(cpioPartial, initramfsOut, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long size = Files.size(initramfsOut);
            events.info(String.format(
                    "initramfs: %s, %d KiB compressed (%s), %d KiB uncompressed, kernel %s",
                    initramfsOut.getFileName(),
                    size / 1024,
                    compression.name().toLowerCase(),
                    uncompressed / 1024,
                    kernel.version()));
            events.emit(new BuildEvent.OutputWritten("initramfs", initramfsOut.toString(), size));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of(kernelOut, initramfsOut);
    }

    private static List<String> modules(Map<String, String> environment) {
        List<String> wanted = new ArrayList<>(KernelModules.DEFAULT);
        String replace = environment.get("DIB_RAMDISK_MODULES");
        if (replace != null && !replace.isBlank()) {
            wanted = new ArrayList<>(words(replace));
        }
        wanted.addAll(words(environment.getOrDefault("DIB_RAMDISK_EXTRA_MODULES", "")));
        return wanted;
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.split("[,\\s]+")).filter(w -> !w.isEmpty()).toList();
    }

    KernelFiles.Kernel kernel() {
        try {
            return KernelFiles.newest(root.resolve("boot"))
                    .orElseThrow(
                            () -> new UserError(
                                    "the tree has no kernel (/boot/vmlinuz-*); the ramdisk element installs one through"
                                            + " package-installs (linux-image-amd64); check that the ramdisk element is in the build"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fills the staging directory: binaries with libraries, modules, udev rules, /etc files, /init. */
    void stage(String kernelVersion, List<String> wantedModules) {
        try {
            Files.createDirectories(staging);
            for (String link : USR_MERGE_LINKS) {
                Path inTree = root.resolve(link);
                if (Files.isSymbolicLink(inTree)) {
                    Files.createSymbolicLink(staging.resolve(link), Files.readSymbolicLink(inTree));
                }
            }
            copyBinaries();
            copyModules(kernelVersion, wantedModules);
            copyUdevRules();
            for (String etc : List.of("etc/passwd", "etc/group")) {
                if (Files.isRegularFile(root.resolve(etc), LinkOption.NOFOLLOW_LINKS)) {
                    copyFromTree(Path.of(etc));
                }
            }
            for (String dir :
                    List.of("proc", "sys", "dev", "run", "tmp", "mnt", "root", "var/log", "etc/udev/rules.d")) {
                Files.createDirectories(staging.resolve(dir));
            }
            Path init = staging.resolve("init");
            Files.writeString(init, init(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every {@code binary-deps.d} executable of every element, and its library closure, copied from the tree. */
    void copyBinaries() throws IOException {
        ElfDependencies deps = ElfDependencies.of(root);
        Set<Path> copied = new LinkedHashSet<>();
        for (Source source : sources) {
            for (Path file : sortedFiles(source.dir().resolve("binary-deps.d"))) {
                List<String> names = new ArrayList<>();
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String name = line.replaceFirst("#.*", "").strip();
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
                ElfDependencies.Closure closure;
                try {
                    closure = deps.closure(
                            names, "element " + source.element() + " (binary-deps.d/" + file.getFileName() + ")");
                } catch (MissingDependencyException e) {
                    throw new UserError(
                            e.getMessage() + "; install the package that provides it (package-installs)"
                                    + " or remove it from that binary-deps.d file",
                            e);
                }
                for (Path rel : closure.all()) {
                    if (copied.add(rel)) {
                        copyFromTree(rel);
                    }
                }
                events.debug("ramdisk: element " + source.element() + " binary-deps.d/" + file.getFileName() + ": "
                        + closure.executables());
            }
        }
        events.info("ramdisk: " + copied.size() + " executables, libraries and links from the tree");
    }

    private void copyModules(String kernelVersion, List<String> wanted) throws IOException {
        Path treeModules = root.resolve("lib/modules").resolve(kernelVersion);
        if (!Files.isDirectory(treeModules)) {
            throw new UserError("the tree has kernel " + kernelVersion + " but no /lib/modules/" + kernelVersion);
        }
        KernelModules.Selection selection = KernelModules.select(treeModules, wanted);
        Path relModules = root.toRealPath().relativize(treeModules.toRealPath());
        for (String file : selection.files()) {
            copyFromTree(relModules.resolve(file));
        }
        copyModuleDecompressors(selection.files());
        for (String meta : List.of("modules.order", "modules.builtin", "modules.builtin.modinfo")) {
            if (Files.isRegularFile(treeModules.resolve(meta))) {
                copyFromTree(relModules.resolve(meta));
            }
        }
        if (!selection.missing().isEmpty()) {
            events.debug(
                    "ramdisk: kernel " + kernelVersion + " has no module " + String.join(", ", selection.missing()));
        }
        events.info("ramdisk: " + selection.files().size() + " kernel modules for " + kernelVersion
                + (selection.builtin().isEmpty() ? "" : " (built in: " + String.join(" ", selection.builtin()) + ")"));
        Exec.Result depmod = Exec.capture(Exec.Command.of("depmod", "-b", staging.toString(), kernelVersion));
        if (!depmod.ok()) {
            throw new UserError("depmod -b " + staging + " " + kernelVersion + " failed: "
                    + String.join(" ", depmod.tail()) + "; install kmod on the build host");
        }
    }

    /**
     * Libraries opened at run time (dlopen), which no ELF closure finds: libkmod, which udevd 256 and
     * later opens to load modules, and the library that decompresses {@code .ko.xz}, {@code .ko.zst}
     * or {@code .ko.gz} modules, which kmod 31 and later open (both: trixie). Without them the ramdisk
     * loads no module at all. Copies each, with what it needs, from the tree.
     */
    private void copyModuleDecompressors(java.util.Collection<String> moduleFiles) throws IOException {
        Set<String> libraries = new java.util.TreeSet<>();
        // systemd-udevd 256 and later (trixie) open libkmod at run time too, to load modules at all.
        libraries.add("libkmod.so.2");
        for (String file : moduleFiles) {
            if (file.endsWith(".ko.xz")) {
                libraries.add("liblzma.so.5");
            } else if (file.endsWith(".ko.zst")) {
                libraries.add("libzstd.so.1");
            } else if (file.endsWith(".ko.gz")) {
                libraries.add("libz.so.1");
            }
        }
        ElfDependencies deps = ElfDependencies.of(root);
        for (String library : libraries) {
            Optional<String> found = findLibrary(library);
            if (found.isEmpty()) {
                if (!library.equals("libkmod.so.2")) {
                    events.warn("ramdisk: compressed kernel modules, but the tree has no " + library
                            + " for kmod to decompress them with");
                }
                continue;
            }
            events.debug("ramdisk: " + found.get() + ", opened at run time to load kernel modules");
            for (Path rel : deps.closure(List.of(found.get()), "kmod's module decompression")
                    .all()) {
                copyFromTree(rel);
            }
        }
    }

    /** A library of the tree by file name, in the usual library directories: its absolute path in the tree. */
    private Optional<String> findLibrary(String name) throws IOException {
        for (String dir : List.of("usr/lib", "lib", "usr/lib64", "lib64")) {
            Path base = root.resolve(dir);
            if (!Files.isDirectory(base)) {
                continue;
            }
            try (var walk = Files.walk(base, 2)) {
                Optional<Path> hit = walk.filter(p -> p.getFileName().toString().equals(name))
                        .findFirst();
                if (hit.isPresent()) {
                    return Optional.of("/" + root.relativize(hit.get()));
                }
            }
        }
        return Optional.empty();
    }

    private void copyUdevRules() throws IOException {
        Path treeRules = root.resolve("lib/udev/rules.d");
        if (Files.isDirectory(treeRules)) {
            Path rel = root.toRealPath().relativize(treeRules.toRealPath());
            for (String rule : TREE_UDEV_RULES) {
                if (Files.isRegularFile(treeRules.resolve(rule))) {
                    copyFromTree(rel.resolve(rule));
                }
            }
        }
        for (Source source : sources) {
            for (Path rule : sortedFiles(source.dir().resolve("udev.d"))) {
                Path target = staging.resolve("etc/udev/rules.d")
                        .resolve(rule.getFileName().toString());
                Files.createDirectories(target.getParent());
                Files.copy(rule, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The {@code init} of the one element that ships it, with all {@code init.d} fragments at its marker. */
    String init() throws IOException {
        List<Source> withInit = sources.stream()
                .filter(s -> Files.isRegularFile(s.dir().resolve("init")))
                .toList();
        if (withInit.isEmpty()) {
            throw new UserError(
                    "no element ships a ramdisk init; include ramdisk-base (the ramdisk element depends on it)");
        }
        if (withInit.size() > 1) {
            throw new UserError(
                    "elements " + withInit.stream().map(Source::element).toList()
                            + " each ship a ramdisk init; use only one of them");
        }
        String template = Files.readString(withInit.get(0).dir().resolve("init"), StandardCharsets.UTF_8);
        record Fragment(String name, Source source, Path file) {}
        List<Fragment> fragments = new ArrayList<>();
        for (Source source : sources) {
            for (Path f : sortedFiles(source.dir().resolve("init.d"))) {
                fragments.add(new Fragment(f.getFileName().toString(), source, f));
            }
        }
        fragments.sort((a, b) -> RunPartsOrder.INSTANCE.compare(a.name(), b.name()));
        StringBuilder body = new StringBuilder();
        for (Fragment f : fragments) {
            body.append("\n# --- element ")
                    .append(f.source().element())
                    .append(": init.d/")
                    .append(f.name())
                    .append(" ---\n");
            String text = Files.readString(f.file(), StandardCharsets.UTF_8);
            body.append(text.endsWith("\n") ? text : text + "\n");
        }
        int at = template.indexOf(FRAGMENTS_MARKER);
        if (at < 0) {
            return template + body;
        }
        int lineEnd = template.indexOf('\n', at);
        int cut = lineEnd < 0 ? template.length() : lineEnd + 1;
        return template.substring(0, cut) + body + template.substring(cut);
    }

    /** Writes the cpio of the staging directory plus /dev/console and /dev/null; returns its uncompressed size. */
    long writeCpio(Path target, Compression compression) throws IOException {
        Counting counting;
        try (OutputStream file = Files.newOutputStream(target);
                CpioWriter cpio =
                        new CpioWriter(counting = new Counting(compression.wrap(file)), CpioWriter.sourceDateEpoch())) {
            cpio.addTree(staging);
            cpio.charDevice("dev/console", CpioWriter.Attrs.root(0600), 5, 1);
            cpio.charDevice("dev/null", CpioWriter.Attrs.root(0666), 1, 3);
        }
        return counting.count;
    }

    /** Copies one tree path (file or symlink, relative to the root) to the same place in staging. */
    private void copyFromTree(Path rel) throws IOException {
        Path from = root.resolve(rel);
        Path to = staging.resolve(rel.toString());
        if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.createDirectories(to.getParent());
        if (Files.isSymbolicLink(from)) {
            Files.createSymbolicLink(to, Files.readSymbolicLink(from));
        } else {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static List<Path> sortedFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)
                        && !p.getFileName().toString().startsWith(".")
                        && !p.getFileName().toString().endsWith("~")) {
                    files.add(p);
                }
            }
        }
        files.sort((a, b) -> RunPartsOrder.INSTANCE.compare(
                a.getFileName().toString(), b.getFileName().toString()));
        return files;
    }

    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
