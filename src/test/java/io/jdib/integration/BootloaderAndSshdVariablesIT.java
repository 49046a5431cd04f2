package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import io.jdib.testing.SharedBuilds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DIB's bootloader variables reach GRUB's configuration: one disk build with each set away from its
 * default, and the shared build's configuration as the defaults write it. The same build has
 * openssh-server, whose sshd hardening is on by default, as in DIB.
 */
@Tag("integration")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class BootloaderAndSshdVariablesIT {
    private static final String CFG = "./etc/default/grub.d/50-jdib.cfg";

    @TempDir
    Path dir;

    private static String member(Path tar, String name) {
        return HostState.run("tar", "--extract", "--to-stdout", "--file", tar.toString(), name);
    }

    @Test
    void theDefaultsKeepTheSerialConsoleAndAOneSecondMenu() {
        SharedBuilds.Built vm = SharedBuilds.minimalVm().requireSuccess();

        assertThat(member(vm.output("tar"), CFG))
                .contains("GRUB_TIMEOUT=1\n")
                .doesNotContain("GRUB_TIMEOUT_STYLE")
                .contains("GRUB_TERMINAL=\"serial console\"\n")
                .contains("GRUB_CMDLINE_LINUX=\"console=tty0 console=ttyS0,115200 no_timer_check\"\n");
    }

    @Test
    void dibsVariablesSetTimeoutStyleConsolesAndTimerCheck() {
        Map<String, String> env = new HashMap<>(SharedBuilds.environment(dir));
        env.put("DIB_GRUB_TIMEOUT", "0");
        env.put("DIB_GRUB_TIMEOUT_STYLE", "countdown");
        env.put("DIB_BOOTLOADER_USE_SERIAL_CONSOLE", "False");
        env.put("DIB_BOOTLOADER_VIRTUAL_TERMINAL", "");
        env.put("DIB_NO_TIMER_CHECK", "False");
        Path out = dir.resolve("out/grub");
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(25),
                env,
                "disk-image-create",
                "-o",
                out.toString(),
                "-t",
                "raw,tar",
                "debian-minimal",
                "vm",
                "openssh-server");
        assertThat(r.exitCode()).as(r.output()).isZero();
        // Each list cut to what the image's OpenSSH knows; Debian's sshd_config reads the drop-in first.
        assertThat(member(Path.of(out + ".tar"), "./etc/ssh/sshd_config.d/40-dib-hardening.conf"))
                .containsPattern("(?m)^KexAlgorithms .*curve25519-sha256")
                .containsPattern("(?m)^Ciphers chacha20-poly1305@openssh.com,")
                .containsPattern("(?m)^MACs hmac-sha2-512-etm@openssh.com,");
        assertThat(member(Path.of(out + ".tar"), "./etc/ssh/sshd_config"))
                .containsPattern("(?m)^Include /etc/ssh/sshd_config.d/\\*.conf");

        String cfg = member(Path.of(out + ".tar"), CFG);
        assertThat(cfg)
                .contains("GRUB_TIMEOUT=0\n")
                .contains("GRUB_TIMEOUT_STYLE=hidden\n")
                .contains("GRUB_TERMINAL=console\n")
                .contains("GRUB_CMDLINE_LINUX=\"\"\n")
                .doesNotContain("serial");
        String grub = member(Path.of(out + ".tar"), "./boot/grub/grub.cfg");
        assertThat(grub).doesNotContain("console=ttyS0").doesNotContain("no_timer_check");
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
    }

    @Test
    void anUnknownTimeoutStyleStopsTheBuildSayingWhatItTakes() {
        Map<String, String> env = new HashMap<>(SharedBuilds.environment(dir));
        env.put("DIB_GRUB_TIMEOUT_STYLE", "sideways");
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(25),
                env,
                "disk-image-create",
                "-o",
                dir.resolve("out/bad").toString(),
                "-t",
                "raw",
                "debian-minimal",
                "vm");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("DIB_GRUB_TIMEOUT_STYLE=sideways is not menu, hidden or countdown");
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
    }
}
