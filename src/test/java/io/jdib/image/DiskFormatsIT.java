package io.jdib.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.event.RecordingSink;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Conversions that need root: a tmpfs too small for the output. */
@Tag("integration")
@Timeout(120)
class DiskFormatsIT {
    @Test
    void aConversionThatFailsMidWriteLeavesNoPartial(@TempDir Path dir) throws IOException {
        // 8 MiB of noise does not compress, so the qcow2 cannot fit the 2 MiB tmpfs.
        Path raw = dir.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            byte[] noise = new byte[8 << 20];
            new java.util.Random(7).nextBytes(noise);
            f.write(noise);
        }
        Path small = dir.resolve("small");
        Host.ok(null, "mkdir", small.toString());
        Host.ok(null, "mount", "-t", "tmpfs", "-o", "size=2m", "jdib-test", small.toString());
        try {
            ConversionRequest request = ConversionRequest.of(raw, small.resolve("img"), List.of(DiskFormat.QCOW2))
                    .withCompress(false);
            assertThatThrownBy(() -> new DiskFormats(new RecordingSink()).convert(request))
                    .isInstanceOf(DiskFormatError.class)
                    .hasMessageContaining("img.qcow2");
            assertThat(small.toFile().list()).isEmpty();
        } finally {
            Host.ok(null, "umount", small.toString());
        }
    }
}
