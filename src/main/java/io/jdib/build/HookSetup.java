package io.jdib.build;

import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.element.ElementResolution;
import io.jdib.event.EventSink;
import io.jdib.hook.BreakPoints;
import io.jdib.hook.HookRunner;
import io.jdib.hook.HookTree;
import io.jdib.hook.InstallTypes;
import io.jdib.image.OutputType;
import io.jdib.sys.Exec;
import io.jdib.sys.Mounts;
import io.jdib.sys.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The first step after the build directory exists: merges the elements' hooks, sets the variables
 * they see (DIB's, the block-device layout's), writes the helpers outside hooks call (dib-run-parts,
 * a sudo where the host has none, a launcher of this jdib), and returns the {@link BuildContext}
 * every later step shares.
 */
final class HookSetup {
    private final BuildSpec spec;
    private final EventSink events;
    private final StepTimes steps;

    HookSetup(BuildSpec spec, EventSink events, StepTimes steps) {
        this.spec = spec;
        this.events = events;
        this.steps = steps;
    }

    /** Merges the elements' hooks and sets up what their phases share: their environment, the host's helpers. */
    BuildContext prepare(
            Workspace workspace,
            ElementResolution resolution,
            BlockDeviceGraph graph,
            BreakPoints breakPoints,
            Set<Path> partialOutputs) {
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
        Phases phases = new HookPhases(events, runner, hooksDir, mounts, outside, breakPoints, steps);
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
                try (var in = HookSetup.class.getResourceAsStream("sudo")) {
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

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
