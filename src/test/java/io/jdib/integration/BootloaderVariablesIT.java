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
 * default, and the shared build's configuration as the defaults write it.
 */
@Tag("integration")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class BootloaderVariablesIT {
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
                "vm");
        assertThat(r.exitCode()).as(r.output()).isZero();

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
