package io.jdib.frontend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys of an image definition, as DIB's {@code diskimage-builder} reads them, in the order DIB
 * turns them into command-line arguments. Each names the disk-image-create (or ramdisk-image-create)
 * option it stands for, what kind of value it takes and which command takes it: the one table the
 * reader, the command line, {@code jdib build --help} and the docs come from.
 */
public enum ImageKey {
    IMAGENAME("imagename", Kind.TEXT, "-o", Scope.ANY, "Output name, without extension (default: image)."),
    ARCH("arch", Kind.ARCH, "-a", Scope.ANY, "Architecture of the image (default: this host's)."),
    TYPES("types", Kind.TYPES, "-t", Scope.DISK, "Output types, e.g. [qcow2, tar] (default: [qcow2])."),
    ENVIRONMENT(
            "environment", Kind.ENVIRONMENT, null, Scope.ANY, "Environment variables of the build, e.g. DIB_RELEASE."),
    RAMDISK("ramdisk", Kind.SELECT, null, Scope.ANY, "true: build a kernel and initramfs (ramdisk-image-create)."),
    DEBUG_TRACE("debug-trace", Kind.TRACE, "-x", Scope.ANY, "Trace level, 0 (off) to 2."),
    UNCOMPRESSED("uncompressed", Kind.FLAG, "-u", Scope.DISK, "Do not compress the qcow2 output."),
    CLEAR("clear", Kind.FLAG, "-c", Scope.ANY, "Clear the environment before the build (DIB_* and a few are kept)."),
    LOGFILE("logfile", Kind.TEXT, "--logfile", Scope.ANY, "Also write the build log to this file."),
    CHECKSUM("checksum", Kind.FLAG, "--checksum", Scope.ANY, "Write .sha256 and .md5 files of each output."),
    IMAGE_SIZE("image-size", Kind.SIZE, "--image-size", Scope.DISK, "Image size in GiB (or with a unit: 800MiB)."),
    IMAGE_EXTRA_SIZE(
            "image-extra-size", Kind.SIZE, "--image-extra-size", Scope.DISK, "GiB to add to the computed size."),
    IMAGE_CACHE(
            "image-cache", Kind.TEXT, "--image-cache", Scope.ANY, "Cache directory (default ~/.cache/image-create)."),
    MAX_ONLINE_RESIZE(
            "max-online-resize",
            Kind.COUNT,
            "--max-online-resize",
            Scope.DISK,
            "ext root: filesystem blocks it can grow to online."),
    MIN_TMPFS("min-tmpfs", Kind.COUNT, "--min-tmpfs", Scope.ANY, "GiB of free memory needed to build on tmpfs."),
    MKFS_JOURNAL_SIZE(
            "mkfs-journal-size", Kind.COUNT, "--mkfs-journal-size", Scope.DISK, "ext3/ext4 root journal size in MiB."),
    MKFS_OPTIONS(
            "mkfs-options", Kind.TEXT, "--mkfs-options", Scope.DISK, "Extra mkfs options for the root filesystem."),
    NO_TMPFS("no-tmpfs", Kind.FLAG, "--no-tmpfs", Scope.ANY, "Do not build on tmpfs."),
    NO_CACHE(
            "no-cache",
            Kind.FLAG,
            "--no-cache",
            Scope.ANY,
            "Build the whole tree even when a checkpoint of it is cached (jdib; not in DIB)."),
    OFFLINE("offline", Kind.FLAG, "--offline", Scope.ANY, "Use only cached downloads."),
    QEMU_IMG_OPTIONS(
            "qemu-img-options",
            Kind.OPTIONS,
            "--qemu-img-options",
            Scope.DISK,
            "qemu-img -o options as a mapping, e.g. {compat: '1.1'}."),
    QCOW2_COMPRESSION(
            "qcow2-compression",
            Kind.TEXT,
            "--qcow2-compression",
            Scope.DISK,
            "qcow2 compression: zlib (default) or zstd (jdib's)."),
    ROOT_LABEL("root-label", Kind.TEXT, "--root-label", Scope.DISK, "Root filesystem label (default cloudimg-rootfs)."),
    RAMDISK_ELEMENT("ramdisk-element", Kind.TEXT, "--ramdisk-element", Scope.ANY, "The element that makes a ramdisk."),
    INSTALL_TYPE("install-type", Kind.INSTALL_TYPE, "--install-type", Scope.ANY, "Default install type."),
    DOCKER_TARGET(
            "docker-target", Kind.TEXT, "--docker-target", Scope.DISK, "NAME[:TAG] of the docker and oci outputs."),
    DOCKER_IMPORT(
            "docker-import",
            Kind.FLAG,
            "--docker-import",
            Scope.DISK,
            "Load the docker output into the local docker engine (jdib's)."),
    COMPRESSION(
            "compression",
            Kind.COMPRESSION,
            "--compression",
            Scope.RAMDISK,
            "initramfs compression: gzip, xz, zstd or none (jdib's)."),
    PACKAGES("packages", Kind.LIST, "-p", Scope.ANY, "Extra packages to install."),
    SKIP_BASE("skip-base", Kind.FLAG, "-n", Scope.ANY, "Leave out the implicit base element."),
    ELEMENTS("elements", Kind.POSITIONAL, null, Scope.ANY, "The elements to build from.");

