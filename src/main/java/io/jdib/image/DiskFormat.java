package io.jdib.image;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The disk image formats jdib writes from the raw image, by their DIB {@code -t} names.
 * {@code qemuFormat} is qemu-img's name for the format ({@code vhd} is qemu's {@code vpc}).
 */
public enum DiskFormat {
    QCOW2("qcow2", "qcow2"),
    RAW("raw", "raw"),
    VHD("vhd", "vpc"),
    VMDK("vmdk", "vmdk"),
    VHDX("vhdx", "vhdx");

    private final String extension;
    private final String qemuFormat;

    DiskFormat(String extension, String qemuFormat) {
        this.extension = extension;
        this.qemuFormat = qemuFormat;
    }

    /** The file name extension and the {@code -t} name. */
    public String extension() {
        return extension;
    }

    /** The name qemu-img uses for {@code -O} and reports in {@code qemu-img info}. */
    public String qemuFormat() {
        return qemuFormat;
    }

    /** The format named {@code name} ({@code -t} spelling, case-insensitive); a {@link DiskFormatError} if none. */
    public static DiskFormat parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (DiskFormat format : values()) {
            if (format.extension.equals(wanted)) {
                return format;
            }
        }
        throw new DiskFormatError("unknown disk image type '" + name + "'; use one of: " + names());
    }

    static String names() {
        return Arrays.stream(values()).map(DiskFormat::extension).collect(Collectors.joining(", "));
    }

    static List<DiskFormat> all() {
        return List.of(values());
    }
}
