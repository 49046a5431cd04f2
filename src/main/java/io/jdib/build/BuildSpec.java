package io.jdib.build;

import io.jdib.image.ContainerConfig;
import io.jdib.image.ImageReference;
import io.jdib.image.OutputType;
import io.jdib.image.SquashfsOutput;
import io.jdib.sys.Architecture;
import io.jdib.sys.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one build needs to know, fixed before it starts. Built through {@link Builder}, which
 * rejects combinations that cannot work, so a BuildSpec that exists is a valid one.
 */
public record BuildSpec(
        Path imageName,
        List<OutputType> types,
        String arch,
        List<String> elements,
        boolean withBase,
        List<String> extraPackages,
        boolean offline,
        Path imageCache,
        boolean useTmpfs,
        int minTmpfsGiB,
        int traceLevel,
        Path jdibHome,
        Path workRoot,
        Map<String, String> environment,
        List<String> arguments,
        DiskOptions disk,
        ContainerOptions container,
        CheckpointUse checkpoints) {

    /**
     * Whether the build reuses and saves a checkpoint of its tree after post-root.d: USE both (the
     * default), REFRESH saves without reusing ({@code --no-cache}), OFF neither
     * ({@code JDIB_CHECKPOINTS=0}).
     */
    public enum CheckpointUse {
        USE,
        REFRESH,
        OFF;

        public boolean reuses() {
            return this == USE;
        }

        public boolean saves() {
            return this != OFF;
        }
    }

    /** The variable that turns checkpoints off for a build ({@code 0}) or on (anything else). */
    public static final String CHECKPOINTS_VARIABLE = "JDIB_CHECKPOINTS";

    /**
     * How the disk image is made, for builds with a disk type. Null fields mean DIB's default;
     * {@code qcow2Compression} ({@code --qcow2-compression}) wins over a {@code compression_type} in
     * {@code qemuImgOptions}.
     */
    public record DiskOptions(
            String imageSize,
            String imageExtraSize,
            String rootLabel,
            String mkfsOptions,
            Integer mkfsJournalSize,
            String maxOnlineResize,
            String qemuImgOptions,
            boolean uncompressed,
            boolean checksum,
            io.jdib.image.Qcow2Compression qcow2Compression) {
        public static DiskOptions defaults() {
            return new DiskOptions(null, null, null, null, null, null, null, false, false, null);
        }
    }

    /**
     * Container outputs ({@code -t docker,oci}): the name and tag ({@code --docker-target}; null: the
     * image's file name and {@code latest}) and whether to load the docker archive ({@code --docker-import}).
     */
    public record ContainerOptions(ImageReference dockerTarget, boolean dockerImport) {
        public static ContainerOptions defaults() {
            return new ContainerOptions(null, false);
        }
    }

    /** The architecture built for ({@code -a}). */
    public Architecture architecture() {
        return Architecture.parse(arch);
    }

    /** This spec with another environment (DIB_RELEASE resolved to a codename, say). */
    public BuildSpec withEnvironment(Map<String, String> value) {
        return new BuildSpec(
                imageName,
                types,
                arch,
                elements,
                withBase,
                extraPackages,
                offline,
                imageCache,
                useTmpfs,
                minTmpfsGiB,
                traceLevel,
                jdibHome,
                workRoot,
                value,
                arguments,
                disk,
                container,
                checkpoints);
    }

    public boolean wantsDisk() {
        return types.stream().anyMatch(OutputType::isDisk);
    }

    /** The name and tag of the docker and oci outputs. */
    public ImageReference dockerTarget() {
        return container.dockerTarget() != null
                ? container.dockerTarget()
                : ImageReference.fromImageName(imageName.getFileName().toString());
    }

    /** Whether a docker or oci output is asked for. */
    public boolean wantsContainer() {
        return types.stream().anyMatch(OutputType::isContainer);
    }

    /** The image config of the docker and oci outputs (created: SOURCE_DATE_EPOCH, else now). */
    public ContainerConfig containerConfig() {
        return ContainerConfig.forBuild(dockerTarget(), arch, environment);
    }

    public String rootLabel() {
        return disk.rootLabel();
    }

    public String imageSize() {
        return disk.imageSize();
    }

    public String imageExtraSize() {
        return disk.imageExtraSize();
    }

    public String mkfsOptions() {
        return disk.mkfsOptions();
    }

    public Integer mkfsJournalSize() {
        return disk.mkfsJournalSize();
    }

    public String maxOnlineResize() {
        return disk.maxOnlineResize();
    }

    public BuildSpec {
        types = List.copyOf(types);
        elements = List.copyOf(elements);
        extraPackages = List.copyOf(extraPackages);
        environment = Map.copyOf(environment);
        arguments = List.copyOf(arguments);
        container = container == null ? ContainerOptions.defaults() : container;
        checkpoints = checkpoints == null ? CheckpointUse.USE : checkpoints;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** DIB's IMAGE_NAME: the output path without extension. */
    public String imageNameString() {
        return imageName.toString();
    }

    public static final class Builder {
        private Path imageName = Path.of("image");
        private final List<OutputType> types = new ArrayList<>();
        private String arch = Architecture.host().debianName();
        private final List<String> elements = new ArrayList<>();
        private boolean withBase = true;
        private final List<String> extraPackages = new ArrayList<>();
        private boolean offline;
        private Path imageCache;
        private boolean useTmpfs = true;
        private int minTmpfsGiB = 2;
        private int traceLevel;
        private Path jdibHome;
        private Path workRoot;
        private Map<String, String> environment = Map.of();
        private List<String> arguments = List.of();
        private DiskOptions disk = DiskOptions.defaults();
        private ContainerOptions container = ContainerOptions.defaults();
        private boolean noCache;

        /** {@code --no-cache}: build the whole tree even when a checkpoint for it exists. */
        public Builder noCache(boolean value) {
            noCache = value;
            return this;
        }

        public Builder container(ContainerOptions value) {
            container = value;
            return this;
        }

        public Builder disk(DiskOptions value) {
            disk = value;
            return this;
        }

        public Builder imageName(Path value) {
            imageName = value;
            return this;
        }

        /** The {@code -t} names, parsed here so that an unknown one fails with the list of known ones. */
        public Builder types(List<String> value) {
            types.clear();
            value.stream().map(OutputType::parse).forEach(types::add);
            return this;
        }

        /** Types set by a command rather than the user (ramdisk-image-create's ramdisk). */
        public Builder outputTypes(List<OutputType> value) {
            types.clear();
            types.addAll(value);
            return this;
        }

        public Builder arch(String value) {
            arch = value;
            return this;
        }

        public Builder elements(List<String> value) {
            elements.clear();
            elements.addAll(value);
            return this;
        }

        public Builder withBase(boolean value) {
            withBase = value;
            return this;
        }

        public Builder extraPackages(List<String> value) {
            extraPackages.clear();
            extraPackages.addAll(value);
            return this;
        }

        public Builder offline(boolean value) {
            offline = value;
            return this;
        }

        public Builder imageCache(Path value) {
            imageCache = value;
            return this;
        }

        public Builder useTmpfs(boolean value) {
            useTmpfs = value;
            return this;
        }

        public Builder minTmpfsGiB(int value) {
            minTmpfsGiB = value;
            return this;
        }

        public Builder traceLevel(int value) {
            traceLevel = value;
            return this;
        }

        public Builder jdibHome(Path value) {
            jdibHome = value;
            return this;
        }

        public Builder workRoot(Path value) {
            workRoot = value;
            return this;
        }

        public Builder environment(Map<String, String> value) {
            environment = value;
            return this;
        }

        public Builder arguments(List<String> value) {
            arguments = value;
            return this;
        }

        public BuildSpec build() {
            if (elements.isEmpty()) {
                throw new UserError(
                        "no elements given; name at least an operating-system element, e.g. debian-minimal");
            }
            Set<OutputType> unique = new LinkedHashSet<>(types.isEmpty() ? List.of(OutputType.DEFAULT) : types);
            if (container.dockerImport() && !unique.contains(OutputType.DOCKER)) {
                throw new UserError("--docker-import loads the docker output: add docker to -t (e.g. -t docker)");
            }
            if (unique.contains(OutputType.SQUASHFS)) {
                SquashfsOutput.compression(environment.get(SquashfsOutput.COMPRESSION_VARIABLE));
            }
            if (jdibHome == null) {
                throw new IllegalStateException("jdibHome not set");
            }
            Path cache = imageCache != null
                    ? imageCache
                    : Path.of(environment.getOrDefault(
                            "DIB_IMAGE_CACHE", environment.getOrDefault("HOME", "/root") + "/.cache/image-create"));
            Path work =
                    workRoot != null ? workRoot : Path.of(environment.getOrDefault("JDIB_WORK_DIR", "/var/tmp/jdib"));
            String debianArch = Architecture.parse(arch).debianName();
            BuildSpec spec = new BuildSpec(
                    imageName.toAbsolutePath().normalize(),
                    List.copyOf(unique),
                    debianArch,
                    elements,
                    withBase,
                    extraPackages,
                    offline,
                    cache.toAbsolutePath(),
                    useTmpfs,
                    minTmpfsGiB,
                    traceLevel,
                    jdibHome,
                    work.toAbsolutePath(),
                    environment,
                    arguments,
                    disk,
                    container,
                    checkpointUse());
            if (spec.wantsContainer()) {
                spec.containerConfig(); // a bad -a, DIB_CONTAINER_CMD or image name fails now, not after the build
            }
            return spec;
        }

        private CheckpointUse checkpointUse() {
            if ("0".equals(environment.getOrDefault(CHECKPOINTS_VARIABLE, "").trim())) {
                return CheckpointUse.OFF;
            }
            return noCache ? CheckpointUse.REFRESH : CheckpointUse.USE;
        }
    }
}
