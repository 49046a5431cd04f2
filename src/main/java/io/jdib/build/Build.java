package io.jdib.build;

import io.jdib.blockdevice.BlockDevice;
import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.chroot.Chroot;
import io.jdib.element.ElementPath;
import io.jdib.element.ElementResolution;
import io.jdib.element.Resolver;
import io.jdib.event.BuildEvent;
import io.jdib.event.EventSink;
import io.jdib.hook.HookRunner;
import io.jdib.hook.HookTree;
import io.jdib.hook.Phase;
import io.jdib.image.ConversionRequest;
import io.jdib.image.ConvertedImage;
import io.jdib.image.DiskFormat;
import io.jdib.image.DiskFormats;
import io.jdib.image.SquashfsOutput;
import io.jdib.image.TarOutput;
import io.jdib.image.TreeOutputRequest;
import io.jdib.image.TreeOutputs;
import io.jdib.sys.Architecture;
import io.jdib.sys.Binfmt;
import io.jdib.sys.Exec;
import io.jdib.sys.Mounts;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One build, start to finish: resolve elements, merge hooks, run the phases outside and inside the
 * chroot, write the outputs. Owns the build directory and undoes everything it did on success,
 * failure, Ctrl-C and SIGTERM.
 */
public final class Build {
    private BuildSpec spec; // replaced once, early, when DIB_RELEASE is resolved to a codename
    private final EventSink events;
    private final List<BuildReport.StepTime> steps = new ArrayList<>();
    private final Set<Path> partialOutputs = ConcurrentHashMap.newKeySet();
    private final Object teardownLock = new Object();
    private BuildDir buildDir;
    private boolean tornDown;

    public Build(BuildSpec spec, EventSink events) {
        this.spec = spec;
        this.events = events;
    }

