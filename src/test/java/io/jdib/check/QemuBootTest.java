package io.jdib.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.event.RecordingSink;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QEMU command lines and request validation; the real boots are in {@link QemuBootIT}. */
class QemuBootTest {
    @Test
    void qemuArgumentsAreSafeForAwkwardPaths() {
        BootRequest request = BootRequest.ofImage(Path.of("/images/a,b.qcow2"));
        var argv = QemuBoot.qemuArgs(
                Path.of("/usr/bin/qemu-system-x86_64"), request, Path.of("/tmp/c,d.log"), null, "qcow2");
        assertThat(argv)
                .containsSubsequence("-accel", "tcg", "-m", "1024")
                .contains("file=/images/a,,b.qcow2,format=qcow2,if=virtio,snapshot=on")
                .contains("file,id=console,path=/tmp/c,,d.log")
                .contains("user,model=virtio-net-pci")
                .doesNotContain("-kernel");
    }

    @Test
    void badRequestsSayWhatIsWrong(@TempDir Path dir) {
        assertThatThrownBy(() -> new BootRequest(
                        null,
                        null,
                        null,
                        null,
                        false,
                        1024,
                        BootRequest.pattern("x"),
                        Duration.ofSeconds(1),
                        null,
                        null,
                        0))
                .isInstanceOf(BootError.class)
                .hasMessageContaining("--kernel");
        assertThatThrownBy(() -> new BootRequest(
                        dir,
                        null,
                        dir,
                        null,
                        false,
                        1024,
                        BootRequest.pattern("x"),
                        Duration.ofSeconds(1),
                        null,
                        null,
                        0))
                .isInstanceOf(BootError.class)
                .hasMessageContaining("--initrd");
        assertThatThrownBy(() -> BootRequest.pattern("(unclosed"))
                .isInstanceOf(BootError.class)
                .hasMessageContaining("--expect");
        assertThatThrownBy(() -> BootRequest.ofImage(dir).withTimeout(Duration.ZERO))
                .isInstanceOf(BootError.class)
                .hasMessageContaining("--timeout");
        assertThatThrownBy(() -> BootRequest.ofImage(dir).withMemoryMiB(8))
                .isInstanceOf(BootError.class)
                .hasMessageContaining("--memory");
        assertThatThrownBy(() -> new QemuBoot(new RecordingSink()).boot(BootRequest.ofImage(dir.resolve("nope.qcow2"))))
                .isInstanceOf(BootError.class)
                .hasMessageContaining("nope.qcow2");
        assertThat(BootRequest.ofKernel(Path.of("/k"), null).append()).isEqualTo("console=ttyS0");
        assertThat(BootRequest.ofImage(Path.of("/i")).expect().pattern()).isEqualTo("login:");
    }
}
