package io.jdib.image;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One written output.
 *
 * @param format    its format
 * @param path      {@code NAME.ext}, under its final name
 * @param bytes     its size on disk (apparent size; a raw image may be sparse)
 * @param virtualSize the size of the disk it holds, in bytes
 * @param took      how long writing it took
 * @param checksums the {@code .sha256} and {@code .md5} files written for it (empty without --checksum)
 */
public record ConvertedImage(
        DiskFormat format, Path path, long bytes, long virtualSize, Duration took, List<Path> checksums) {
    public ConvertedImage {
        checksums = List.copyOf(checksums);
    }
}
