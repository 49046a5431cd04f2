package io.jdib.sys;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Finds host programs and knows which Debian package ships each one. */
public final class Tools {
    private static final Map<String, String> PACKAGES = Map.ofEntries(
            Map.entry("mmdebstrap", "mmdebstrap"),
            Map.entry("debootstrap", "debootstrap"),
            Map.entry("tar", "tar"),
            Map.entry("gzip", "gzip"),
            Map.entry("pigz", "pigz"),
            Map.entry("qemu-img", "qemu-utils"),
            Map.entry("qemu-system-x86_64", "qemu-system-x86"),
            Map.entry("mkfs.ext4", "e2fsprogs"),
            Map.entry("mkfs.xfs", "xfsprogs"),
            Map.entry("mkfs.btrfs", "btrfs-progs"),
            Map.entry("mkfs.vfat", "dosfstools"),
            Map.entry("mcopy", "mtools"),
            Map.entry("mksquashfs", "squashfs-tools"),
            Map.entry("losetup", "mount"),
            Map.entry("partx", "util-linux"),
            Map.entry("sfdisk", "fdisk"),
            Map.entry("sgdisk", "gdisk"),
            Map.entry("fstrim", "util-linux"),
            Map.entry("setsid", "util-linux"),
            Map.entry("chroot", "coreutils"),
            Map.entry("zstd", "zstd"),
            Map.entry("xz", "xz-utils"),
            Map.entry("grub-install", "grub-pc-bin grub-efi-amd64-bin"),
            Map.entry("skopeo", "skopeo"),
            Map.entry("umoci", "umoci"));

    private Tools() {}

    public static Optional<Path> find(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin:/usr/local/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static boolean has(String tool) {
        return find(tool).isPresent();
    }

    /** The path of {@code tool}, or a {@link MissingToolError} naming the package to install. */
    public static Path require(String tool) {
        return find(tool).orElseThrow(() -> new MissingToolError(tool, PACKAGES.getOrDefault(tool, tool)));
    }
}
