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
 * reads it (Failsafe runs all classes in one JVM, several at a time). Tests must only read what is
 * here: boot it from an overlay, copy it, open it read-only.
 *
 * <p>Two classes that ask for the same image at once get one build: the first builds, the other
 * waits for it. Classes asking for different images do not wait for each other.
 *
 * <p>Everything lives in one directory of the run under {@code target/}, removed when the JVM exits.
 */
public final class SharedBuilds {
    private static final Duration BUILD = Duration.ofMinutes(30);
    /** By image name: the build, finished or under way. */
    private static final OncePerKey<Built> BUILT = new OncePerKey<>();

    private static Path root;

    private SharedBuilds() {}

    /**
     * One finished (or failed) build: its outputs are {@code dir/out/NAME.SUFFIX}. {@code leftBehind}
     * is what the build left on the host (mounts and loop devices under {@code dir}, build
     * directories in its work dir), looked at as soon as it ended, before any reader could attach
     * a loop device of its own to an output.
     */
    public record Built(Path dir, String name, JdibProcess.Result result, List<String> leftBehind) {
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

    private static Built build(String name, Map<String, String> extraEnv, String... args) {
        // A build that fails is kept (its Built says how); one whose thread gave up (its class timed
        // out) is not, and the next class to ask builds it again.
        return BUILT.get(
                name,
                () -> run(name, extraEnv, args),
                seconds -> System.out.printf(
                        "shared build %s: waited %.1f s for the build another class started%n", name, seconds));
    }

    private static Built run(String name, Map<String, String> extraEnv, String... args) {
        Path dir = root().resolve(name);
        List<String> argv = new ArrayList<>(List.of(
                "disk-image-create", "-o", dir.resolve("out").resolve(name).toString()));
        argv.addAll(List.of(args));
        System.out.printf("shared build %s: building%n", name);
        long start = System.nanoTime();
        Map<String, String> env = new HashMap<>(environment(dir));
        env.putAll(extraEnv);
        JdibProcess.Result result = JdibProcess.run(BUILD, env, argv.toArray(String[]::new));
        List<String> left = new ArrayList<>(HostState.mountsUnder(dir));
        left.addAll(HostState.loopsUnder(dir));
        HostState.buildDirs(dir.resolve("work")).forEach(p -> left.add(p.toString()));
        System.out.printf(
                "shared build %s: exit %d in %.1f s%n", name, result.exitCode(), (System.nanoTime() - start) / 1e9);
        return new Built(dir, name, result, List.copyOf(left));
    }

    private static synchronized Path root() {
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
