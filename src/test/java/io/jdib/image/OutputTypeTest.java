package io.jdib.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.sys.UserError;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OutputTypeTest {
    @Test
    void everyDibTypeParsesCaseInsensitively() {
        assertThat(OutputType.parse("QCOW2")).isEqualTo(OutputType.QCOW2);
        assertThat(OutputType.parse(" squashfs ")).isEqualTo(OutputType.SQUASHFS);
        assertThat(OutputType.selectableNames())
                .isEqualTo("docker, oci, qcow2, raw, squashfs, tar, tgz, vhd, vhdx, vmdk");
    }

    @Test
    void anUnknownTypeOrTheCommandOnlyRamdiskListsWhatExists() {
        assertThatThrownBy(() -> OutputType.parse("aci"))
                .isInstanceOf(UserError.class)
                .hasMessage("image type 'aci' is not supported yet; this version writes: docker, oci, qcow2, raw,"
                        + " squashfs, tar, tgz, vhd, vhdx, vmdk");
        assertThatThrownBy(() -> OutputType.parse("ramdisk")).isInstanceOf(UserError.class);
    }

    @Test
    void eachTypeKnowsItsSourceFileAndTool() {
        assertThat(OutputType.VHD.diskFormat().qemuFormat()).isEqualTo("vpc");
        assertThat(OutputType.VHD.tool()).contains("qemu-img");
        assertThat(OutputType.SQUASHFS.extension()).isEqualTo("squash");
        assertThat(OutputType.SQUASHFS.tool()).contains("mksquashfs");
        assertThat(OutputType.OCI.isContainer()).isTrue();
        assertThat(OutputType.TAR.isContainer()).isFalse();
        assertThatThrownBy(OutputType.TAR::diskFormat).isInstanceOf(IllegalStateException.class);
        // No two outputs of one build can collide on a file name.
        assertThat(Arrays.stream(OutputType.values()).map(OutputType::extension))
                .doesNotHaveDuplicates();
        for (OutputType type : OutputType.values()) {
            assertThat(type.isDisk()).as(type.id()).isEqualTo(type.source() == OutputType.Source.DISK);
            if (type.isDisk()) {
                assertThat(type.diskFormat().extension()).isEqualTo(type.extension());
            }
        }
    }
}
