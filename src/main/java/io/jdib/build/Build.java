package io.jdib.build;

import io.jdib.blockdevice.BlockDevice;
import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.cache.CacheInventory;
import io.jdib.cache.Checkpoints;
import io.jdib.cache.TreeKey;
import io.jdib.element.ElementPath;
import io.jdib.element.ElementResolution;
import io.jdib.element.Resolver;
import io.jdib.event.EventSink;
import io.jdib.hook.BreakPoints;
import io.jdib.hook.HookRunner;
import io.jdib.hook.HookTree;
import io.jdib.hook.InstallTypes;
import io.jdib.hook.Phase;
import io.jdib.image.OutputType;
import io.jdib.image.TreeOutputs;
import io.jdib.sys.Architecture;
import io.jdib.sys.Binfmt;
import io.jdib.sys.Exec;
import io.jdib.sys.Mounts;
import io.jdib.sys.Workspace;
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
    private final StepTimes steps;
    private final Set<Path> partialOutputs = ConcurrentHashMap.newKeySet();
    private final BreakPoints breakPoints;
    private Workspace workspace;
    /** The package archive's state (its Release date) when the build looked it up; part of the tree's key. */
    private String archiveDate = "";
    /** The tree's part of the build; it holds the checkpoint it restored until the build ends. */
    private TreeBuild treeBuild;

    public Build(BuildSpec spec, EventSink events) {
        this.spec = spec;
        this.events = events;
        this.steps = new StepTimes(events);
        this.breakPoints = BreakPoints.parse(spec.environment().get(BreakPoints.VARIABLE));
    }

    public BuildReport run() {
        try (CacheInventory.BuildHold cacheHold = CacheInventory.holdForBuild(spec.imageCache())) {
            return runHoldingCache();
        } finally {
            if (treeBuild != null) {
                treeBuild.close();
            }
        }
    }

    private BuildReport runHoldingCache() {
        long start = System.nanoTime();
        Workspace.cleanStale(spec.workRoot(), events::warn);
        int abandoned = new Checkpoints(spec.imageCache()).removeAbandoned();
        if (abandoned > 0) {
            events.info("removed " + abandoned + " unfinished checkpoint(s) left by builds that were stopped");
        }
        TreeOutputs.requireTools(spec.types());
        ElementResolution resolution = steps.step("resolve elements", this::resolve);
        if (resolution.contains(DEBIAN_ELEMENT)) {
            spec = steps.step("resolve release", this::resolveRelease);
        }
        BlockDeviceGraph graph = spec.wantsDisk()
                ? steps.step("read block-device config", () -> {
                    BlockDeviceGraph g = DiskImage.config(spec, resolution, spec.environment());
                    BlockDevice.requireBuildable(g);
                    return g;
                })
                : null;
        // Hooks write these next to the outputs (manifests, baremetal); a failed build must not leave
        // them behind as if it had succeeded, unless they were there before it started.
        for (String suffix : List.of(".d", ".vmlinuz", ".initrd")) {
            Path sidecar = spec.imageName().resolveSibling(spec.imageName().getFileName() + suffix);
            if (!Files.exists(sidecar)) {
                partialOutputs.add(sidecar);
            }
        }
        List<Path> outputs;
        boolean ok = false;
        workspace = steps.step("prepare build directory", () -> Workspace.open(spec.workRoot(), "", events::warn));
        try {
            workspace.onAbort(this::removePartialOutputs);
            if (spec.useTmpfs()) {
                workspace.mountTmpfs(spec.minTmpfsGiB());
            }
            events.debug("build directory " + workspace.dir() + (workspace.onTmpfs() ? " (tmpfs)" : ""));
            Architecture arch = spec.architecture();
            if (arch.needsEmulationOn(Architecture.host())) {
                steps.step(
                        "enable " + arch + " emulation",
                        () -> Binfmt.host().enable(arch, workspace.ledger(), events::info));
            }
            outputs = pipeline(resolution, graph);
            ok = true;
        } finally {
            workspace.close();
            if (!ok) {
                removePartialOutputs();
            }
        }
        BuildReport report = new BuildReport(steps.times(), outputs, Duration.ofNanos(System.nanoTime() - start));
        writeTimings(report);
        return report;
    }

    /** The element whose builds read DIB_RELEASE from Debian's mirror (other apt distributions name a codename). */
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
        String release = env.getOrDefault("DIB_RELEASE", "").isBlank()
                ? DEBIAN_DEFAULT_RELEASE
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
        archiveDate = found.date();
        events.info("release: " + found.codename()
                + (found.codename().equals(release) ? "" : " (DIB_RELEASE=" + release + ")") + " from " + mirror + ", "
                + spec.architecture());
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
        ElementPath path = ElementPath.of(
                spec.environment().get("ELEMENTS_PATH"), spec.jdibHome().resolve("elements"), events::warn);
        Resolver resolver = new Resolver(path);
        ElementResolution resolution =
                resolver.resolve(withDefaultBlockDevice(spec.elements(), spec.arch()), spec.withBase(), true);
        events.info("elements: " + resolution.imageElement());
        return resolution;
    }

    /**
     * DIB's vm element needs some block-device-* element; when the command line names vm and none,
     * DIB adds block-device-efi on arm64 and block-device-mbr elsewhere, before resolving.
     */
    static List<String> withDefaultBlockDevice(List<String> elements, String arch) {
        if (!elements.contains("vm") || elements.stream().anyMatch(e -> e.startsWith("block-device-"))) {
            return elements;
        }
        List<String> withLayout = new ArrayList<>(elements);
        // GPT with an EFI system partition where the machine boots only through UEFI (arm64).
        withLayout.add(Architecture.parse(arch).uefiOnly() ? "block-device-efi" : "block-device-mbr");
        return withLayout;
    }

    /**
     * The build's steps, in order: merge the hooks and set their environment; make the tree
     * ({@link TreeBuild}: root.d to post-root.d, with its checkpoints); block-device.d; then the
     * {@link OutputPlan}: the finishing phases with the steps of the outputs' recipes among them.
     */
    private List<Path> pipeline(ElementResolution resolution, BlockDeviceGraph graph) {
        BuildContext ctx = prepare(resolution, graph);
        treeBuild = new TreeBuild(ctx, archiveDate);
        treeBuild.run();
        ctx.phases().outside(Phase.BLOCK_DEVICE, ctx.env());
        showImageUsage(ctx.root(), ctx.env());
        boolean noFinalImage = spec.wantsDisk() && noFinalImage(ctx.phases(), ctx.env());
        if (noFinalImage) {
            events.info(NO_FINAL_IMAGE + "=1 (the no-final-image element): no disk image is made, "
                    + spec.types().stream()
                            .filter(OutputType::isDisk)
                            .map(OutputType::id)
                            .collect(java.util.stream.Collectors.joining(", "))
                    + " skipped");
        }
        try (OutputPlan plan = OutputPlan.of(ctx, noFinalImage)) {
            plan.run();
            return plan.outputs();
        }
    }

    /** Merges the elements' hooks and sets up what their phases share: their environment, the host's helpers. */
    private BuildContext prepare(ElementResolution resolution, BlockDeviceGraph graph) {
        Path work = workspace.work();
        Path root = work.resolve("built");
        Path hooksDir = work.resolve("hooks");
        mkdirs(root);
        HookTree tree = steps.step(
                "merge hooks",
                () -> HookTree.merge(
                        resolution.elements().stream()
                                .map(r -> new HookTree.Source(
                                        r.name(), r.element().dir()))
                                .toList(),
                        hooksDir,
                        events::warn));
        HookRunner runner = new HookRunner(tree, workspace.ledger(), events);
        Map<String, String> env = environment(resolution, root, hooksDir, work);
        InstallTypes.check(tree, env);
        DiskImage.layoutEnvironment(graph != null ? graph : layoutForEnvironment(resolution, env))
                .forEach(env::putIfAbsent);
        env.put("DIB_BLOCK_DEVICE_PARAMS_YAML", blockDeviceParams(work, env).toString());
        Mounts mounts = new Mounts(workspace.ledger());
        Path hostBin = hostHelpers(hooksDir);
        HookRunner.Launcher outside = (hook, phaseEnv) -> Exec.Command.of(
                        "/bin/bash",
                        hooksDir.resolve(HookRunner.wrapperPath()).toString(),
                        hook.path().toString())
                .withCleanEnv(withHostHelpers(phaseEnv, hostBin));
        Phases phases = new HookPhases(spec, events, runner, hooksDir, mounts, outside, breakPoints, steps);
        return new BuildContext(
                spec,
                events,
                resolution,
                graph,
                work,
                root,
                hooksDir,
                tree,
                env,
                workspace.ledger(),
                steps,
                phases,
                partialOutputs);
    }

    /**
     * Set to 1 (by the no-final-image element's environment.d, or by the caller) for a build that
     * runs every phase but makes no disk image; tree outputs are still written.
     */
    static final String NO_FINAL_IMAGE = "JDIB_NO_FINAL_IMAGE";

    /**
     * DIB decides from the element's name in IMAGE_ELEMENT; DIB's own no-final-image (an empty
     * element, which a user's ELEMENTS_PATH may put in place of jdib's) is honoured by that name too.
     */
    static final String DIB_NO_FINAL_IMAGE_ELEMENT = "no-final-image";

    private static boolean noFinalImage(Phases phases, Map<String, String> env) {
        if ((" " + env.getOrDefault("IMAGE_ELEMENT", "") + " ").contains(" " + DIB_NO_FINAL_IMAGE_ELEMENT + " ")) {
            return true;
        }
        String value = env.get(NO_FINAL_IMAGE);
        if (value == null) {
            value = phases.sourced(env).get(NO_FINAL_IMAGE);
        }
        return value != null && value.trim().equals("1");
    }

    /** The key of the tree after post-root.d ({@link TreeBuild#treeKey}). */
    static TreeKey treeKey(
            ElementResolution resolution, Map<String, String> env, BuildSpec spec, String archiveDate, String code) {
        return TreeBuild.treeKey(resolution, env, spec, archiveDate, code);
    }

    /** The key of a tree taken at another point ({@link TreeBuild#treeKey}). */
    static TreeKey treeKey(
            ElementResolution resolution,
            Map<String, String> env,
            BuildSpec spec,
            String archiveDate,
            String code,
            java.util.function.Predicate<Path> ranLater,
            String lastHook) {
        return TreeBuild.treeKey(resolution, env, spec, archiveDate, code, ranLater, lastHook);
    }

    /** {@link TreeBuild#ranAfterInstallHook}. */
    static java.util.function.Predicate<Path> ranAfterInstallHook(String hook) {
        return TreeBuild.ranAfterInstallHook(hook);
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
        env.put("INSTALL_PACKAGES", String.join(" ", spec.extraPackages()));
        env.put(
                "JDIB_IMAGE_TYPES",
                spec.types().stream().map(OutputType::id).collect(java.util.stream.Collectors.joining(" ")));
        env.put("_LIB", spec.jdibHome().resolve("lib").toString());
        env.put("JDIB", selfLauncher(hooksDir).toString());
        env.put("JDIB_HOME", spec.jdibHome().toString());
        env.putIfAbsent("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.putIfAbsent("HOME", "/root");
        DibEnvironment.addDefaults(env, spec, resolution, hostPython());
        return env;
    }

    /**
     * DIB_SHOW_IMAGE_USAGE=1: the tree's largest files and directories (10 MiB and more; every entry
     * with DIB_SHOW_IMAGE_USAGE_FULL=1), largest first, as DIB reports them before making the image.
     */
    private void showImageUsage(Path root, Map<String, String> env) {
        if (env.getOrDefault("DIB_SHOW_IMAGE_USAGE", "0").trim().matches("0?")) {
            return;
        }
        boolean full =
                !env.getOrDefault("DIB_SHOW_IMAGE_USAGE_FULL", "0").trim().matches("0?");
        String filter = full ? "" : " | grep -E '^ *[0-9.]+ ?[GTP]iB|^ *[0-9]{2,}(\\.[0-9])? ?MiB'";
        Exec.Result r = Exec.capture(Exec.Command.of(
                "/bin/bash",
                "-c",
                "du -a -c -x \"$0\" | sort -nr"
                        + " | numfmt --to=iec-i --padding=7 --suffix=B --field=1 --from-unit=1024" + filter,
                root.toString()));
        events.info("image size report" + (full ? "" : " (entries of 10 MiB and more)") + ":");
        r.stdout().lines().forEach(line -> events.info("  " + line.replace(root.toString(), "")));
    }

    /**
     * A tree build makes no disk, but DIB still tells hooks the root label and mount points of
     * the layout it would use; a layout that cannot be read is not an error for such a build.
     */
    private BlockDeviceGraph layoutForEnvironment(ElementResolution resolution, Map<String, String> env) {
        try {
            return DiskImage.config(spec, resolution, env);
        } catch (RuntimeException e) {
            events.debug("no block-device layout for the hooks' environment: " + e.getMessage());
            return null;
        }
    }

    /**
     * What outside hooks may call besides the host's tools: dib-run-parts (also at
     * $TMP_HOOKS_PATH/dib-run-parts, so /tmp/in_target.d/dib-run-parts inside), and, when jdib runs
     * as root on a host without sudo, a sudo that runs the command as is.
     */
    private Path hostHelpers(Path hooksDir) {
        Path bin = hooksDir.resolve(HookTree.JDIB_DIR).resolve("host-bin");
        try {
            Files.createDirectories(bin);
            Path runParts = spec.jdibHome().resolve("lib/dib-run-parts");
            for (Path target : List.of(bin.resolve("dib-run-parts"), hooksDir.resolve("dib-run-parts"))) {
                Files.copy(runParts, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(
                        target, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            if (onPath("sudo", spec.environment().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")) == null) {
                Path sudo = bin.resolve("sudo");
                try (var in = Build.class.getResourceAsStream("sudo")) {
                    Files.write(sudo, in.readAllBytes());
                }
                Files.setPosixFilePermissions(
                        sudo, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bin;
    }

    private static Map<String, String> withHostHelpers(Map<String, String> env, Path hostBin) {
        Map<String, String> out = new TreeMap<>(env);
        out.put("PATH", env.getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin") + ":" + hostBin);
        return out;
    }

    private static Path onPath(String program, String path) {
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program);
            }
        }
        return null;
    }

    /**
     * The parameter file DIB hands its block-device layer, named by DIB_BLOCK_DEVICE_PARAMS_YAML;
     * some elements read the root label or filesystem type from it.
     */
    private Path blockDeviceParams(Path work, Map<String, String> env) {
        Path dir = work.resolve("block-device");
        String label = spec.rootLabel() != null
                ? spec.rootLabel()
                : env.getOrDefault("DIB_ROOT_LABEL", env.getOrDefault("ROOT_LABEL", ""));
        try {
            Files.createDirectories(dir);
            Path params = dir.resolve("params.yaml");
            Files.writeString(
                    params,
                    "config: " + dir.resolve("config.yaml") + "\nimage-dir: " + work
                            + "\nroot-fs-type: " + env.getOrDefault("FS_TYPE", "ext4") + "\nroot-label: " + label
                            + "\nmount-base: " + work.resolve("mnt") + "\nbuild-dir: " + work + "\n");
            return params;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** DIB_PYTHON_EXEC's default: the host's python3, as DIB runs under it. */
    private static String hostPython() {
        for (String candidate : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "python3";
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
            Files.writeString(
                    script,
                    "#!/bin/sh\n# Written by jdib: runs the jdib that is building this image.\nexec '"
                            + javaBin.replace("'", "'\\''") + "' -cp '" + classpath.replace("'", "'\\''")
                            + "' io.jdib.cli.Main \"$@\"\n");
            Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return script;
    }

    /** The step times, next to the manifests in {@code NAME.d/}, for pipelines that track build speed. */
    private void writeTimings(BuildReport report) {
        Path dir = spec.imageName().resolveSibling(spec.imageName().getFileName() + ".d");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("build-times.json"), report.toJson());
        } catch (IOException e) {
            events.warn("could not write the build's step times to " + dir + ": " + e.getMessage());
        }
    }

    /** What a failed or interrupted build must not leave under the final names. */
    private void removePartialOutputs() {
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

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
