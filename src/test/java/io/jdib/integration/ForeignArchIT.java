package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.check.BootRequest;
import io.jdib.check.BootResult;
import io.jdib.check.QemuBoot;
import io.jdib.event.EventSink;
import io.jdib.sys.Architecture;
import io.jdib.testing.HostLocks;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * arm64 and s390x cross-built on this amd64 host (chroot through qemu-user and binfmt_misc) and
 * booted once each with TCG (arm64 through AAVMF and GRUB, s390x through QEMU's IPL and zipl); the
 * binfmt_misc registration is undone on success and after a SIGKILL; an unknown architecture, and
 * GRUB on s390x, fail before anything is bootstrapped.
 */
@Tag("integration")
// Registers qemu-aarch64 with the host's binfmt_misc (mounting it when it is not), removes it again
// and checks that nothing of its own is left there: no other foreign build may run meanwhile.
@ResourceLock(HostLocks.BINFMT_MISC)
// The longest class (two foreign builds, about 15 to 18 minutes). With two classes at a time, one
// worker takes classes from the front of the order and the other from the back, so the longest two
// go at the two ends to start at once instead of one of them ending the run alone.
@Order(1)
class ForeignArchIT {
    private static final Path BINFMT = Path.of("/proc/sys/fs/binfmt_misc");

    @TempDir
    static Path dir;

    private static JdibProcess.Result arm64;
    private static JdibProcess.Result s390x;
    private static boolean binfmtMountedBefore;

    private static Map<String, String> env(String workName) {
        return Map.of("JDIB_WORK_DIR", dir.resolve(workName).toString());
    }

    private static Path out(String name) {
        return dir.resolve("out").resolve(name);
    }

    /** Entries jdib registered (jdib-ARCH-PID), whoever registered them. */
    private static List<String> jdibEntries(String pidSuffix) throws IOException {
        if (!Files.isDirectory(BINFMT)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(BINFMT)) {
            return list.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("jdib-") && (pidSuffix == null || n.endsWith("-" + pidSuffix)))
                    .toList();
        }
    }

    /** Boots {@code out(name).qcow2} under TCG until login; returns the console's text. */
    private static String bootsToLogin(String name, Architecture arch) throws IOException {
        Path console = dir.resolve(name + ".console");
        BootResult booted = new QemuBoot(EventSink.NONE)
                .boot(BootRequest.ofImage(out(name + ".qcow2"))
                        .withArch(arch)
                        .withTimeout(Duration.ofMinutes(25))
                        .withConsoleLog(console));
        assertThat(booted.matched()).as(String.join("\n", booted.lastLines())).isTrue();
        System.out.printf(
                "%s qcow2 %d bytes, login after %.1f s%n", name, Files.size(out(name + ".qcow2")), booted.seconds());
        return Files.readString(console, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @BeforeAll
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    static void buildArm64() {
        binfmtMountedBefore = Files.exists(BINFMT.resolve("register"));
        long start = System.nanoTime();
        arm64 = JdibProcess.run(
                Duration.ofMinutes(60),
                env("work"),
                "disk-image-create",
                "-a",
                "aarch64",
                "-o",
                out("arm64").toString(),
                "debian-minimal",
                "vm");
        System.out.printf("arm64 debian-minimal vm: built in %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    /**
     * bookworm: this mirror answers 404 for trixie's s390x packages, and its bookworm-security lists
     * no s390x, so the sources are the release and its updates only.
     */
    @BeforeAll
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    static void buildS390x() {
        Map<String, String> env = new java.util.HashMap<>(env("work-s390x"));
        env.put("DIB_RELEASE", "bookworm");
        env.put(
                "DIB_APT_SOURCES_CONF",
                "default:deb http://deb.debian.org/debian bookworm main\n"
                        + "updates:deb http://deb.debian.org/debian bookworm-updates main");
        long start = System.nanoTime();
        s390x = JdibProcess.run(
                Duration.ofMinutes(60),
                env,
                "disk-image-create",
                "-a",
                "s390x",
                "-o",
                out("s390x").toString(),
                "debian-minimal",
                "vm",
                "zipl");
        System.out.printf("s390x debian-minimal vm zipl: built in %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void arm64BuildsWithGrubEfiOnGptAndLeavesNothingRegistered() throws Exception {
        assertThat(arm64.exitCode()).as(arm64.output()).isZero();
        assertThat(arm64.output())
                .contains(", arm64")
                .contains("block-device-efi")
                .containsPattern("bootstrapping Debian \\w+ \\(arm64\\)|using cached Debian \\w+ bootstrap \\S+-arm64-")
                .contains("installing GRUB for UEFI (arm64-efi)")
                .contains("BOOTAA64.EFI")
                .doesNotContain("installing GRUB for BIOS");
        assertThat(arm64.output())
                .containsAnyOf("registered /usr/bin/qemu-aarch64-static", "through the host's binfmt_misc entry");
        assertThat(jdibEntries(null))
                .as("binfmt_misc entries left")
                .noneMatch(n -> n.startsWith("jdib-aarch64-") && arm64.output().contains("entry " + n));
        if (!binfmtMountedBefore) {
            assertThat(HostState.run("findmnt", "-n", "-o", "TARGET", BINFMT.toString())
                            .strip())
                    .isEmpty();
        }
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
        assertThat(HostState.run("sgdisk", "--print", out("arm64.qcow2").toString()))
                .isNotNull();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void arm64BootsToLoginUnderTcg() throws Exception {
        assertThat(arm64.exitCode()).as(arm64.output()).isZero();
        String text = bootsToLogin("arm64", Architecture.ARM64);
        assertThat(text).contains("console=ttyAMA0").contains("root=LABEL=cloudimg-rootfs");
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void s390xBuildsWithZiplOnMbrAndLeavesNothingBehind() throws Exception {
        assertThat(s390x.exitCode()).as(s390x.output()).isZero();
        assertThat(s390x.output())
                .contains("release: bookworm")
                .contains(", s390x")
                .containsPattern(
                        "installing zipl on /dev/loop\\d+ \\(/boot at block 2048\\): root=LABEL=cloudimg-rootfs")
                .contains("Preparing boot device")
                .doesNotContain("installing GRUB");
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work-s390x"))).isEmpty();
        assertThat(HostState.run("sfdisk", "--dump", out("s390x.qcow2").toString()))
                .isNotNull();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void s390xIplsThroughZiplToLoginUnderTcg() throws Exception {
        assertThat(s390x.exitCode()).as(s390x.output()).isZero();
        String text = bootsToLogin("s390x", Architecture.S390X);
        // zipl's parameters (DIB's default consoles); the login prompt is on the VT220 console.
        assertThat(text)
                .contains("root=LABEL=cloudimg-rootfs LANG=en_US.UTF-8 console=ttyS0 console=ttyS1")
                .contains("ttysclp0");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void grubOnS390xStopsBeforeTheBootstrapNamingZipl() throws IOException {
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(5),
                env("s390x-grub"),
                "disk-image-create",
                "-a",
                "s390x",
                "-o",
                out("s390x-grub").toString(),
                "debian-minimal",
                "vm");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output())
                .contains("add the zipl element")
                .contains("element grub2, phase root.d")
                .doesNotContain("bootstrapping Debian");
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("s390x-grub"))).isEmpty();
        assertThat(jdibEntries(null)).noneMatch(n -> r.output().contains("entry " + n));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aKilledForeignBuildsRegistrationIsUndoneByCleanup() throws Exception {
        JdibProcess p = JdibProcess.start(
                env("killed"),
                "disk-image-create",
                "-a",
                "arm64",
                "-o",
                out("killed").toString(),
                "debian-minimal");
        p.awaitLine(
                l -> l.startsWith("registered ") || l.contains("through the host's binfmt_misc entry"),
                Duration.ofMinutes(3));
        boolean ours = p.output().contains("registered ");
        p.signal("KILL");
        p.waitFor(Duration.ofMinutes(1));
        Assumptions.assumeTrue(ours, "the host has its own qemu-aarch64 registration; nothing of jdib's to undo");
        String pid = Long.toString(p.pid());
        assertThat(jdibEntries(pid)).as("left by the killed build").hasSize(1);

        JdibProcess.Result cleanup = JdibProcess.run(Duration.ofMinutes(2), env("killed"), "cleanup");

        assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
        assertThat(jdibEntries(pid)).isEmpty();
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("killed"))).isEmpty();
        assertThat(HostState.processes(dir.resolve("killed").toString())).isEmpty();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anUnknownArchitectureFailsInOneLineBeforeAnythingStarts() {
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(2),
                env("sparc"),
                "disk-image-create",
                "-a",
                "sparc",
                "-o",
                out("sparc").toString(),
                "debian-minimal");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output().lines().filter(l -> l.startsWith("error: ")).toList())
                .singleElement()
                .asString()
                .startsWith("error: unknown architecture 'sparc' for -a; jdib builds: amd64 (x86_64)");
        assertThat(r.output()).doesNotContain("==> ").doesNotContain("arch-test");
        assertThat(HostState.buildDirs(dir.resolve("sparc"))).isEmpty();
    }
}
