package io.jdib.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TreeExtractionTest {
    @Test
    void fstabGivesEveryFilesystemButSwapInFileOrder() throws URISyntaxException {
        Path fstab = Path.of(
                TreeExtractionTest.class.getResource("replace-partition.fstab").toURI());

        assertThat(TreeExtraction.fstab(fstab))
                .containsExactly(
                        new TreeExtraction.Entry("LABEL=cloudimg-rootfs", "/", "ext4"),
                        new TreeExtraction.Entry("LABEL=ESP", "/boot/efi", "vfat"),
                        new TreeExtraction.Entry("UUID=0f0e-aa01", "/boot", "ext4"));
    }
}
