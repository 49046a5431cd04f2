package io.jdib.image;

import io.jdib.event.BuildEvent;
import io.jdib.event.EventSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Mounts;
import io.jdib.sys.Tools;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The outputs made from the finished tree rather than from the disk: {@code tar}, {@code tgz},
 * {@code squashfs} ({@code NAME.squash}), {@code docker} (a docker archive, {@code NAME.docker.tar})
 * and {@code oci} (an OCI image layout in a tar, {@code NAME.oci.tar}).
 *
 * <p>One GNU tar of the tree is made and shared: it is the {@code tar} output, the docker archive's
 * layer, and, gzip-compressed once, both the {@code tgz} output and the OCI layer. So each output is
 * the same whatever else was asked, and in whatever order. Before anything is written the tree is
 * checked to hold no host {@code /dev}, {@code /proc} or {@code /sys} (no chroot mounts left);
 * {@code lost+found} directories that mkfs made at the root of the disk's filesystems are left out.
 */
public final class TreeOutputs {

    private final EventSink events;

    public TreeOutputs(EventSink events) {
        this.events = events;
    }

    /** Writes every requested output; returns them in the order requested. */
    public List<Path> write(TreeOutputRequest request) {
        List<OutputType> types = request.types();
        if (types.isEmpty()) {
            return List.of();
        }
        requireNoHostFilesystems(request.tree());
        if (request.oneFileSystem()) {
            TarOutput.refuseMountedTree(request.tree());
        }
        List<String> excludes = mkfsLeftovers(request.tree());
        Map<OutputType, Path> written = new LinkedHashMap<>();
        List<Path> scratch = new ArrayList<>();
        try {
            boolean container = types.contains(OutputType.DOCKER) || types.contains(OutputType.OCI);
            Path layerTar = null;
            if (types.contains(OutputType.TAR) || types.contains(OutputType.TGZ) || container) {
                layerTar = types.contains(OutputType.TAR)
                        ? request.target(OutputType.TAR)
                        : request.scratch().resolve("layer.tar");
                if (!types.contains(OutputType.TAR)) {
                    scratch.add(layerTar);
                }
                TarOutput.tar(request.tree(), layerTar, request.oneFileSystem(), excludes);
                if (types.contains(OutputType.TAR)) {
                    written.put(OutputType.TAR, layerTar);
                }
            }
            Path layerGzip = null;
            if (types.contains(OutputType.TGZ) || types.contains(OutputType.OCI)) {
                layerGzip = types.contains(OutputType.OCI)
                        ? request.scratch().resolve("layer.tar.gz")
                        : request.target(OutputType.TGZ);
                if (types.contains(OutputType.OCI)) {
                    scratch.add(layerGzip);
                }
                TarOutput.gzip(layerTar, layerGzip);
                if (types.contains(OutputType.TGZ)) {
                    if (types.contains(OutputType.OCI)) {
                        copy(layerGzip, request.target(OutputType.TGZ));
                    }
                    written.put(OutputType.TGZ, request.target(OutputType.TGZ));
                }
            }
            if (types.contains(OutputType.SQUASHFS)) {
                events.info("writing squashfs (" + request.squashfsCompression() + ") "
                        + request.target(OutputType.SQUASHFS));
                SquashfsOutput.write(
                        request.tree(), request.target(OutputType.SQUASHFS), request.squashfsCompression(), excludes);
                written.put(OutputType.SQUASHFS, request.target(OutputType.SQUASHFS));
            }
            String diffId = container ? ImageJson.sha256(layerTar) : null;
            if (types.contains(OutputType.DOCKER)) {
                ContainerImage.Written docker = ContainerImage.writeDocker(
                        layerTar, diffId, request.container(), request.target(OutputType.DOCKER));
                recordDigests(request, "docker-digests", docker);
                written.put(OutputType.DOCKER, docker.path());
            }
            if (types.contains(OutputType.OCI)) {
                ContainerImage.Written oci =
                        ContainerImage.writeOci(layerGzip, diffId, request.container(), request.target(OutputType.OCI));
                recordDigests(request, "oci-digests", oci);
                written.put(OutputType.OCI, oci.path());
            }
        } finally {
            scratch.forEach(TarOutput::deleteQuietly);
        }
        List<Path> outputs = new ArrayList<>();
        for (OutputType type : types) {
            Path path = written.get(type);
            events.emit(new BuildEvent.OutputWritten(type.id(), path.toString(), size(path)));
            if (request.checksum()) {
                DiskFormats.writeChecksums(path);
            }
            outputs.add(path);
        }
        if (request.dockerImport() && types.contains(OutputType.DOCKER)) {
            dockerLoad(written.get(OutputType.DOCKER));
        }
        return outputs;
    }

