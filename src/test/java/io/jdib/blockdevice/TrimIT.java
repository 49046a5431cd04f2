package io.jdib.blockdevice;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.blockdevice.config.BlockDeviceConfig;
import io.jdib.blockdevice.config.ConfigDefaults;
import io.jdib.event.BuildEvent;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** fstrim through a loop device punches holes in the image file: freed space costs nothing. */
@Tag("integration")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class TrimIT extends LoopTestSupport {

    @Test
    void trimMakesTheRawFileSparseAgain() throws Exception {
        Path raw;
        try (BlockDevice disk = BlockDevice.create(
                BlockDeviceConfig.defaultGraph(ConfigDefaults.dib()), options(256 * MIB), ledger, events)) {
            raw = disk.imageFile();
            Path big = mountRoot.resolve("big");
            byte[] block = new byte[(int) MIB];
            Arrays.fill(block, (byte) 0x5a);
            try (FileChannel ch = FileChannel.open(big, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int i = 0; i < 128; i++) {
                    ch.write(ByteBuffer.wrap(block));
                }
                ch.force(true);
            }
            ok("sync");
            assertThat(allocated(raw)).as("written through to the image file").isGreaterThan(128 * MIB);
            Files.delete(big);

            List<TrimResult> trimmed = disk.umount();
            assertThat(trimmed).singleElement().satisfies(t -> {
                assertThat(t.node()).isEqualTo("mkfs_root");
                assertThat(t.bytes()).isGreaterThan(64 * MIB);
            });
            assertThat(events.ofType(BuildEvent.Info.class))
                    .extracting(BuildEvent.Info::message)
                    .anySatisfy(m -> assertThat(m)
                            .startsWith("block device: fstrim " + mountRoot)
                            .endsWith("bytes) trimmed"));
            disk.cleanup();
        }
        assertThat(Files.size(raw)).isEqualTo(256 * MIB);
        assertThat(allocated(raw)).as("allocated after trim").isLessThan(40 * MIB);
    }
}
