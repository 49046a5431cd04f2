package io.jdib.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.event.BuildEvent;
import io.jdib.event.RecordingSink;
import io.jdib.testing.HostState;
import io.jdib.testing.TreeSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every tree output of a small tree holding what a root filesystem holds (setuid, hard links,
 * symlinks, device nodes, a fifo, numeric owners), read back with the tools that consume them:
 * GNU tar, unsquashfs, umoci, skopeo.
 */
@Tag("integration")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class TreeOutputsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ContainerConfig CONFIG = new ContainerConfig(
            ImageReference.parse("tiny:1"),
            "arm64",
            null,
            List.of(),
            List.of("/bin/sh"),
            List.of(ContainerConfig.DEFAULT_PATH),
            Instant.ofEpochSecond(1700000000));

    @TempDir
    static Path dir;

    static Path tree;
    static SortedMap<String, String> expected;

    @BeforeAll
    static void makeTree() throws IOException {
        tree = dir.resolve("tree");
        Host.ok(
                null,
                "sh",
                "-ec",
                String.join(
                        "\n",
                        "mkdir -p \"$0\" && cd \"$0\"",
                        "mkdir -p etc usr/bin home/user dev proc sys tmp var/lib",
                        "printf 'setting=1\\n' > etc/conf",
                        "printf '#!/bin/sh\\necho su\\n' > usr/bin/su && chmod 4755 usr/bin/su",
                        "ln usr/bin/su usr/bin/su-hardlink",
                        "printf 'secret\\n' > home/user/file && chmod 600 home/user/file && chown -R 1000:1000 home/user",
                        "ln -s ../etc/conf var/lib/relative-link && ln -s /etc/conf var/lib/absolute-link",
                        "mknod dev/null c 1 3 && chmod 666 dev/null && mknod dev/loop7 b 7 7",
                        "mkfifo var/lib/fifo && chmod 1777 tmp && chgrp 42 etc/conf",
                        "mkdir usr/lost+found",
                        // What only tools that keep extended attributes carry over: a file capability, an
                        // ACL, a user attribute.
                        "printf '#!/bin/sh\\n' > usr/bin/pinger && chmod 755 usr/bin/pinger",
                        "setcap cap_net_raw+ep usr/bin/pinger",
                        "setfacl -m u:1000:r etc/conf",
                        "setfattr -n user.jdib -v kept etc/conf"),
                tree.toString());
        expected = TreeSnapshot.of(tree);
    }

    private static TreeOutputRequest request(Path out, List<String> types) {
        return new TreeOutputRequest(
                tree,
                out.resolve("img"),
                types.stream().map(OutputType::parse).toList(),
                scratch(out),
                true,
                CONFIG,
                null,
                false,
                false);
    }

    private static Path scratch(Path out) {
        try {
            return Files.createDirectories(out.resolve("scratch"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path extractTar(Path tar, Path into, String... extra) throws IOException {
        Files.createDirectories(into);
        String[] argv = new String[] {
            "tar",
            "--extract",
            "--numeric-owner",
            "--preserve-permissions",
            "--xattrs",
            "--xattrs-include=*",
            "--file",
            tar.toString(),
            "--directory",
            into.toString()
        };
        Host.ok(null, concat(argv, extra));
        return into;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void everyOutputHoldsTheTreeWithOwnersModesLinksAndDevices(@TempDir Path out) throws IOException {
        RecordingSink sink = new RecordingSink();
        List<Path> written =
                new TreeOutputs(sink).write(request(out, List.of("oci", "tar", "squashfs", "tgz", "docker")));

        assertThat(written)
                .extracting(p -> p.getFileName().toString())
                .containsExactly("img.oci.tar", "img.tar", "img.squash", "img.tgz", "img.docker.tar");
        assertThat(sink.ofType(BuildEvent.OutputWritten.class))
                .extracting(BuildEvent.OutputWritten::type)
                .containsExactly("oci", "tar", "squashfs", "tgz", "docker");

        assertThat(TreeSnapshot.of(extractTar(out.resolve("img.tar"), out.resolve("x-tar"))))
                .isEqualTo(expected);
        assertThat(TreeSnapshot.of(extractTar(out.resolve("img.tgz"), out.resolve("x-tgz"), "--gzip")))
                .isEqualTo(expected);

        Host.ok(
                null,
                "unsquashfs",
                "-no-progress",
                "-d",
                out.resolve("x-squash").toString(),
                out.resolve("img.squash").toString());
        // SquashFS has no place for POSIX ACLs (the kernel's squashfs knows only the user, trusted
        // and security namespaces): everything else, capabilities included, survives.
        assertThat(TreeSnapshot.of(out.resolve("x-squash"))).isEqualTo(TreeSnapshot.withoutAcls(expected));

        Path docker = extractTar(out.resolve("img.docker.tar"), out.resolve("x-docker-archive"));
        JsonNode manifest = JSON.readTree(docker.resolve("manifest.json").toFile());
        assertThat(manifest.at("/0/RepoTags/0").asText()).isEqualTo("tiny:1");
        Path layer = docker.resolve(manifest.at("/0/Layers/0").asText());
        assertThat(TreeSnapshot.of(extractTar(layer, out.resolve("x-docker")))).isEqualTo(expected);
        JsonNode config =
                JSON.readTree(docker.resolve(manifest.at("/0/Config").asText()).toFile());
        assertThat(config.at("/rootfs/diff_ids/0").asText()).isEqualTo(ImageJson.sha256(layer));

        Path layout = extractTar(out.resolve("img.oci.tar"), out.resolve("x-oci-layout"));
        Host.ok(
                null,
                "umoci",
                "unpack",
                "--image",
                layout + ":tiny:1",
                out.resolve("x-oci").toString());
        assertThat(TreeSnapshot.of(out.resolve("x-oci/rootfs"))).isEqualTo(expected);

        assertThat(out.resolve("scratch")).isEmptyDirectory();
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(TarOutput.PARTIAL_SUFFIX));
        }
    }

    @Test
    void ociLayoutBlobsMatchTheirDigestsAndTheDigestsAreRecorded(@TempDir Path out) throws IOException {
        new TreeOutputs(new RecordingSink()).write(request(out, List.of("oci", "docker")));
        Path layout = extractTar(out.resolve("img.oci.tar"), out.resolve("layout"));

        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        assertThat(index.at("/manifests/0/annotations/org.opencontainers.image.ref.name")
                        .asText())
                .isEqualTo("tiny:1");
        String manifestDigest = index.at("/manifests/0/digest").asText();
        Path manifestBlob = layout.resolve("blobs/sha256/" + manifestDigest.substring(7));
        assertThat(ImageJson.sha256(manifestBlob)).isEqualTo(manifestDigest);
        assertThat(Files.size(manifestBlob))
                .isEqualTo(index.at("/manifests/0/size").asLong());
        JsonNode manifest = JSON.readTree(manifestBlob.toFile());
        for (String pointer : List.of("/config", "/layers/0")) {
            String digest = manifest.at(pointer + "/digest").asText();
            Path blob = layout.resolve("blobs/sha256/" + digest.substring(7));
            assertThat(ImageJson.sha256(blob)).as(pointer).isEqualTo(digest);
            assertThat(Files.size(blob))
                    .as(pointer)
                    .isEqualTo(manifest.at(pointer + "/size").asLong());
        }
        try (var blobs = Files.list(layout.resolve("blobs/sha256"))) {
            assertThat(blobs).hasSize(3);
        }
        String configDigest = manifest.at("/config/digest").asText();
        String layerDigest = manifest.at("/layers/0/digest").asText();
        assertThat(Files.readString(out.resolve("img.d/oci-digests")))
                .contains("reference tiny:1\n")
                .contains("manifest " + manifestDigest + " ")
                .contains("config " + configDigest + " ")
                .contains("layer " + layerDigest + " ");
        // The docker archive carries the same config: same image id.
        assertThat(Files.readString(out.resolve("img.d/docker-digests"))).contains("config " + configDigest + " ");
    }

    @Test
    void eachOutputIsTheSameWhateverElseIsAskedAndInAnyOrder(@TempDir Path out) throws IOException {
        List<String> all = List.of("docker", "squashfs", "oci", "tgz", "tar");
        new TreeOutputs(new RecordingSink()).write(request(out.resolve("all"), all));
        for (String type : all) {
            Path alone = out.resolve("alone-" + type);
            new TreeOutputs(new RecordingSink()).write(request(alone, List.of(type)));
            String ext = OutputType.parse(type).extension();
            Path a = alone.resolve("img." + ext);
            Path b = out.resolve("all/img." + ext);
            if (type.equals("squashfs")) {
                assertThat(Host.ok(null, "unsquashfs", "-lln", "-d", "/", a.toString()))
                        .isEqualTo(Host.ok(null, "unsquashfs", "-lln", "-d", "/", b.toString()));
            } else {
                assertThat(Files.mismatch(a, b)).as(type).isEqualTo(-1L);
            }
        }
    }

    @Test
    void skopeoReadsBothImagesWithTheirArchitectureAndTag(@TempDir Path out) throws IOException {
        new TreeOutputs(new RecordingSink()).write(request(out, List.of("docker", "oci")));

        for (String ref : List.of(
                "oci-archive:" + out.resolve("img.oci.tar") + ":tiny:1",
                "docker-archive:" + out.resolve("img.docker.tar") + ":tiny:1")) {
            JsonNode inspect = JSON.readTree(Host.ok(null, "skopeo", "inspect", ref));
            assertThat(inspect.get("Architecture").asText()).as(ref).isEqualTo("arm64");
            assertThat(inspect.get("Os").asText()).as(ref).isEqualTo("linux");
        }
        assertThat(Host.run(null, "skopeo", "inspect", "oci-archive:" + out.resolve("img.oci.tar") + ":tiny:2")
                        .exitCode())
                .isNotZero();
    }

    @Test
    void refusesATreeWithHostFilesystemsInIt(@TempDir Path out) throws IOException {
        Path bad = out.resolve("bad");
        Files.createDirectories(bad.resolve("proc"));
        Files.createDirectories(bad.resolve("dev"));
        Files.writeString(bad.resolve("proc/cpuinfo"), "processor : 0\n");
        assertThatThrownBy(() -> TreeOutputs.requireNoHostFilesystems(bad))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/proc is not empty");

        Files.delete(bad.resolve("proc/cpuinfo"));
        Host.ok(null, "mount", "-t", "tmpfs", "jdib-test", bad.resolve("dev").toString());
        try {
            TreeOutputRequest request = new TreeOutputRequest(
                    bad, out.resolve("img"), List.of(OutputType.TAR), scratch(out), false, null, null, false, false);
            assertThatThrownBy(() -> new TreeOutputs(new RecordingSink()).write(request))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the host's /dev is mounted in it");
            assertThat(out.resolve("img.tar")).doesNotExist();
        } finally {
            Host.ok(null, "umount", bad.resolve("dev").toString());
        }
        assertThat(HostState.mountsUnder(out)).isEmpty();
        TreeOutputs.requireNoHostFilesystems(bad);
    }

    @Test
    void lostAndFoundOfMountedFilesystemsIsLeftOutButNotOtherDirectoriesOfThatName(@TempDir Path out)
            throws IOException {
        Path disk = out.resolve("disk");
        Files.createDirectories(disk.resolve("boot"));
        Files.createDirectories(disk.resolve("usr/lost+found"));
        Files.writeString(disk.resolve("usr/lost+found/keep"), "kept\n");
        Host.ok(null, "mount", "-t", "tmpfs", "jdib-test", disk.resolve("boot").toString());
        try {
            Files.createDirectories(disk.resolve("boot/lost+found"));
            Files.writeString(disk.resolve("boot/vmlinuz"), "kernel\n");
            assertThat(TreeOutputs.mkfsLeftovers(disk)).containsExactly("boot/lost+found");

            TreeOutputRequest request = new TreeOutputRequest(
                    disk,
                    out.resolve("img"),
                    List.of(OutputType.TAR, OutputType.SQUASHFS),
                    scratch(out),
                    false,
                    null,
                    "gzip",
                    false,
                    false);
            new TreeOutputs(new RecordingSink()).write(request);
        } finally {
            Host.ok(null, "umount", disk.resolve("boot").toString());
        }
        assertThat(Host.ok(
                                null,
                                "tar",
                                "--list",
                                "--file",
                                out.resolve("img.tar").toString())
                        .lines())
                .contains("./boot/vmlinuz", "./usr/lost+found/keep")
                .noneMatch(l -> l.startsWith("./boot/lost+found"));
        assertThat(Host.ok(
                                null,
                                "unsquashfs",
                                "-l",
                                "-d",
                                "",
                                out.resolve("img.squash").toString())
                        .lines())
                .contains("/boot/vmlinuz", "/usr/lost+found/keep")
                .noneMatch(l -> l.startsWith("/boot/lost+found"));
        assertThat(Host.ok(null, "unsquashfs", "-s", out.resolve("img.squash").toString()))
                .contains("Compression gzip");
        assertThat(HostState.mountsUnder(out)).isEmpty();
    }
}
