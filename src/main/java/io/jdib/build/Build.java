package io.jdib.build;

import io.jdib.blockdevice.BlockDevice;
import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.cache.CacheInventory;
import io.jdib.cache.Checkpoints;
import io.jdib.element.ElementPath;
import io.jdib.element.ElementResolution;
import io.jdib.element.Resolver;
import io.jdib.event.EventSink;
import io.jdib.hook.BreakPoints;
import io.jdib.hook.Phase;
import io.jdib.image.OutputType;
import io.jdib.image.TreeOutputs;
import io.jdib.sys.Architecture;
import io.jdib.sys.Binfmt;
import io.jdib.sys.Exec;
import io.jdib.sys.Workspace;
import java.io.IOException;
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
        BuildContext ctx =
                new HookSetup(spec, events, steps).prepare(workspace, resolution, graph, breakPoints, partialOutputs);
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
}
