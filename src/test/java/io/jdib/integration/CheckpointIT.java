package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.check.BootRequest;
import io.jdib.check.BootResult;
import io.jdib.check.QemuBoot;
import io.jdib.event.EventSink;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import io.jdib.testing.SharedBuilds;
import io.jdib.testing.TreeSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rebuilds from a checkpoint: the shared {@code debian-minimal vm baremetal} build saved one; two
 * rebuilds of the same command at once both reuse it while a prune runs, skip every phase up to
 * post-root.d, give the cold build's tree, and boot.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class CheckpointIT {
    private static final Duration BUILD = Duration.ofMinutes(20);
    /** The whole tree's checkpoint (the one after the package installs says ", up to install.d/..."). */
    private static final Pattern SAVED = Pattern.compile("saved checkpoint ([0-9a-f]{16}) \\(");

    /**
     * Files each build writes afresh, checkpoint or not: GRUB's config names the new filesystem's
     * UUID, and the manifests record the build's own arguments and environment. (Found by comparing
     * a cold build's tree with a rebuild's by hand: nothing else differed.)
     */
    private static final Set<String> MADE_PER_BUILD =
            Set.of("boot/grub/grub.cfg", "etc/dib-manifests/dib_arguments", "etc/dib-manifests/dib_environment");

    @TempDir
    Path dir;

    private Map<String, String> env(String name) {
        Map<String, String> env = new HashMap<>(SharedBuilds.environment(dir.resolve(name)));
        env.put(SharedBuilds.CHECKPOINTS, "1");
        return env;
    }

    private JdibProcess rebuild(String name) {
        List<String> argv = new ArrayList<>(List.of(
                "disk-image-create",
                "-o",
                dir.resolve(name).resolve("out").resolve(name).toString()));
        argv.addAll(SharedBuilds.MINIMAL_VM_ARGS);
        return JdibProcess.start(env(name), argv.toArray(String[]::new));
    }

    @Test
    void twoRebuildsAtOnceReuseTheCheckpointGiveTheSameTreeAndBoot() throws Exception {
        SharedBuilds.Built cold = SharedBuilds.minimalVm().requireSuccess();
        Matcher saved = SAVED.matcher(cold.result().output());
        assertThat(saved.find()).as(cold.result().output()).isTrue();
        String digest = saved.group(1);

        JdibProcess first = rebuild("first");
        JdibProcess second = rebuild("second");
        first.awaitLine(l -> l.contains("reusing checkpoint " + digest), BUILD);
        second.awaitLine(l -> l.contains("reusing checkpoint " + digest), BUILD);

        // While both run, a prune (dry run: the run's cache is shared by the other classes) keeps
        // the checkpoint they hold and the base trees and packages a running build may use.
        JdibProcess.Result prune =
                JdibProcess.run(Duration.ofMinutes(2), Map.of(), "cache", "prune", "--min-age", "0", "--dry-run");
        assertThat(prune.exitCode()).as(prune.output()).isZero();
        assertThat(prune.output())
                .containsPattern("kept +checkpoint .*in use by a running build")
                .containsPattern("kept +base tree .*a build is running");

        assertThat(first.waitFor(BUILD)).as(first.output()).isZero();
        assertThat(second.waitFor(BUILD)).as(second.output()).isZero();
        for (JdibProcess p : List.of(first, second)) {
            assertThat(p.output())
                    .doesNotContain("==> install.d")
                    .doesNotContain("==> root.d")
                    .contains("==> restore checkpoint")
                    .contains("==> finalise.d");
        }
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();

        Path rebuilt = dir.resolve("first/out/first");
        try {
            // The manifests named after the image (dib-manifest-dpkg-NAME) differ in name only.
            SortedMap<String, String> coldTree =
                    TreeSnapshot.withoutImageName(unpack(cold.output("tar"), dir.resolve("cold-tree")), cold.name());
            SortedMap<String, String> rebuiltTree = TreeSnapshot.withoutImageName(
                    unpack(Path.of(rebuilt + ".tar"), dir.resolve("rebuilt-tree")), "first");
            assertThat(rebuiltTree.keySet()).isEqualTo(coldTree.keySet());
            assertThat(TreeSnapshot.differences(coldTree, rebuiltTree))
                    .as("the rebuilt tree differs from the cold build's")
                    .isEmpty();
            // The manifests record the rebuild, not the build that saved the checkpoint.
            assertThat(Files.readString(dir.resolve("rebuilt-tree/etc/dib-manifests/dib_arguments")))
                    .contains("first/out/first");
        } finally {
            // Unpacked systems hold absolute symlinks that JUnit would warn about one by one.
            HostState.run(
                    "rm",
                    "-rf",
                    "--one-file-system",
                    dir.resolve("cold-tree").toString(),
                    dir.resolve("rebuilt-tree").toString());
        }

        BootResult booted = new QemuBoot(EventSink.NONE)
                .boot(BootRequest.ofImage(Path.of(rebuilt + ".qcow2"))
                        .withTimeout(Duration.ofMinutes(6))
                        .withConsoleLog(dir.resolve("first.console")));
        assertThat(booted.matched()).as(String.join("\n", booted.lastLines())).isTrue();
    }

    /**
     * Changing an install.d hook that runs after the package installs reuses the checkpoint taken
     * after them: the packages are not installed again, the changed hook runs, and the tree has its
     * new output.
     */
    @Test
    void anInstallHookChangedAfterThePackageInstallsReusesTheirCheckpoint() throws Exception {
        Path elements = dir.resolve("elements");
        Path hook = elements.resolve("checkpoint-marker/install.d/50-checkpoint-marker");
        Files.createDirectories(hook.getParent());
        Files.writeString(hook.getParent().getParent().resolve("README.rst"), "Writes /etc/checkpoint-marker.\n");
        writeHook(hook, "one");
        Map<String, String> env = new HashMap<>(env("marker"));
        env.put("ELEMENTS_PATH", elements + ":" + JdibProcess.testElements());
        env.put("OVERWRITE_OLD_IMAGE", "1");
        String out = dir.resolve("marker/out/marker").toString();
        String[] args = {"disk-image-create", "-o", out, "-t", "tar", "debian-minimal", "checkpoint-marker"};

        JdibProcess.Result cold = JdibProcess.run(BUILD, env, args);
        assertThat(cold.exitCode()).as(cold.output()).isZero();
        Matcher saved = Pattern.compile("saved checkpoint ([0-9a-f]{16}), up to install.d/01-package-installs")
                .matcher(cold.output());
        assertThat(saved.find()).as(cold.output()).isTrue();
        assertThat(marker(out)).isEqualTo("one\n");

        writeHook(hook, "two");
        JdibProcess.Result rebuilt = JdibProcess.run(BUILD, env, args);
        assertThat(rebuilt.exitCode()).as(rebuilt.output()).isZero();
        assertThat(rebuilt.output())
                .contains("reusing checkpoint " + saved.group(1))
                .contains("root.d to install.d/01-package-installs are skipped")
                .doesNotContain("==> root.d")
                .doesNotContain("==> install.d to 01-package-installs")
                .contains("==> install.d after 01-package-installs")
                .contains("==> post-install.d");
        assertThat(marker(out)).isEqualTo("two\n");
        assertThat(HostState.mountsUnder(dir)).isEmpty();
    }

    private static void writeHook(Path hook, String word) throws java.io.IOException {
        Files.writeString(hook, "#!/bin/bash\nset -eu\necho " + word + " > /etc/checkpoint-marker\n");
        Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String marker(String out) {
        return HostState.run("tar", "--extract", "--to-stdout", "--file", out + ".tar", "./etc/checkpoint-marker");
    }

    /** The tar output unpacked as root would, then its snapshot with per-build files' contents left out. */
    private static SortedMap<String, String> unpack(Path tar, Path into) throws Exception {
        Files.createDirectories(into);
        HostState.run(
                "tar",
                "--extract",
                "--file",
                tar.toString(),
                "--directory",
                into.toString(),
                "--numeric-owner",
                "--same-owner",
                "--preserve-permissions",
                "--xattrs",
                "--xattrs-include=*",
                "--acls");
        return TreeSnapshot.of(into, MADE_PER_BUILD);
    }
}
