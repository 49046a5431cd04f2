package io.jdib.ramdisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelModulesTest {
    @TempDir
    Path dir;

    @Test
    void wantedModulesBringTheirDependenciesAndDashesMatchUnderscores() throws IOException {
        Files.writeString(dir.resolve("modules.dep"), """
                kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko
                kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
                kernel/net/core/failover.ko:
                kernel/drivers/usb/storage/usb-storage.ko.xz: kernel/drivers/scsi/scsi_common.ko
                kernel/drivers/scsi/scsi_common.ko:
                kernel/drivers/unused.ko:
                """);
        Files.writeString(dir.resolve("modules.builtin"), "kernel/drivers/virtio/virtio_pci.ko\n");

        KernelModules.Selection s =
                KernelModules.select(dir, List.of("virtio_net", "usb_storage", "virtio-pci", "nosuch"));

        assertThat(s.files())
                .containsExactly(
                        "kernel/drivers/net/net_failover.ko",
                        "kernel/drivers/net/virtio_net.ko",
                        "kernel/drivers/scsi/scsi_common.ko",
                        "kernel/drivers/usb/storage/usb-storage.ko.xz",
                        "kernel/net/core/failover.ko");
        assertThat(s.builtin()).containsExactly("virtio-pci");
        assertThat(s.missing()).containsExactly("nosuch");
    }

    @Test
    void withoutModulesDepItSaysSo() {
        assertThatThrownBy(() -> KernelModules.select(dir, List.of("e1000")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no modules.dep in " + dir);
    }
}
