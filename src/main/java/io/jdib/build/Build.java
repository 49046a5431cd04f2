package io.jdib.build;

import io.jdib.blockdevice.BlockDevice;
import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.cache.CacheInventory;
import io.jdib.cache.Checkpoints;
import io.jdib.cache.TreeKey;
import io.jdib.chroot.Chroot;
import io.jdib.element.ElementPath;
import io.jdib.element.ElementResolution;
import io.jdib.element.Resolver;
import io.jdib.event.BuildEvent;
import io.jdib.event.EventSink;
import io.jdib.hook.BreakPoints;
import io.jdib.hook.Hook;
import io.jdib.hook.HookFailed;
import io.jdib.hook.HookRunner;
import io.jdib.hook.HookTree;
import io.jdib.hook.InstallTypes;
import io.jdib.hook.Phase;
import io.jdib.hook.RunPartsOrder;
import io.jdib.image.ConversionRequest;
import io.jdib.image.ConvertedImage;
import io.jdib.image.DiskFormat;
import io.jdib.image.DiskFormats;
import io.jdib.image.OutputType;
import io.jdib.image.SquashfsOutput;
import io.jdib.image.TarOutput;
import io.jdib.image.TreeOutputRequest;
import io.jdib.image.TreeOutputs;
import io.jdib.ramdisk.RamdiskImage;
import io.jdib.sys.Architecture;
import io.jdib.sys.Binfmt;
import io.jdib.sys.Exec;
import io.jdib.sys.Mounts;
import io.jdib.sys.UserError;
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
    private final List<BuildReport.StepTime> steps = new ArrayList<>();
    private final Set<Path> partialOutputs = ConcurrentHashMap.newKeySet();
    private final BreakPoints breakPoints;
    private Workspace workspace;
    /** The package archive's state (its Release date) when the build looked it up; part of the tree's key. */
    private String archiveDate = "";
    /** The checkpoint this build restored, held until the build ends so that no prune removes it. */
    private Checkpoints.Held reusedCheckpoint;

    public Build(BuildSpec spec, EventSink events) {
        this.spec = spec;
        this.events = events;
        this.breakPoints = BreakPoints.parse(spec.environment().get(BreakPoints.VARIABLE));
    }

    public BuildReport run() {
        try (CacheInventory.BuildHold cacheHold = CacheInventory.holdForBuild(spec.imageCache())) {
            return runHoldingCache();
        } finally {
            if (reusedCheckpoint != null) {
                reusedCheckpoint.close();
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
        ElementResolution resolution = step("resolve elements", this::resolve);
        if (resolution.contains(DEBIAN_ELEMENT)) {
            spec = step("resolve release", this::resolveRelease);
        }
        BlockDeviceGraph graph = spec.wantsDisk()
                ? step("read block-device config", () -> {
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
        workspace = step("prepare build directory", () -> Workspace.open(spec.workRoot(), "", events::warn));
        try {
            workspace.onAbort(this::removePartialOutputs);
            if (spec.useTmpfs()) {
                workspace.mountTmpfs(spec.minTmpfsGiB());
            }
            events.debug("build directory " + workspace.dir() + (workspace.onTmpfs() ? " (tmpfs)" : ""));
            Architecture arch = spec.architecture();
            if (arch.needsEmulationOn(Architecture.host())) {
                step(
                        "enable " + arch + " emulation",
                        () -> Binfmt.host().enable(arch, workspace.ledger(), events::info));
            }
            outputs = phases(resolution, graph);
            ok = true;
        } finally {
            workspace.close();
            if (!ok) {
                removePartialOutputs();
            }
        }
        BuildReport report = new BuildReport(steps, outputs, Duration.ofNanos(System.nanoTime() - start));
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

    private List<Path> phases(ElementResolution resolution, BlockDeviceGraph graph) {
        Path work = workspace.work();
        Path root = work.resolve("built");
        Path hooksDir = work.resolve("hooks");
        mkdirs(root);
        HookTree tree = step(
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

        boolean saves = spec.checkpoints().saves();
        boolean reuses = spec.checkpoints().reuses();
        String code = saves ? codeIdentity() : null;
        TreeKey key =
                saves ? step("compute checkpoint key", () -> treeKey(resolution, env, spec, archiveDate, code)) : null;
        // A second checkpoint after the hook that installs install.d's packages, so that changing a
        // later hook reruns only what follows it.
        String packagesHook = saves ? packagesHook(tree) : null;
        // What the packages checkpoint leaves out of its hooks: later phases, and the elements'
        // install.d hooks after the split (listed now, before extra-data.d hooks add their own links).
        Set<String> laterHooks = new java.util.TreeSet<>(AFTER_PACKAGES);
        if (packagesHook != null) {
            tree.hooks(Phase.INSTALL, note -> {}).stream()
                    .filter(h -> RunPartsOrder.INSTANCE.compare(h.script(), packagesHook) > 0)
                    .forEach(h -> laterHooks.add(Phase.INSTALL.dirName() + "/" + h.script()));
        }
        TreeKey packagesKey = packagesHook == null
                ? null
                : treeKey(resolution, env, spec, archiveDate, code, ranAfterInstallHook(packagesHook), packagesHook);
        Checkpoints checkpoints = new Checkpoints(spec.imageCache());
        reusedCheckpoint = key != null && reuses ? checkpoints.find(key).orElse(null) : null;
        if (reusedCheckpoint != null) {
            restore(key, "post-root.d", root, hooksDir);
        } else {
            reusedCheckpoint = packagesKey != null && reuses
                    ? checkpoints.find(packagesKey).orElse(null)
                    : null;
            if (reusedCheckpoint != null) {
                restore(packagesKey, "install.d/" + packagesHook, root, hooksDir);
            } else {
                if (key != null && reuses) {
                    events.info("no checkpoint for this tree yet"
                            + checkpoints
                                    .closest(key)
                                    .map(d -> " (the closest differs in: " + d + ")")
                                    .orElse(""));
                }
                phase(runner, Phase.ROOT, env, outside);
                requirePopulated(root);
                phase(runner, Phase.EXTRA_DATA, env, outside);
                if (packagesKey == null) {
                    inChroot(
                            root,
                            hooksDir,
                            mounts,
                            env,
                            runner,
                            List.of(
                                    PhaseRun.whole(Phase.PRE_INSTALL),
                                    PhaseRun.whole(Phase.INSTALL),
                                    PhaseRun.whole(Phase.POST_INSTALL)));
                } else {
                    inChroot(
                            root,
                            hooksDir,
                            mounts,
                            env,
                            runner,
                            List.of(PhaseRun.whole(Phase.PRE_INSTALL), PhaseRun.upTo(Phase.INSTALL, packagesHook)));
                    saveCheckpoint(
                            checkpoints,
                            packagesKey,
                            root,
                            hooksDir,
                            resolution,
                            laterHooks,
                            ", up to install.d/" + packagesHook);
                }
            }
            if (packagesKey != null) {
                inChroot(
                        root,
                        hooksDir,
                        mounts,
                        env,
                        runner,
                        List.of(PhaseRun.after(Phase.INSTALL, packagesHook), PhaseRun.whole(Phase.POST_INSTALL)));
            }
            phase(runner, Phase.POST_ROOT, env, outside);
            if (key != null) {
                saveCheckpoint(checkpoints, key, root, hooksDir, resolution, AFTER_CHECKPOINT, "");
            }
        }
        phase(runner, Phase.BLOCK_DEVICE, env, outside);
        showImageUsage(root, env);
        boolean noFinalImage = spec.wantsDisk() && noFinalImage(runner, env);
        if (!spec.wantsDisk() || noFinalImage) {
            if (noFinalImage) {
                events.info(NO_FINAL_IMAGE + "=1 (the no-final-image element): no disk image is made, "
                        + spec.types().stream()
                                .filter(OutputType::isDisk)
                                .map(OutputType::id)
                                .collect(java.util.stream.Collectors.joining(", "))
                        + " skipped");
            }
            phase(runner, Phase.PRE_FINALISE, env, outside);
            inChroot(root, hooksDir, mounts, env, runner, List.of(PhaseRun.whole(Phase.FINALISE)));
            // As in DIB, NAME.kernel and NAME.initramfs exist when cleanup.d runs (the iso element
            // makes its ISO from them there).
            List<Path> ramdisk = new ArrayList<>();
            if (spec.types().contains(OutputType.RAMDISK)) {
                List<Path> written = step(
                        "write ramdisk",
                        () -> RamdiskImage.write(
                                spec.imageName(),
                                spec.environment(),
                                resolution.elements().stream()
                                        .map(r -> new RamdiskImage.Source(
                                                r.name(), r.element().dir()))
                                        .toList(),
                                root,
                                work,
                                events,
                                partialOutputs::add));
                ramdisk.addAll(written);
                if (spec.disk().checksum()) {
                    for (Path output : written) {
                        ramdisk.addAll(io.jdib.image.DiskFormats.writeChecksums(output));
                    }
                }
            }
            phase(runner, Phase.CLEANUP, env, outside);
            List<Path> written = new ArrayList<>(step("write outputs", () -> treeOutputs(root, work, true)));
            written.addAll(ramdisk);
            return written;
        }
        try (DiskImage disk =
                step("create disk", () -> DiskImage.create(spec, graph, root, work, workspace.ledger(), events))) {
            Map<String, String> diskEnv = new TreeMap<>(env);
            diskEnv.putAll(disk.environment());
            diskEnv.put("TARGET_ROOT", disk.mountRoot().toString());
            diskEnv.put("TMP_MOUNT_PATH", disk.mountRoot().toString());
            finalise(disk.mountRoot(), hooksDir, mounts, diskEnv, runner, outside);
            List<Path> written =
                    new ArrayList<>(step("write tree outputs", () -> treeOutputs(disk.mountRoot(), work, false)));
            Path raw = step("finish disk", disk::finish);
            written.addAll(step("convert disk image", () -> diskOutputs(raw)));
            return written;
        }
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

    private static boolean noFinalImage(HookRunner runner, Map<String, String> env) {
        if ((" " + env.getOrDefault("IMAGE_ELEMENT", "") + " ").contains(" " + DIB_NO_FINAL_IMAGE_ELEMENT + " ")) {
            return true;
        }
        String value = env.get(NO_FINAL_IMAGE);
        if (value == null) {
            value = runner.sourcedEnvironment(env).get(NO_FINAL_IMAGE);
        }
        return value != null && value.trim().equals("1");
    }

    /**
     * What the tree after post-root.d is a function of: every element's files, the hooks' variables,
     * the package archive's state and jdib's own library and code.
     */
    static TreeKey treeKey(
            ElementResolution resolution, Map<String, String> env, BuildSpec spec, String archiveDate, String code) {
        return treeKey(
                resolution,
                env,
                spec,
                archiveDate,
                code,
                relative -> AFTER_CHECKPOINT.contains(relative.getName(0).toString()),
                null);
    }

    /**
     * The key of a tree taken at another point: {@code ranLater} names the element files (relative
     * paths) whose hooks run after it, {@code lastHook} the install.d hook it is taken after.
     */
    static TreeKey treeKey(
            ElementResolution resolution,
            Map<String, String> env,
            BuildSpec spec,
            String archiveDate,
            String code,
            java.util.function.Predicate<Path> ranLater,
            String lastHook) {
        TreeKey.Builder key = TreeKey.builder();
        if (lastHook != null) {
            key.input("taken-after", Phase.INSTALL.dirName() + "/" + lastHook);
        }
        resolution.elements().forEach(r -> key.element(r.name(), r.element().dir(), ranLater));
        key.environment(env)
                .input("arch", spec.arch())
                .input("packages", String.join(",", spec.extraPackages()))
                .input("archive-date", archiveDate)
                .directory("jdib-lib", spec.jdibHome().resolve("lib"))
                .input("jdib-code", code);
        return key.build();
    }

    /** The jar jdib runs from, by content (builds are reproducible); a classes directory (tests) by name. */
    private static String codeIdentity() {
        try {
            Path code = Path.of(Build.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return Files.isRegularFile(code) ? TreeKey.fileDigest(code) : "classes";
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Restores {@link #reusedCheckpoint} (saved under {@code key}, after {@code lastSkipped}) into the tree. */
    private void restore(TreeKey key, String lastSkipped, Path root, Path hooksDir) {
        Checkpoints.Facts facts = reusedCheckpoint.facts();
        events.info("reusing checkpoint " + key.shortDigest() + " (" + facts.description() + ", saved "
                + CacheInventory.age(Duration.between(facts.created(), java.time.Instant.now()))
                + " ago): root.d to " + lastSkipped + " are skipped; --no-cache rebuilds them");
        step("restore checkpoint", () -> {
            reusedCheckpoint.restoreInto(root, hooksDir);
            return null;
        });
    }

    /**
     * The last install.d hook that installs packages ({@code 01-package-installs} of the
     * package-installs element, DIB's name too), or null when no hook does.
     */
    static String packagesHook(HookTree tree) {
        String last = null;
        for (Hook hook : tree.hooks(Phase.INSTALL, note -> {})) {
            if (hook.script().endsWith(PACKAGES_HOOK_SUFFIX)) {
                last = hook.script();
            }
        }
        return last;
    }

    private static final String PACKAGES_HOOK_SUFFIX = "-package-installs";

    /**
     * The element files whose hooks run after install.d's {@code hook}: install.d hooks that sort
     * after it, and every later phase's.
     */
    static java.util.function.Predicate<Path> ranAfterInstallHook(String hook) {
        return relative -> {
            String top = relative.getName(0).toString();
            if (AFTER_PACKAGES.contains(top)) {
                return true;
            }
            return top.equals(Phase.INSTALL.dirName())
                    && relative.getNameCount() == 2
                    && RunPartsOrder.INSTANCE.compare(relative.getName(1).toString(), hook) > 0;
        };
    }

    /** A checkpoint that cannot be written (a full disk, say) costs the next build time, not this one. */
    private void saveCheckpoint(
            Checkpoints checkpoints,
            TreeKey key,
            Path root,
            Path hooksDir,
            ElementResolution resolution,
            Set<String> laterHookDirs,
            String taken) {
        String description = String.join(" ", resolution.names()) + ", " + spec.arch()
                + spec.environment().getOrDefault("DIB_RELEASE", "").transform(r -> r.isEmpty() ? "" : ", " + r)
                + taken;
        try {
            Checkpoints.Facts facts = step(
                    "save checkpoint",
                    () -> checkpoints.save(
                            key,
                            root,
                            hooksDir,
                            laterHookDirs,
                            description,
                            !spec.checkpoints().reuses()));
            events.info("saved checkpoint " + key.shortDigest() + taken + " (" + (facts.treeBytes() >> 20) + " MiB) in "
                    + checkpoints.root());
        } catch (RuntimeException e) {
            events.warn("could not save a checkpoint of the tree (" + e.getMessage()
                    + "); the build goes on, the next one starts from scratch");
        }
    }

    /**
     * The phase directories whose hooks run after the checkpoint: changing them cannot change the
     * checkpointed tree, so they are not part of its key, and a rebuild runs the current ones.
     */
    static final Set<String> AFTER_CHECKPOINT = java.util.stream.Stream.of(
                    Phase.BLOCK_DEVICE, Phase.PRE_FINALISE, Phase.FINALISE, Phase.CLEANUP)
            .map(Phase::dirName)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /**
     * The phase directories whose hooks all run after the packages checkpoint; its hooks archive
     * leaves out install.d too, so a rebuild runs the current install.d hooks after the split.
     */
    static final Set<String> AFTER_PACKAGES = java.util.stream.Stream.concat(
                    AFTER_CHECKPOINT.stream(),
                    java.util.stream.Stream.of(Phase.POST_INSTALL, Phase.POST_ROOT)
                            .map(Phase::dirName))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** pre-finalise.d, finalise.d in a chroot of the final tree, cleanup.d. */
    private void finalise(
            Path target,
            Path hooksDir,
            Mounts mounts,
            Map<String, String> env,
            HookRunner runner,
            HookRunner.Launcher outside) {
        phase(runner, Phase.PRE_FINALISE, env, outside);
        inChroot(target, hooksDir, mounts, env, runner, List.of(PhaseRun.whole(Phase.FINALISE)));
        phase(runner, Phase.CLEANUP, env, outside);
    }

    private void inChroot(
            Path root,
            Path hooksDir,
            Mounts mounts,
            Map<String, String> env,
            HookRunner runner,
            List<PhaseRun> phases) {
        if (phases.stream().noneMatch(p -> hasHooks(hooksDir, p.phase()))) {
            return;
        }
        // DIB_APT_LOCAL_CACHE=0 (dpkg's): no .deb shared between builds. Nor when the release is
        // not known here (an apt distribution other than Debian left at its element's default):
        // two distributions' packages of one name and version differ, so they never share a cache.
        String release = spec.environment().getOrDefault("DIB_RELEASE", "").trim();
        AptArchiveCache apt =
                "0".equals(env.getOrDefault("DIB_APT_LOCAL_CACHE", "1").trim()) || release.isEmpty()
                        ? null
                        : AptArchiveCache.forTree(root, aptCacheDir(release), events);
        if (apt != null) {
            apt.offer();
        }
        try (Chroot chroot = Chroot.enter(root, hooksDir, AptArchiveCache.binds(apt), mounts)) {
            HookRunner.Launcher inside = chroot.launcher(hooksDir);
            for (PhaseRun p : phases) {
                phase(runner, p, env, inside, root);
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

    /**
     * Apt trees of one release share an archive cache across builds, kept under the image cache
     * (the bootstrap, debootstrap's root.d, uses the same directory).
     */
    private Path aptCacheDir(String release) {
        return spec.imageCache().resolve("apt").resolve(release + "-" + spec.arch());
    }

    private void phase(HookRunner runner, Phase phase, Map<String, String> env, HookRunner.Launcher launcher) {
        phase(runner, PhaseRun.whole(phase), env, launcher, null);
    }

    /**
     * The hooks of one phase to run: all of them, or, where a checkpoint splits the phase, those up
     * to one hook or after it.
     */
    record PhaseRun(Phase phase, String splitHook, boolean upTo) {
        static PhaseRun whole(Phase phase) {
            return new PhaseRun(phase, null, false);
        }

        static PhaseRun upTo(Phase phase, String hook) {
            return new PhaseRun(phase, hook, true);
        }

        static PhaseRun after(Phase phase, String hook) {
            return new PhaseRun(phase, hook, false);
        }

        boolean accepts(Hook hook) {
            if (splitHook == null) {
                return true;
            }
            int order = RunPartsOrder.INSTANCE.compare(hook.script(), splitHook);
            return upTo ? order <= 0 : order > 0;
        }

        /** Whether the phase begins here (its before- breakpoint), and ends here (its after- one). */
        boolean begins() {
            return splitHook == null || upTo;
        }

        boolean ends() {
            return splitHook == null || !upTo;
        }

        String stepName() {
            return splitHook == null ? phase.dirName() : phase.dirName() + (upTo ? " to " : " after ") + splitHook;
        }
    }

    /** Runs one phase or part; {@code chrootRoot} is the tree its hooks run in, null for outside phases. */
    private void phase(
            HookRunner runner, PhaseRun run, Map<String, String> env, HookRunner.Launcher launcher, Path chrootRoot) {
        if (run.begins()) {
            breakpoint(BreakPoints.before(run.phase()), env, chrootRoot);
        }
        step(run.stepName(), () -> {
            try {
                runner.run(run.phase(), env, launcher, run::accepts);
            } catch (HookFailed e) {
                breakpoint(BreakPoints.AFTER_ERROR, env, chrootRoot);
                throw e;
            }
            return null;
        });
        if (run.ends()) {
            breakpoint(BreakPoints.after(run.phase()), env, chrootRoot);
        }
    }

    /**
     * DIB's break=POINT: a shell in the build's context (inside the chroot for chroot phases), with
     * the hooks' environment; the build goes on when it exits. Without a terminal there is no one
     * to type into it, so the build says so and goes on.
     */
    private void breakpoint(String point, Map<String, String> env, Path chrootRoot) {
        if (!breakPoints.has(point)) {
            return;
        }
        if (!terminalAttached()) {
            events.warn("break=" + point + ": no terminal attached, so no debug shell; going on");
            return;
        }
        events.info("break at " + point + ": starting a shell" + (chrootRoot == null ? "" : " in " + chrootRoot)
                + "; exit it to resume the build");
        List<String> argv = new ArrayList<>();
        if (chrootRoot != null) {
            argv.addAll(List.of("chroot", chrootRoot.toString(), "/usr/bin/env", "-i"));
            env.forEach((k, v) -> {
                if (!k.startsWith("BASH_FUNC_")) {
                    argv.add(k + "=" + v);
                }
            });
            argv.add("TMP_HOOKS_PATH=" + Chroot.IN_TARGET);
        }
        argv.addAll(List.of("/bin/bash", "-i"));
        ProcessBuilder shell = new ProcessBuilder(argv).inheritIO();
        shell.environment().clear();
        shell.environment().putAll(env);
        if (chrootRoot == null) {
            shell.directory(Path.of(env.get("TARGET_ROOT")).toFile());
        }
        try {
            shell.start().waitFor();
        } catch (IOException e) {
            events.warn("break=" + point + ": could not start a shell: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.info("resuming after " + point);
    }

    private static boolean terminalAttached() {
        try {
            return new ProcessBuilder("sh", "-c", "test -t 0 && test -t 1")
                            .redirectInput(ProcessBuilder.Redirect.INHERIT)
                            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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

    /** tar, tgz, squashfs, docker, oci: made from the final tree ({@link TreeOutputs}). */
    private List<Path> treeOutputs(Path root, Path work, boolean oneFileSystem) {
        List<OutputType> types =
                spec.types().stream().filter(OutputType::isTree).toList();
        if (types.isEmpty()) {
            return List.of();
        }
        TreeOutputRequest request = new TreeOutputRequest(
                root,
                spec.imageName(),
                types,
                work,
                oneFileSystem,
                spec.wantsContainer() ? spec.containerConfig() : null,
                spec.environment().get(SquashfsOutput.COMPRESSION_VARIABLE),
                spec.disk().checksum(),
                spec.container().dockerImport());
        partialOutputs.addAll(TreeOutputs.partials(request));
        keepOldOutputs(request.types().stream().map(request::target).toList());
        return new TreeOutputs(events).write(request);
    }

    private List<Path> diskOutputs(Path raw) {
        List<DiskFormat> formats = spec.types().stream()
                .filter(OutputType::isDisk)
                .map(OutputType::diskFormat)
                .toList();
        ConversionRequest request = ConversionRequest.of(raw, spec.imageName(), formats)
                .withCompress(!spec.disk().uncompressed())
                .withQemuImgOptions(spec.disk().qemuImgOptions())
                .withCompression(spec.disk().qcow2Compression())
                .withChecksum(spec.disk().checksum())
                .withConsumeSource(true);
        formats.forEach(f -> partialOutputs.add(TarOutput.partial(request.target(f))));
        keepOldOutputs(formats.stream().map(request::target).toList());
        return new DiskFormats(events, workspace.ledger())
                .convert(request).outputs().stream().map(ConvertedImage::path).toList();
    }

    /**
     * As DIB: an image already at an output's path is kept under a dated name (NAME-YYYY.MM.DD-hh.mm.ss.EXT,
     * with its .md5 and .sha256) unless OVERWRITE_OLD_IMAGE is set to something other than 0.
     */
    private void keepOldOutputs(List<Path> targets) {
        String overwrite =
                spec.environment().getOrDefault("OVERWRITE_OLD_IMAGE", "0").trim();
        if (!overwrite.isEmpty() && !overwrite.equals("0")) {
            return;
        }
        String stamp = java.time.LocalDateTime.now(java.time.ZoneId.systemDefault())
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy.MM.dd-HH.mm.ss"));
        for (Path target : targets) {
            if (!Files.isRegularFile(target)) {
                continue;
            }
            String name = target.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String old = dot > 0 ? name.substring(0, dot) + "-" + stamp + name.substring(dot) : name + "-" + stamp;
            try {
                Files.move(target, target.resolveSibling(old));
                for (String sum : List.of(".md5", ".sha256")) {
                    Path checksum = target.resolveSibling(name + sum);
                    if (Files.isRegularFile(checksum)) {
                        Files.move(checksum, target.resolveSibling(old + sum));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            events.info("old image found: kept as " + target.resolveSibling(old)
                    + " (set OVERWRITE_OLD_IMAGE=1 to replace it)");
        }
    }

    private static void requirePopulated(Path root) {
        try (var list = Files.list(root)) {
            if (list.findAny().isEmpty()) {
                throw new UserError(
                        "no root.d hook populated $TARGET_ROOT; include an operating-system element such as debian-minimal");
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