    public BuildReport run() {
        long start = System.nanoTime();
        StaleBuilds.clean(spec.workRoot(), events::warn);
        TreeOutputs.requireTools(spec.types());
        ElementResolution resolution = step("resolve elements", this::resolve);
        if (resolution.contains(DEBIAN_ELEMENT)) {
            spec = step("resolve release", this::resolveRelease);
        }
        BlockDeviceGraph graph = spec.wantsDisk() ? step("read block-device config", () -> {
            BlockDeviceGraph g = DiskImage.config(spec, resolution, spec.environment());
            BlockDevice.requireBuildable(g);
            return g;
        }) : null;
        // Hooks write these next to the outputs (manifests, baremetal); a failed build must not leave
        // them behind as if it had succeeded, unless they were there before it started.
        for (String suffix : List.of(".d", ".vmlinuz", ".initrd")) {
            Path sidecar = spec.imageName().resolveSibling(spec.imageName().getFileName() + suffix);
            if (!Files.exists(sidecar)) {
                partialOutputs.add(sidecar);
            }
        }
        Thread onSignal = new Thread(this::abort, "jdib-abort");
        Runtime.getRuntime().addShutdownHook(onSignal);
        List<Path> outputs;
        boolean ok = false;
        try {
            buildDir = step("prepare build directory",
                    () -> BuildDir.create(spec.workRoot(), spec.useTmpfs(), spec.minTmpfsGiB(), events::warn));
            events.debug("build directory " + buildDir.dir() + (buildDir.onTmpfs() ? " (tmpfs)" : ""));
            Architecture arch = spec.architecture();
            if (arch.needsEmulationOn(Architecture.host())) {
                step("enable " + arch + " emulation",
                        () -> Binfmt.host().enable(arch, buildDir.ledger(), events::info));
            }
            outputs = phases(resolution, graph);
            ok = true;
        } finally {
            teardown(!ok);
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running or ran
            }
        }
        return new BuildReport(steps, outputs, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The element whose builds read DIB_RELEASE from Debian's mirror. */
    static final String DEBIAN_ELEMENT = "debian-minimal";
    /** DIB's default for DIB_RELEASE in debian-minimal. */
    static final String DEBIAN_DEFAULT_RELEASE = "stable";
    static final String DEBIAN_DEFAULT_MIRROR = "http://deb.debian.org/debian";

    /**
     * DIB_RELEASE (a codename or a suite such as stable) as the codename the mirror serves, looked up
     * once before anything is bootstrapped; every hook then sees the codename.
     */
    private BuildSpec resolveRelease() {
        Map<String, String> env = spec.environment();
        String release = env.getOrDefault("DIB_RELEASE", "").isBlank() ? DEBIAN_DEFAULT_RELEASE
                : env.get("DIB_RELEASE").trim();
        String mirror = firstSet(env, "DIB_DEBIAN_DISTRIBUTION_MIRROR", "DIB_DISTRIBUTION_MIRROR")
                .orElse(DEBIAN_DEFAULT_MIRROR);
        Path memo = spec.imageCache().resolve(DEBIAN_ELEMENT);
        AptRelease found;
        if (spec.offline()) {
            found = AptRelease.offline(memo, mirror, release);
        } else {
            found = AptRelease.resolve(mirror, release, spec.architecture().debianName());
            AptRelease.remember(memo, mirror, found);
        }
        events.info("release: " + found.codename() + (found.codename().equals(release) ? "" : " (DIB_RELEASE=" + release
                + ")") + " from " + mirror + ", " + spec.architecture());
        Map<String, String> resolved = new TreeMap<>(env);
        resolved.put("DIB_RELEASE", found.codename());
        return spec.withEnvironment(resolved);
    }

    private static java.util.Optional<String> firstSet(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return java.util.Optional.of(value.trim());
            }
        }
        return java.util.Optional.empty();
    }

    private ElementResolution resolve() {
        ElementPath path = ElementPath.of(spec.environment().get("ELEMENTS_PATH"), spec.jdibHome().resolve("elements"),
                events::warn);
        Resolver resolver = new Resolver(path);
        ElementResolution resolution = resolver.resolve(spec.elements(), spec.withBase(), true);
        if (resolution.contains("vm") && !resolution.contains("block-device")) {
            // DIB's vm element implies a layout when no block-device element is given: MBR, or
            // GPT with an EFI system partition where the machine boots only through UEFI (arm64).
            List<String> withLayout = new ArrayList<>(spec.elements());
            withLayout.add(spec.architecture().uefiOnly() ? "block-device-efi" : "block-device-mbr");
            resolution = resolver.resolve(withLayout, spec.withBase(), true);
        }
        events.info("elements: " + resolution.imageElement());
        return resolution;
    }

    private List<Path> phases(ElementResolution resolution, BlockDeviceGraph graph) {
        Path work = buildDir.work();
        Path root = work.resolve("built");
        Path hooksDir = work.resolve("hooks");
        mkdirs(root);
        HookTree tree = step("merge hooks", () -> HookTree.merge(resolution.elements().stream()
                .map(r -> new HookTree.Source(r.name(), r.element().dir())).toList(), hooksDir, events::warn));
        HookRunner runner = new HookRunner(tree, buildDir.ledger(), events);
        Map<String, String> env = environment(resolution, root, hooksDir, work);
        Mounts mounts = new Mounts(buildDir.ledger());
        HookRunner.Launcher outside = (hook, phaseEnv) -> Exec.Command.of("/bin/bash",
                hooksDir.resolve(HookRunner.wrapperPath()).toString(), hook.path().toString())
                .withCleanEnv(phaseEnv);

        phase(runner, Phase.ROOT, env, outside);
        requirePopulated(root);
        phase(runner, Phase.EXTRA_DATA, env, outside);
        inChroot(root, hooksDir, mounts, env, runner, List.of(Phase.PRE_INSTALL, Phase.INSTALL, Phase.POST_INSTALL));
        phase(runner, Phase.POST_ROOT, env, outside);
        phase(runner, Phase.BLOCK_DEVICE, env, outside);
        if (!spec.wantsDisk()) {
            finalise(root, hooksDir, mounts, env, runner, outside);
            List<Path> written = new ArrayList<>(step("write outputs", () -> treeOutputs(root, work, true)));
            if (spec.types().contains(RamdiskImage.TYPE)) {
                written.addAll(step("write ramdisk", () -> RamdiskImage.write(spec, resolution.elements().stream()
                        .map(r -> new RamdiskImage.Source(r.name(), r.element().dir())).toList(), root, work, events,
                        partialOutputs::add)));
            }
            return written;
        }
        try (DiskImage disk = step("create disk", () -> DiskImage.create(spec, graph, root, work, buildDir.ledger(), events))) {
            Map<String, String> diskEnv = new TreeMap<>(env);
            diskEnv.putAll(disk.environment());
            diskEnv.put("TARGET_ROOT", disk.mountRoot().toString());
            diskEnv.put("TMP_MOUNT_PATH", disk.mountRoot().toString());
            finalise(disk.mountRoot(), hooksDir, mounts, diskEnv, runner, outside);
            List<Path> written = new ArrayList<>(step("write tree outputs", () -> treeOutputs(disk.mountRoot(), work, false)));
            Path raw = step("finish disk", disk::finish);
            written.addAll(step("convert disk image", () -> diskOutputs(raw)));
            return written;
        }
    }

    /** pre-finalise.d, finalise.d in a chroot of the final tree, cleanup.d. */
    private void finalise(Path target, Path hooksDir, Mounts mounts, Map<String, String> env, HookRunner runner,
            HookRunner.Launcher outside) {
        phase(runner, Phase.PRE_FINALISE, env, outside);
        inChroot(target, hooksDir, mounts, env, runner, List.of(Phase.FINALISE));
        phase(runner, Phase.CLEANUP, env, outside);
    }

    private void inChroot(Path root, Path hooksDir, Mounts mounts, Map<String, String> env, HookRunner runner,
            List<Phase> phases) {
        if (phases.stream().noneMatch(p -> hasHooks(hooksDir, p))) {
            return;
        }
        AptArchiveCache apt = AptArchiveCache.forTree(root, aptCacheDir(), events);
        if (apt != null) {
            apt.offer();
        }
        try (Chroot chroot = Chroot.enter(root, hooksDir, AptArchiveCache.binds(apt), mounts)) {
            HookRunner.Launcher inside = chroot.launcher(hooksDir);
            for (Phase p : phases) {
                phase(runner, p, env, inside);
            }
        } finally {
            if (apt != null && Mounts.mountedUnder(root.resolve("var/cache")).isEmpty()) {
                apt.collect();
            }
        }
    }

    private static boolean hasHooks(Path hooksDir, Phase phase) {
        Path dir = hooksDir.resolve(phase.dirName());
        try (var list = Files.list(dir)) {
            return list.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** Debian trees share one apt archive cache across builds, kept under the image cache. */
    private Path aptCacheDir() {
        return spec.imageCache().resolve("apt").resolve(spec.environment().getOrDefault("DIB_RELEASE", "bookworm")
                + "-" + spec.arch());
    }

    private void phase(HookRunner runner, Phase phase, Map<String, String> env, HookRunner.Launcher launcher) {
        step(phase.dirName(), () -> {
            runner.run(phase, env, launcher);
            return null;
        });
    }

    private Map<String, String> environment(ElementResolution resolution, Path root, Path hooksDir, Path work) {
        Map<String, String> env = new TreeMap<>(spec.environment());
        env.remove("TMPDIR");
        env.put("IMAGE_NAME", spec.imageNameString());
        env.put("IMAGE_ELEMENT", resolution.imageElement());
        env.put("IMAGE_ELEMENT_YAML", resolution.imageElementYaml());
        env.put("ARCH", spec.arch());
        env.put("TARGET_ROOT", root.toString());
        env.put("TMP_MOUNT_PATH", root.toString());
        env.put("TMP_HOOKS_PATH", hooksDir.toString());
        env.put("TMP_BUILD_DIR", work.toString());
        env.put("TMP_IMAGE_DIR", work.toString());
        env.put("DIB_IMAGE_CACHE", spec.imageCache().toString());
        env.put("DIB_OFFLINE", spec.offline() ? "1" : "");
        env.put("DIB_DEBUG_TRACE", Integer.toString(spec.traceLevel()));
        env.put("DIB_ARGS", String.join(" ", spec.arguments()));
        env.put("INSTALL_PACKAGES", String.join(" ", spec.extraPackages()));
        env.put("JDIB_IMAGE_TYPES", String.join(" ", spec.types()));
        env.put("_LIB", spec.jdibHome().resolve("lib").toString());
        env.put("JDIB", selfLauncher(hooksDir).toString());
        env.put("JDIB_HOME", spec.jdibHome().toString());
        env.putIfAbsent("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.putIfAbsent("HOME", "/root");
        return env;
    }

    /**
     * A script that runs this same jdib (same JVM, same classpath), for hooks that call back into it
     * (package-installs squashes YAML in Java). Works from the shaded jar and from a test classpath.
     */
    private static Path selfLauncher(Path hooksDir) {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        Path script = hooksDir.resolve(HookTree.JDIB_DIR).resolve("jdib");
        try {
            Files.createDirectories(script.getParent());
            Files.writeString(script, "#!/bin/sh\n# Written by jdib: runs the jdib that is building this image.\nexec '"
                    + javaBin.replace("'", "'\\''") + "' -cp '" + classpath.replace("'", "'\\''")
                    + "' io.jdib.cli.Main \"$@\"\n");
            Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return script;
    }

    /** tar, tgz, squashfs, docker, oci: made from the final tree ({@link TreeOutputs}). */
    private List<Path> treeOutputs(Path root, Path work, boolean oneFileSystem) {
        List<String> types = spec.types().stream().filter(TreeOutputs::isTreeType).toList();
        if (types.isEmpty()) {
            return List.of();
        }
        TreeOutputRequest request = new TreeOutputRequest(root, spec.imageName(), types, work, oneFileSystem,
                spec.wantsContainer() ? spec.containerConfig() : null,
                spec.environment().get(SquashfsOutput.COMPRESSION_VARIABLE), spec.disk().checksum(),
                spec.container().dockerImport());
        partialOutputs.addAll(TreeOutputs.partials(request));
        return new TreeOutputs(events).write(request);
    }

    private List<Path> diskOutputs(Path raw) {
        List<DiskFormat> formats = spec.types().stream().filter(DiskFormat::isDiskFormat).map(DiskFormat::parse).toList();
        ConversionRequest request = ConversionRequest.of(raw, spec.imageName(), formats)
                .withCompress(!spec.disk().uncompressed())
                .withQemuImgOptions(spec.disk().qemuImgOptions())
                .withChecksum(spec.disk().checksum())
                .withConsumeSource(true);
        formats.forEach(f -> partialOutputs.add(TarOutput.partial(request.target(f))));
        return new DiskFormats(events, buildDir.ledger()).convert(request).outputs().stream()
                .map(ConvertedImage::path).toList();
    }

    private Path announce(String type, Path path) {
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        events.emit(new BuildEvent.OutputWritten(type, path.toString(), size));
        return path;
    }

    private static void requirePopulated(Path root) {
        try (var list = Files.list(root)) {
            if (list.findAny().isEmpty()) {
                throw new UserError("no root.d hook populated $TARGET_ROOT; include an operating-system element such as debian-minimal");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T step(String name, java.util.function.Supplier<T> body) {
        events.emit(new BuildEvent.StepStarted(name));
        long start = System.nanoTime();
        boolean ok = false;
        try {
            T result = body.get();
            ok = true;
            return result;
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            steps.add(new BuildReport.StepTime(name, took));
            events.emit(new BuildEvent.StepFinished(name, took, ok));
        }
    }

    /** SIGTERM or Ctrl-C: stop the hooks, undo everything, leave no partial output. */
    private void abort() {
        events.warn("interrupted: stopping hooks and undoing mounts");
        teardown(true);
    }

    private void teardown(boolean failed) {
        synchronized (teardownLock) {
            if (tornDown) {
                return;
            }
            tornDown = true;
            if (buildDir != null) {
                buildDir.ledger().seal();
                buildDir.destroy(events::warn);
            }
            if (failed) {
                for (Path partial : partialOutputs) {
                    try {
                        if (Files.isDirectory(partial, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                            Exec.capture(Exec.Command.of("rm", "-rf", "--one-file-system", partial.toString()));
                        } else {
                            Files.deleteIfExists(partial);
                        }
                    } catch (IOException e) {
                        events.warn("could not remove " + partial + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
