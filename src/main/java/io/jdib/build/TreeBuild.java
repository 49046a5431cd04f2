package io.jdib.build;

import io.jdib.cache.CacheInventory;
import io.jdib.cache.Checkpoints;
import io.jdib.cache.TreeKey;
import io.jdib.element.ElementResolution;
import io.jdib.hook.Hook;
import io.jdib.hook.HookTree;
import io.jdib.hook.Phase;
import io.jdib.hook.RunPartsOrder;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The part of a build that makes the tree, up to and including post-root.d: root.d and
 * extra-data.d on the host, pre-install.d, install.d and post-install.d in a chroot, post-root.d.
 *
 * <p>With checkpoints on, two trees are saved in the image cache under content keys: the whole tree
 * after post-root.d, and the tree after install.d's last {@code *-package-installs} hook. A later
 * build with the same key restores the tree instead of running the hooks (the whole tree's
 * checkpoint first, then the packages one, which still runs the hooks after it). A build that
 * restored a checkpoint holds it ({@link #close()}) so that no prune removes it meanwhile.
 */
final class TreeBuild implements AutoCloseable {
    private final BuildContext ctx;
    /** The package archive's state (its Release date) when the build looked it up; part of the key. */
    private final String archiveDate;
    /** The checkpoint this build restored, held until the build ends. */
    private Checkpoints.Held reused;

    TreeBuild(BuildContext ctx, String archiveDate) {
        this.ctx = ctx;
        this.archiveDate = archiveDate;
    }

    /** Makes the tree at {@code ctx.root()}, from a checkpoint where one fits. */
    void run() {
        BuildSpec spec = ctx.spec();
        Map<String, String> env = ctx.env();
        Phases phases = ctx.phases();
        Path root = ctx.root();
        boolean saves = spec.checkpoints().saves();
        boolean reuses = spec.checkpoints().reuses();
        String code = saves ? codeIdentity() : null;
        TreeKey key = saves
                ? ctx.steps()
                        .step("compute checkpoint key", () -> treeKey(ctx.resolution(), env, spec, archiveDate, code))
                : null;
        // A second checkpoint after the hook that installs install.d's packages, so that changing a
        // later hook reruns only what follows it.
        String packagesHook = saves ? packagesHook(ctx.hooks()) : null;
        // What the packages checkpoint leaves out of its hooks: later phases, and the elements'
        // install.d hooks after the split (listed now, before extra-data.d hooks add their own links).
        Set<String> laterHooks = new TreeSet<>(AFTER_PACKAGES);
        if (packagesHook != null) {
            ctx.hooks().hooks(Phase.INSTALL, note -> {}).stream()
                    .filter(h -> RunPartsOrder.INSTANCE.compare(h.script(), packagesHook) > 0)
                    .forEach(h -> laterHooks.add(Phase.INSTALL.dirName() + "/" + h.script()));
        }
        TreeKey packagesKey = packagesHook == null
                ? null
                : treeKey(
                        ctx.resolution(),
                        env,
                        spec,
                        archiveDate,
                        code,
                        ranAfterInstallHook(packagesHook),
                        packagesHook);
        Checkpoints checkpoints = new Checkpoints(spec.imageCache());
        reused = key != null && reuses ? checkpoints.find(key).orElse(null) : null;
        if (reused != null) {
            restore(key, "post-root.d");
            return;
        }
        reused = packagesKey != null && reuses ? checkpoints.find(packagesKey).orElse(null) : null;
        if (reused != null) {
            restore(packagesKey, "install.d/" + packagesHook);
        } else {
            if (key != null && reuses) {
                ctx.events()
                        .info("no checkpoint for this tree yet"
                                + checkpoints
                                        .closest(key)
                                        .map(d -> " (the closest differs in: " + d + ")")
                                        .orElse(""));
            }
            phases.outside(Phase.ROOT, env);
            requirePopulated(root);
            phases.outside(Phase.EXTRA_DATA, env);
            if (packagesKey == null) {
                phases.inChroot(
                        root,
                        env,
                        List.of(
                                PhaseRun.whole(Phase.PRE_INSTALL),
                                PhaseRun.whole(Phase.INSTALL),
                                PhaseRun.whole(Phase.POST_INSTALL)));
            } else {
                phases.inChroot(
                        root,
                        env,
                        List.of(PhaseRun.whole(Phase.PRE_INSTALL), PhaseRun.upTo(Phase.INSTALL, packagesHook)));
                save(checkpoints, packagesKey, laterHooks, ", up to install.d/" + packagesHook);
            }
        }
        if (packagesKey != null) {
            phases.inChroot(
                    root,
                    env,
                    List.of(PhaseRun.after(Phase.INSTALL, packagesHook), PhaseRun.whole(Phase.POST_INSTALL)));
        }
        phases.outside(Phase.POST_ROOT, env);
        if (key != null) {
            save(checkpoints, key, AFTER_CHECKPOINT, "");
        }
    }

    /** Lets go of the checkpoint the build restored, if any. */
    @Override
    public void close() {
        if (reused != null) {
            reused.close();
        }
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
            Predicate<Path> ranLater,
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
            Path code = Path.of(TreeBuild.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return Files.isRegularFile(code) ? TreeKey.fileDigest(code) : "classes";
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Restores {@link #reused} (saved under {@code key}, after {@code lastSkipped}) into the tree. */
    private void restore(TreeKey key, String lastSkipped) {
        Checkpoints.Facts facts = reused.facts();
        ctx.events()
                .info("reusing checkpoint " + key.shortDigest() + " (" + facts.description() + ", saved "
                        + CacheInventory.age(Duration.between(facts.created(), java.time.Instant.now()))
                        + " ago): root.d to " + lastSkipped + " are skipped; --no-cache rebuilds them");
        ctx.steps().step("restore checkpoint", () -> {
            reused.restoreInto(ctx.root(), ctx.hooksDir());
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
    static Predicate<Path> ranAfterInstallHook(String hook) {
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
    private void save(Checkpoints checkpoints, TreeKey key, Set<String> laterHookDirs, String taken) {
        BuildSpec spec = ctx.spec();
        String description = String.join(" ", ctx.resolution().names()) + ", " + spec.arch()
                + spec.environment().getOrDefault("DIB_RELEASE", "").transform(r -> r.isEmpty() ? "" : ", " + r)
                + taken;
        try {
            Checkpoints.Facts facts = ctx.steps()
                    .step(
                            "save checkpoint",
                            () -> checkpoints.save(
                                    key,
                                    ctx.root(),
                                    ctx.hooksDir(),
                                    laterHookDirs,
                                    description,
                                    !spec.checkpoints().reuses()));
            ctx.events()
                    .info("saved checkpoint " + key.shortDigest() + taken + " (" + (facts.treeBytes() >> 20)
                            + " MiB) in " + checkpoints.root());
        } catch (RuntimeException e) {
            ctx.events()
                    .warn("could not save a checkpoint of the tree (" + e.getMessage()
                            + "); the build goes on, the next one starts from scratch");
        }
    }

    /**
     * The phase directories whose hooks run after the checkpoint: changing them cannot change the
     * checkpointed tree, so they are not part of its key, and a rebuild runs the current ones.
     */
    static final Set<String> AFTER_CHECKPOINT = Stream.of(
                    Phase.BLOCK_DEVICE, Phase.PRE_FINALISE, Phase.FINALISE, Phase.CLEANUP)
            .map(Phase::dirName)
            .collect(Collectors.toUnmodifiableSet());

    /**
     * The phase directories whose hooks all run after the packages checkpoint; its hooks archive
     * leaves out install.d too, so a rebuild runs the current install.d hooks after the split.
     */
    static final Set<String> AFTER_PACKAGES = Stream.concat(
                    AFTER_CHECKPOINT.stream(),
                    Stream.of(Phase.POST_INSTALL, Phase.POST_ROOT).map(Phase::dirName))
            .collect(Collectors.toUnmodifiableSet());

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
}
