package io.jdib.image;

import io.jdib.sys.UserError;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every output a build can write, by its DIB {@code -t} name: what it is made from, its file name
 * and the host tool that makes it. The one list of output types: the CLI, the build's recipes and
 * the writers all read it.
 */
public enum OutputType {
    QCOW2("qcow2", Source.DISK, "qcow2", "qemu-img", DiskFormat.QCOW2),
    RAW("raw", Source.DISK, "raw", "qemu-img", DiskFormat.RAW),
    VHD("vhd", Source.DISK, "vhd", "qemu-img", DiskFormat.VHD),
    VMDK("vmdk", Source.DISK, "vmdk", "qemu-img", DiskFormat.VMDK),
    VHDX("vhdx", Source.DISK, "vhdx", "qemu-img", DiskFormat.VHDX),
    TAR("tar", Source.TREE, "tar", "tar", null),
    TGZ("tgz", Source.TREE, "tgz", "tar", null),
    SQUASHFS("squashfs", Source.TREE, "squash", "mksquashfs", null),
    DOCKER("docker", Source.TREE, "docker.tar", "tar", null),
    OCI("oci", Source.TREE, "oci.tar", "tar", null),
    /** {@code NAME.kernel} + {@code NAME.initramfs}; only ramdisk-image-create asks for it. */
    RAMDISK("ramdisk", Source.RAMDISK, "initramfs", null, null);

    /** What an output is made from, which decides the build's recipe for it. */
    public enum Source {
        /** Converted from the raw disk image: the build makes a block device. */
        DISK,
        /** Written from the final tree. */
        TREE,
        /** A kernel and an initramfs made from the tree. */
        RAMDISK
    }

    /** The default output when {@code -t} is not given. */
    public static final OutputType DEFAULT = QCOW2;

    private final String id;
    private final Source source;
    private final String extension;
    private final String tool;
    private final DiskFormat diskFormat;

    OutputType(String id, Source source, String extension, String tool, DiskFormat diskFormat) {
        this.id = id;
        this.source = source;
        this.extension = extension;
        this.tool = tool;
        this.diskFormat = diskFormat;
    }

    /** The {@code -t} name. */
    public String id() {
        return id;
    }

    public Source source() {
        return source;
    }

    public boolean isDisk() {
        return source == Source.DISK;
    }

    public boolean isTree() {
        return source == Source.TREE;
    }

    /** docker and oci: they need an image name and config. */
    public boolean isContainer() {
        return this == DOCKER || this == OCI;
    }

    /** The file name extension: {@code NAME.tar}, {@code NAME.squash}, {@code NAME.oci.tar}... */
    public String extension() {
        return extension;
    }

    /** The host program that writes it. */
    public Optional<String> tool() {
        return Optional.ofNullable(tool);
    }

    /** The qemu-img format of a disk output. */
    public DiskFormat diskFormat() {
        if (diskFormat == null) {
            throw new IllegalStateException(id + " is not a disk format");
        }
        return diskFormat;
    }

    /** Whether a user may ask for it with {@code -t} (ramdisk comes from its own command). */
    public boolean selectable() {
        return source != Source.RAMDISK;
    }

    /** The type a user named with {@code -t} (case-insensitive); a one-line error listing the others. */
    public static OutputType parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (OutputType type : values()) {
            if (type.selectable() && type.id.equals(wanted)) {
                return type;
            }
        }
        throw new UserError(
                "image type '" + name + "' is not supported yet; this version writes: " + selectableNames());
    }

    /** The {@code -t} names, sorted, comma separated. */
    public static String selectableNames() {
        return Arrays.stream(values())
                .filter(OutputType::selectable)
                .map(OutputType::id)
                .sorted()
                .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
