package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import io.jdib.testing.TreeSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container and filesystem outputs of real debian-minimal builds: one build asking for a disk and
 * every tree type at once ({@code -t qcow2,squashfs,tar,tgz,oci,docker}), and one asking for
 * {@code oci} alone. Each output is read back with the tools that consume it (GNU tar, umoci,
 * skopeo, the kernel's squashfs and ext4) and must hold the same tree as the others and as the
 * single-type build.
 */
@Tag("integration")
@Timeout(value = 50, unit = TimeUnit.MINUTES)
class ContainerOutputsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET = "jdib/debian:test";
    /** Files whose content depends on the build's arguments or the time, not on the tree asked for. */
    private static final Set<String> VARIES =
            Set.of("etc/dib-manifests/dib_arguments", "etc/dib-manifests/dib_environment", "etc/fstab");

    private static final Set<String> ALLOWED_DEV = Set.of(
            "dev",
            "dev/console",
            "dev/full",
            "dev/null",
            "dev/ptmx",
            "dev/random",
            "dev/tty",
            "dev/urandom",
            "dev/zero",
            "dev/fd",
            "dev/stdin",
            "dev/stdout",
            "dev/stderr",
            "dev/pts",
            "dev/shm");

    @TempDir
    static Path dir;

    static Path out;
    static JdibProcess.Result combined;
    static JdibProcess.Result single;
    static SortedMap<String, String> tarTree;

    @BeforeAll
    static void build() throws IOException {
        out = dir.resolve("out");
        Map<String, String> env =
                Map.of("JDIB_WORK_DIR", dir.resolve("work").toString(), "DIB_CONTAINER_CMD", "/bin/bash -l");
        combined = JdibProcess.run(
                Duration.ofMinutes(25),
                env,
                "disk-image-create",
                "-o",
                out.resolve("all").toString(),
                "-t",
                "qcow2,squashfs,tar,tgz,oci,docker",
                "--docker-target",
                TARGET,
                "--docker-import",
                "debian-minimal");
        assertThat(combined.exitCode()).as(combined.output()).isZero();
        single = JdibProcess.run(
                Duration.ofMinutes(25),
                env,
                "disk-image-create",
                "-o",
                out.resolve("one").toString(),
                "-t",
                "oci",
                "--docker-target",
                TARGET,
                "debian-minimal");
        assertThat(single.exitCode()).as(single.output()).isZero();
        tarTree = TreeSnapshot.of(extract(out.resolve("all.tar"), dir.resolve("x-tar")), VARIES);
    }

    /** The extracted trees hold absolute symlinks; remove them here so JUnit need not warn about each. */
    @AfterAll
    static void removeExtractedTrees() throws IOException {
        try (var list = Files.list(dir)) {
            for (Path p : list.filter(p -> p.getFileName().toString().matches("x-.*|.*-layout|.*-bundle"))
                    .toList()) {
                run("rm", "-rf", "--one-file-system", p.toString());
            }
        }
    }

    private static Path extract(Path tar, Path into, String... extra) throws IOException {
        Files.createDirectories(into);
        List<String> argv = new ArrayList<>(List.of(
                "tar",
                "--extract",
                "--numeric-owner",
                "--preserve-permissions",
                "--xattrs",
                "--xattrs-include=*",
                "--file",
                tar.toString(),
                "--directory",
                into.toString()));
        argv.addAll(List.of(extra));
        run(argv.toArray(String[]::new));
        return into;
    }

    private static String run(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(String.join(" ", argv) + ":\n" + text).isZero();
            return text;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** umoci's rootfs of an OCI archive, unpacked by the reference jdib wrote into it. */
    private static Path umociRootfs(Path archive, String name) throws IOException {
        Path layout = extract(archive, dir.resolve(name + "-layout"));
        Path bundle = dir.resolve(name + "-bundle");
        if (!Files.exists(bundle)) {
            run("umoci", "unpack", "--image", layout + ":" + TARGET, bundle.toString());
        }
        return bundle.resolve("rootfs");
    }

    /** Mounts {@code image} read-only through a read-only loop device, reads it, and detaches. */
    private static <T> T readMounted(Path image, String type, String options, Function<Path, T> reader)
            throws IOException {
        Path mnt = Files.createDirectories(dir.resolve("mnt-" + image.getFileName()));
        String loop = run("losetup", "--read-only", "--find", "--show", image.toString())
                .strip();
        try {
            run("mount", "-t", type, "-o", options, loop, mnt.toString());
            try {
                return reader.apply(mnt);
            } finally {
                run("umount", mnt.toString());
            }
        } finally {
            run("losetup", "--detach", loop);
        }
    }

    private static void assertSameTree(SortedMap<String, String> actual, String what) {
        assertThat(TreeSnapshot.differences(tarTree, actual))
                .as(what + " differs from the tar output")
                .isEmpty();
        assertThat(actual).hasSizeGreaterThan(5000);
    }

    @Test
    void skopeoReadsBothImagesWithArchitectureTagAndCommand() throws IOException {
        for (String ref : List.of(
                "oci-archive:" + out.resolve("all.oci.tar") + ":" + TARGET,
                "docker-archive:" + out.resolve("all.docker.tar") + ":" + TARGET)) {
            JsonNode inspect = JSON.readTree(run("skopeo", "inspect", ref));
            assertThat(inspect.get("Architecture").asText()).as(ref).isEqualTo("amd64");
            assertThat(inspect.get("Os").asText()).as(ref).isEqualTo("linux");
            assertThat(inspect.get("Layers")).as(ref).hasSize(1);
            JsonNode config = JSON.readTree(run("skopeo", "inspect", "--config", ref));
            assertThat(config.at("/config/Cmd").toString()).as(ref).isEqualTo("[\"/bin/bash\",\"-l\"]");
        }
    }

    @Test
    void digestsAreRecordedInTheManifestsDirectory() throws IOException {
        JsonNode oci = JSON.readTree(run("skopeo", "inspect", "oci-archive:" + out.resolve("all.oci.tar")));
        String ociDigests = Files.readString(out.resolve("all.d/oci-digests"));
        assertThat(ociDigests)
                .contains("reference " + TARGET + "\n")
                .contains("manifest " + oci.get("Digest").asText() + " ")
                .contains("layer " + oci.at("/Layers/0").asText() + " ");
        JsonNode docker = JSON.readTree(run("skopeo", "inspect", "docker-archive:" + out.resolve("all.docker.tar")));
        String dockerDigests = Files.readString(out.resolve("all.d/docker-digests"));
        assertThat(dockerDigests).contains("layer " + docker.at("/Layers/0").asText() + " ");
        // One tree, one config: the uncompressed layer of both images is the tar output.
        String diffId = "diff_id " + io.jdib.image.ImageJson.sha256(out.resolve("all.tar")) + "\n";
        assertThat(ociDigests).contains(diffId);
        assertThat(dockerDigests).contains(diffId);
    }

    @Test
    void umociRootfsIsTheTarOutput() throws IOException {
        assertSameTree(TreeSnapshot.of(umociRootfs(out.resolve("all.oci.tar"), "all"), VARIES), "umoci rootfs");
    }

    @Test
    void tgzAndDockerLayerHoldTheTarOutput() throws IOException {
        assertSameTree(TreeSnapshot.of(extract(out.resolve("all.tgz"), dir.resolve("x-tgz"), "--gzip"), VARIES), "tgz");
        Path archive = extract(out.resolve("all.docker.tar"), dir.resolve("x-docker-archive"));
        JsonNode manifest = JSON.readTree(archive.resolve("manifest.json").toFile());
        assertThat(manifest.at("/0/RepoTags/0").asText()).isEqualTo(TARGET);
        assertThat(Files.mismatch(archive.resolve(manifest.at("/0/Layers/0").asText()), out.resolve("all.tar")))
                .isEqualTo(-1L);
    }

    @Test
    void squashfsListsAndMountsReadOnlyWithTheSameTree() throws IOException {
        String listing = run("unsquashfs", "-l", out.resolve("all.squash").toString());
        assertThat(listing.lines()).contains("squashfs-root/etc/debian_version", "squashfs-root/usr/bin/passwd");
        assertThat(run("unsquashfs", "-s", out.resolve("all.squash").toString()))
                .contains("Compression xz");

        SortedMap<String, String> mounted = readMounted(out.resolve("all.squash"), "squashfs", "ro", mnt -> {
            assertThat(mnt.resolve("etc/debian_version")).exists();
            return TreeSnapshot.of(mnt, VARIES);
        });
        // SquashFS holds xattrs but not POSIX ACLs (systemd's on /var/log/journal): all else is the same.
        assertThat(TreeSnapshot.differences(TreeSnapshot.withoutAcls(tarTree), mounted))
                .as("mounted squashfs differs from the tar output")
                .isEmpty();
        assertThat(tarTree.get("var/log/journal")).contains("system.posix_acl_access");
        assertThat(HostState.loopsUnder(dir)).isEmpty();
    }

    @Test
    void diskOfTheSameBuildHoldsTheSameTree() throws IOException {
        Path raw = dir.resolve("all.raw");
        run(
                "qemu-img",
                "convert",
                "-f",
                "qcow2",
                "-O",
                "raw",
                out.resolve("all.qcow2").toString(),
                raw.toString());
        SortedMap<String, String> disk = readMounted(raw, "ext4", "ro,noload", mnt -> {
            SortedMap<String, String> s = new TreeMap<>(TreeSnapshot.of(mnt, VARIES));
            s.keySet().removeIf(k -> k.equals("lost+found") || k.startsWith("lost+found/"));
            return s;
        });
        Files.delete(raw);
        assertSameTree(disk, "qcow2's filesystem");
        assertThat(tarTree).doesNotContainKey("lost+found");
    }

    @Test
    void eachOutputHoldsTheSameTreeAsWhenItIsTheOnlyTypeAsked() throws IOException {
        Path alone = umociRootfs(out.resolve("one.oci.tar"), "one");
        // The manifests named after the image (dib-manifest-dpkg-NAME) differ in name only.
        assertThat(TreeSnapshot.differences(
                        TreeSnapshot.withoutImageName(tarTree, "all"),
                        TreeSnapshot.withoutImageName(TreeSnapshot.of(alone, VARIES), "one")))
                .as("rootfs of the oci-only build differs from the tar output")
                .isEmpty();
        assertThat(Files.readString(alone.resolve("etc/fstab"))).startsWith("# UNCONFIGURED FSTAB");
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("one")))
                    .containsExactlyInAnyOrder("one.oci.tar", "one.d");
        }
    }

    @Test
    void noOutputHoldsTheHostsDevProcOrSys() throws IOException {
        List<SortedMap<String, String>> trees = List.of(
                tarTree,
                TreeSnapshot.of(umociRootfs(out.resolve("all.oci.tar"), "all")),
                readMounted(out.resolve("all.squash"), "squashfs", "ro", TreeSnapshot::of));
        for (SortedMap<String, String> tree : trees) {
            assertThat(tree.keySet())
                    .filteredOn(k -> k.equals("dev") || k.startsWith("dev/"))
                    .isSubsetOf(ALLOWED_DEV);
            assertThat(tree.keySet())
                    .filteredOn(k -> k.startsWith("proc") || k.startsWith("sys"))
                    .containsOnly("proc", "sys");
            assertThat(tree.get("dev/null")).endsWith("dev 1:3");
        }
    }

    @Test
    void dockerImportSaysItWasSkippedWithoutAnEngine() {
        boolean engine = HostState.run("sh", "-c", "docker info >/dev/null 2>&1 && echo running")
                .contains("running");
        assumeFalse(engine, "a docker engine runs here, so --docker-import loads instead of skipping");
        assertThat(combined.output())
                .contains("--docker-import skipped:")
                .contains("load " + out.resolve("all.docker.tar"));
    }

    @Test
    void dockerImportLoadsTheImageWhereAnEngineRuns() {
        boolean engine = HostState.run("sh", "-c", "docker info >/dev/null 2>&1 && echo running")
                .contains("running");
        assumeTrue(engine, "no docker engine runs here");
        assertThat(combined.output()).doesNotContain("--docker-import skipped:");
        assertThat(HostState.run("docker", "image", "inspect", TARGET)).contains("\"RepoTags\"");
    }

    @Test
    void outputsAreAnnouncedAndNothingIsLeftBehind() throws IOException {
        for (String name : List.of("all.qcow2", "all.squash", "all.tar", "all.tgz", "all.oci.tar", "all.docker.tar")) {
            assertThat(combined.output())
                    .containsPattern("wrote .*" + name.replace(".", "\\.") + " \\(\\d+\\.\\d MiB\\)");
        }
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "all.qcow2",
                            "all.squash",
                            "all.tar",
                            "all.tgz",
                            "all.oci.tar",
                            "all.docker.tar",
                            "all.d",
                            "one.oci.tar",
                            "one.d");
        }
    }
}