    /** Which of the two commands takes a key. */
    public enum Scope {
        ANY,
        /** disk-image-create only: not for {@code ramdisk: true}. */
        DISK,
        /** ramdisk-image-create only: needs {@code ramdisk: true}. */
        RAMDISK
    }

    /** What a key's value looks like and how it becomes arguments. */
    public enum Kind {
        /** Any single value; given as {@code OPTION VALUE} (not at all when empty). */
        TEXT(Shape.SCALAR, "a value"),
        /** A boolean; the option alone when true. */
        FLAG(Shape.SCALAR, "true or false"),
        /** A boolean that picks the command ({@code ramdisk}); no argument. */
        SELECT(Shape.SCALAR, "true or false"),
        /** 0, 1 or 2: the option repeated that many times. */
        TRACE(Shape.SCALAR, "0, 1 or 2"),
        /** A whole number of at least 1. */
        COUNT(Shape.SCALAR, "a whole number"),
        /** A size as the command line takes it. */
        SIZE(Shape.SCALAR, "a size in GiB"),
        /** An architecture name. */
        ARCH(Shape.SCALAR, "an architecture"),
        /** source or package. */
        INSTALL_TYPE(Shape.SCALAR, "source or package"),
        /** An initramfs compression. */
        COMPRESSION(Shape.SCALAR, "gzip, xz, zstd or none"),
        /** A list of output types; comma-joined after the option. */
        TYPES(Shape.LIST, "a list of types"),
        /** A list of words; comma-joined after the option. */
        LIST(Shape.LIST, "a list"),
        /** A list of words given as arguments of their own, at the end. */
        POSITIONAL(Shape.LIST, "a list"),
        /** Variables of the build's environment; no argument. */
        ENVIRONMENT(Shape.MAP, "a mapping of variable names to values"),
        /** A mapping given as {@code OPTION k=v,k2=v2}. */
        OPTIONS(Shape.MAP, "a mapping");

        final Shape shape;
        final String expected;

        Kind(Shape shape, String expected) {
            this.shape = shape;
            this.expected = expected;
        }
    }

    /** The YAML form of a value. */
    enum Shape {
        SCALAR,
        LIST,
        MAP
    }

    private final String key;
    private final Kind kind;
    private final String option;
    private final Scope scope;
    private final String description;

    ImageKey(String key, Kind kind, String option, Scope scope, String description) {
        this.key = key;
        this.kind = kind;
        this.option = option;
        this.scope = scope;
        this.description = description;
    }

    /** The key as written in YAML. */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    /** The command-line option it stands for, if it stands for one. */
    public Optional<String> option() {
        return Optional.ofNullable(option);
    }

    public Scope scope() {
        return scope;
    }

    public String description() {
        return description;
    }

    public static Optional<ImageKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    /** Every key, in table order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(ImageKey::key).toList();
    }

    /** The arguments {@code value} stands for on the command line (none for environment and ramdisk). */
    List<String> arguments(Value value) {
        List<String> args = new ArrayList<>();
        switch (kind) {
            case TEXT, COUNT, SIZE, ARCH, INSTALL_TYPE, COMPRESSION -> {
                String text = ((Value.Scalar) value).text();
                if (!text.isEmpty()) {
                    args.add(option);
                    args.add(text);
                }
            }
            case FLAG -> {
                if (((Value.Scalar) value).isTrue()) {
                    args.add(option);
                }
            }
            case TRACE -> args.addAll(Collections.nCopies(Integer.parseInt(((Value.Scalar) value).text()), option));
            case TYPES, LIST -> {
                List<String> items = ((Value.Items) value).items();
                if (!items.isEmpty()) {
                    args.add(option);
                    args.add(String.join(",", items));
                }
            }
            case POSITIONAL -> args.addAll(((Value.Items) value).items());
            case OPTIONS -> {
                Map<String, String> pairs = ((Value.Pairs) value).pairs();
                if (!pairs.isEmpty()) {
                    args.add(option);
                    args.add(String.join(
                            ",",
                            pairs.entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue())
                                    .toList()));
                }
            }
            case ENVIRONMENT, SELECT -> {}
        }
        return args;
    }

    /** The keys and what each takes, for {@code jdib build --help}: lines of at most 80 columns. */
    public static List<String> help() {
        List<String> lines = new ArrayList<>();
        for (ImageKey k : values()) {
            String scope = switch (k.scope) {
                case ANY -> "";
                case DISK -> "; not with ramdisk: true";
                case RAMDISK -> "; only with ramdisk: true";
            };
            lines.add("  " + k.key + ": " + k.kind.expected + (k.option == null ? "" : " (" + k.option + ")") + scope);
            StringBuilder line = new StringBuilder("      ");
            for (String word : k.description.split(" ")) {
                if (line.length() + word.length() + 1 > 80) {
                    lines.add(line.toString().stripTrailing());
                    line = new StringBuilder("      ");
                }
                line.append(word).append(' ');
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }
}
