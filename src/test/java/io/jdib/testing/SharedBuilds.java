package io.jdib.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The expensive images of an integration-test run, each built once and shared by every class that
 * reads it (Failsafe runs all classes in one JVM). Tests must only read what is here: boot it from
 * an overlay, copy it, open it read-only.
 *
 * <p>Everything lives in one directory of the run under {@code target/}, removed when the JVM exits.
 */
public final class SharedBuilds {
    private static final Duration BUILD = Duration.ofMinutes(30);
    private static final Map<String, Built> BUILT = new HashMap<>();
    private static Path root;

    private SharedBuilds() {}

    /** One finished (or failed) build: its outputs are {@code dir/out/NAME.SUFFIX}. */
    public record Built(Path dir, String name, JdibProcess.Result result) {
        public Path output(String suffix) {
            return dir.resolve("out").resolve(name + "." + suffix);
        }

        public Path workDir() {
            return dir.resolve("work");
        }

        /** The build's result, or an assertion error carrying its output when it failed. */
        public Built requireSuccess() {
            if (result.exitCode() != 0) {
                throw new AssertionError(
                        "shared build " + name + " failed (exit " + result.exitCode() + "):\n" + result.output());
            }
            return this;
        }
    }

    /** The arguments of {@link #minimalVm()} after {@code -o}: a rebuild with them reuses its checkpoint. */
    public static final List<String> MINIMAL_VM_ARGS =
            List.of("-t", "raw,qcow2,tar", "debian-minimal", "vm", "baremetal");

    /**
     * {@code debian-minimal vm baremetal}, MBR and BIOS GRUB: raw, qcow2 and tar of the final tree.
     * Built from scratch ({@code --no-cache}) with checkpoints on, so it leaves a checkpoint of its
     * tree in the run's image cache for CheckpointIT.
     */
    public static Built minimalVm() {
        List<String> args = new ArrayList<>(List.of("--no-cache"));
        args.addAll(MINIMAL_VM_ARGS);
        return build("minimal-vm", Map.of(CHECKPOINTS, "1"), args.toArray(String[]::new));
    }

    /** The variable that turns checkpoints on or off (off by default in tests: see JdibProcess). */
    public static final String CHECKPOINTS = "JDIB_CHECKPOINTS";

    /** {@code debian-minimal vm block-device-efi}, GPT with an ESP: raw, qcow2 and tar of the final tree. */
    public static Built efiVm() {
        return build("efi-vm", Map.of(), "-t", "raw,qcow2,tar", "debian-minimal", "vm", "block-device-efi");
    }

    /** {@code debian vm}, the cloud image: qcow2. */
    public static Built cloudVm() {
        return build("cloud-vm", Map.of(), "-t", "qcow2", "debian", "vm");
    }

    /** The environment the shared builds ran with: the test elements on the path and their own work dir. */
    public static Map<String, String> environment(Path dir) {
        return Map.of(
                "ELEMENTS_PATH",
                JdibProcess.testElements().toString(),
                "JDIB_WORK_DIR",
                dir.resolve("work").toString());
    }

    private static synchronized Built build(String name, Map<String, String> extraEnv, String... args) {
        Built done = BUILT.get(name);
        if (done != null) {
            return done;
        }
        Path dir = root().resolve(name);
        List<String> argv = new ArrayList<>(List.of(
                "disk-image-create", "-o", dir.resolve("out").resolve(name).toString()));
        argv.addAll(List.of(args));
        long start = System.nanoTime();
        Map<String, String> env = new HashMap<>(environment(dir));
        env.putAll(extraEnv);
        JdibProcess.Result result = JdibProcess.run(BUILD, env, argv.toArray(String[]::new));
        System.out.printf(
                "shared build %s: exit %d in %.1f s%n", name, result.exitCode(), (System.nanoTime() - start) / 1e9);
        Built built = new Built(dir, name, result);
        BUILT.put(name, built);
        return built;
    }

    private static Path root() {
        if (root == null) {
            try {
                Path target = JdibProcess.home().resolve("target");
                Files.createDirectories(target);
                root = Files.createTempDirectory(target, "it-shared-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path dir = root;
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> HostState.run("rm", "-rf", "--one-file-system", dir.toString()),
                            "jdib-shared-builds-cleanup"));
        }
        return root;
    }
}
