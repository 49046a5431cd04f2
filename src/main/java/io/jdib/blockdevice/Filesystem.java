package io.jdib.blockdevice;

import io.jdib.blockdevice.config.FsType;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A filesystem the block-device layer made.
 *
 * @param node the mkfs node's name
 * @param device the block device it lives on, e.g. {@code /dev/loop3p2}
 * @param uuid as blkid shows it; for vfat the volume id {@code XXXX-XXXX}
 * @param mountPoint where it belongs in the image ({@code /boot/efi}), if it has a mount node
 * @param mountedAt where it is mounted on the host now; empty for vfat and swap, which are never
 *     mounted (fill a vfat filesystem with mtools: {@code mcopy -i DEVICE})
 */
public record Filesystem(
        String node,
        FsType type,
        String device,
        String label,
        String uuid,
        Optional<String> mountPoint,
        Optional<Path> mountedAt) {

    public Filesystem {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(mountedAt, "mountedAt");
    }

    Filesystem mountedAt(Path where) {
        return new Filesystem(node, type, device, label, uuid, mountPoint, Optional.ofNullable(where));
    }
}