    /**
     * A tree with the host's /dev, /proc or /sys in it (a chroot's mounts not undone) must never be
     * archived: refuse if anything is mounted there, or if /proc or /sys hold anything at all.
     */
    static void requireNoHostFilesystems(Path tree) {
        for (String dir : List.of("dev", "proc", "sys")) {
            Path path = tree.resolve(dir);
            List<Path> mounted = Mounts.mountedUnder(path);
            if (!mounted.isEmpty()) {
                throw new IllegalStateException("refusing to write outputs of " + tree + ": the host's /" + dir
                        + " is mounted in it (" + mounted + ")");
            }
        }
        for (String dir : List.of("proc", "sys")) {
            Path path = tree.resolve(dir);
            if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> list = Files.list(path)) {
                    List<Path> entries = list.limit(3).toList();
                    if (!entries.isEmpty()) {
                        throw new IllegalStateException("refusing to write outputs of " + tree + ": /" + dir
                                + " is not empty (" + entries + "...)");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** The lost+found directories mkfs made at the root of each filesystem mounted in the tree. */
    static List<String> mkfsLeftovers(Path tree) {
        Path base = tree.toAbsolutePath().normalize();
        List<String> excludes = new ArrayList<>();
        for (Path point : Mounts.mountedUnder(base)) {
            Path lostFound = point.resolve("lost+found");
            if (Files.isDirectory(lostFound, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                excludes.add(base.relativize(lostFound).toString());
            }
        }
        return excludes.stream().distinct().sorted().toList();
    }

    private void recordDigests(TreeOutputRequest request, String fileName, ContainerImage.Written image) {
        Path dir = request.manifestsDir();
        try {
            Files.createDirectories(dir);
            Files.writeString(
                    dir.resolve(fileName), image.digestsText(request.container().reference()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        events.info(fileName.replace("-digests", "") + " image "
                + request.container().reference() + ": config " + image.config().digest() + ", layer "
                + image.layer().digest());
    }

    /** {@code --docker-import}: {@code docker load} when a docker engine answers; otherwise says it skipped. */
    private void dockerLoad(Path archive) {
        var docker = Tools.find("docker");
        if (docker.isEmpty()) {
            events.warn("--docker-import skipped: no docker command on PATH; load " + archive
                    + " with 'docker load -i' or 'podman load -i' where an engine runs");
            return;
        }
        Exec.Result info =
                Exec.capture(Exec.Command.of(docker.get().toString(), "info", "--format", "{{.ServerVersion}}")
                        .timeout(Duration.ofSeconds(30)));
        if (!info.ok()) {
            events.warn("--docker-import skipped: no docker engine is running ("
                    + String.join(" ", info.tail()).strip() + "); load " + archive
                    + " with 'docker load -i' elsewhere");
            return;
        }
        events.info("loading " + archive + " into docker " + info.stdout().strip());
        Exec.Result load =
                Exec.capture(Exec.Command.of(docker.get().toString(), "load", "--input", archive.toString()));
        if (!load.ok()) {
            throw new UserError("docker load -i " + archive + " failed: " + String.join(" | ", load.tail()));
        }
        load.tail().stream()
                .filter(l -> !l.isBlank())
                .forEach(l -> events.emit(new BuildEvent.OutputLine("docker", l)));
    }

    /** Every file this request may write, under its temporary name, for the build to remove if it fails. */
    public static List<Path> partials(TreeOutputRequest request) {
        return request.types().stream()
                .map(t -> TarOutput.partial(request.target(t)))
                .toList();
    }

    private static void copy(Path from, Path to) {
        Path partial = TarOutput.partial(to);
        try {
            Files.copy(from, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            TarOutput.deleteQuietly(partial);
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails at once, before a long build, when a tool an asked-for output needs is missing. */
    public static void requireTools(List<OutputType> types) {
        types.stream()
                .filter(OutputType::isTree)
                .flatMap(t -> t.tool().stream())
                .distinct()
                .forEach(Tools::require);
    }
}
