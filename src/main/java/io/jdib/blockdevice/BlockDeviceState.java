package io.jdib.blockdevice;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * What the block-device layer has made, written to {@value #FILE_NAME} in the image directory after
 * every action. It is for diagnosis and for later steps (which device holds /boot, which label the
 * root has); undoing is the ledger's job, not this file's.
 *
 * @param phase {@code creating}, {@code created}, {@code unmounted} or {@code cleaned}
 * @param mountRoot where the filesystems are mounted on the host
 */
public record BlockDeviceState(
        String phase,
        String mountRoot,
        List<LoopState> loops,
        List<PartitionState> partitions,
        List<FilesystemState> filesystems) {

    public static final String FILE_NAME = "block-device-state.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public BlockDeviceState {
        loops = List.copyOf(loops);
        partitions = List.copyOf(partitions);
        filesystems = List.copyOf(filesystems);
    }

    /** An image file and the loop device on it; {@code device} is null once detached. */
    public record LoopState(String node, String file, String device, long sectorSize) {}

    /** A partition as partx mapped it. */
    public record PartitionState(
            String node, String device, int number, long startBytes, long sizeBytes, String type) {}

    /** A filesystem; {@code mountPoint} is its place in the image, {@code mountedAt} on the host. */
    public record FilesystemState(
            String node, String type, String device, String label, String uuid, String mountPoint, String mountedAt) {}

    public static Path file(Path imageDir) {
        return imageDir.resolve(FILE_NAME);
    }

    /** Writes the state so that a reader never sees half a file. */
    void write(Path imageDir) {
        Path target = file(imageDir);
        Path temp = imageDir.resolve(FILE_NAME + ".tmp");
        try {
            JSON.writeValue(temp.toFile(), this);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    public static BlockDeviceState read(Path imageDir) {
        Path source = file(imageDir);
        try {
            return JSON.readValue(source.toFile(), BlockDeviceState.class);
        } catch (IOException e) {
            throw new BlockDeviceException("cannot read block-device state " + source + ": " + e.getMessage(), e);
        }
    }
}
