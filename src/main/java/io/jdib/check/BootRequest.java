package io.jdib.check;

import io.jdib.sys.Architecture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One QEMU boot test: what to boot (a disk image, or a kernel with an optional initrd), on what
 * firmware, and what console line counts as success.
 *
 * @param image      a disk image in any format qemu reads (opened with snapshot=on: never written), or null
 * @param kernel     a kernel to boot directly ({@code -kernel}), or null
 * @param initrd     the initrd for {@code kernel}, or null
 * @param append     the kernel command line for {@code kernel} (default {@code console=ttyS0})
 * @param uefi       boot OVMF (Debian's {@code ovmf}) instead of SeaBIOS
 * @param memoryMiB  guest memory
 * @param expect     success is a console line in which this pattern is found
 * @param timeout    how long to wait for it
 * @param consoleLog where the serial console is written, or null for a new temporary file (kept)
 * @param arch       the guest's architecture, which picks emulator, machine and firmware (null: this host's)
 */
public record BootRequest(
        Path image,
        Path kernel,
        Path initrd,
        String append,
        boolean uefi,
        int memoryMiB,
        Pattern expect,
        Duration timeout,
        Path consoleLog,
        List<String> extraQemuArgs,
        int sshForwardPort,
        Architecture arch) {

    public static final String DEFAULT_APPEND = "console=ttyS0";
    public static final String DEFAULT_EXPECT = "login:";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    public static final int DEFAULT_MEMORY_MIB = 1024;

    /** A request for a guest of this host's architecture. */
    public BootRequest(
            Path image,
            Path kernel,
            Path initrd,
            String append,
            boolean uefi,
            int memoryMiB,
            Pattern expect,
            Duration timeout,
            Path consoleLog,
            List<String> extraQemuArgs,
            int sshForwardPort) {
        this(
                image,
                kernel,
                initrd,
                append,
                uefi,
                memoryMiB,
                expect,
                timeout,
                consoleLog,
                extraQemuArgs,
                sshForwardPort,
                null);
    }

    public BootRequest {
        arch = arch == null ? Architecture.host() : arch;
        if ((image == null) == (kernel == null)) {
            throw new BootError(
                    "boot either a disk image or a kernel (--kernel), not " + (image == null ? "neither" : "both"));
        }
        if (kernel == null && (initrd != null || append != null)) {
            throw new BootError("--initrd and --append need --kernel");
        }
        if (kernel != null && append == null) {
            append = DEFAULT_APPEND;
        }
        if (memoryMiB < 64) {
            throw new BootError("--memory must be at least 64 MiB, not " + memoryMiB);
        }
        Objects.requireNonNull(expect, "expect");
        Objects.requireNonNull(timeout, "timeout");
        extraQemuArgs = extraQemuArgs == null ? List.of() : List.copyOf(extraQemuArgs);
        if (sshForwardPort < 0 || sshForwardPort > 65535) {
            throw new BootError("ssh forward port must be 0 (none) to 65535, not " + sshForwardPort);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new BootError("--timeout must be positive, not " + timeout.toSeconds() + " s");
        }
    }

    /** Boots {@code image} with the defaults: BIOS, 1024 MiB, wait up to 300 s for {@code login:}. */
    public static BootRequest ofImage(Path image) {
        return new BootRequest(
                image,
                null,
                null,
                null,
                false,
                DEFAULT_MEMORY_MIB,
                Pattern.compile(DEFAULT_EXPECT),
                DEFAULT_TIMEOUT,
                null,
                List.of(),
                0);
    }

    /** Boots {@code kernel} (with {@code initrd}, may be null) and {@code console=ttyS0}; other defaults as an image. */
    public static BootRequest ofKernel(Path kernel, Path initrd) {
        return new BootRequest(
                null,
                kernel,
                initrd,
                DEFAULT_APPEND,
                false,
                DEFAULT_MEMORY_MIB,
                Pattern.compile(DEFAULT_EXPECT),
                DEFAULT_TIMEOUT,
                null,
                List.of(),
                0);
    }

    /** A {@link Pattern} from user text, or a {@link BootError} saying what is wrong with it. */
    public static Pattern pattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new BootError(
                    "--expect is not a valid regular expression: " + e.getDescription() + " in '" + regex + "'");
        }
    }

    public BootRequest withAppend(String value) {
        return new BootRequest(
                image,
                kernel,
                initrd,
                value,
                uefi,
                memoryMiB,
                expect,
                timeout,
                consoleLog,
                extraQemuArgs,
                sshForwardPort,
                arch);
    }

    public BootRequest withUefi(boolean value) {
        return new BootRequest(
                image,
                kernel,
                initrd,
                append,
                value,
                memoryMiB,
                expect,
                timeout,
                consoleLog,
                extraQemuArgs,
                sshForwardPort,
                arch);
    }

    public BootRequest withMemoryMiB(int value) {
        return new BootRequest(
                image,
                kernel,
                initrd,
                append,
                uefi,
                value,
                expect,
                timeout,
                consoleLog,
                extraQemuArgs,
                sshForwardPort,
                arch);
    }

    public BootRequest withExpect(String regex) {
        return new BootRequest(
                image,
                kernel,
                initrd,
                append,
                uefi,
                memoryMiB,
                pattern(regex),
                timeout,
                consoleLog,
                extraQemuArgs,
                sshForwardPort,
                arch);
    }

    public BootRequest withTimeout(Duration value) {
        return new BootRequest(
                image,
                kernel,
                initrd,
                append,
                uefi,
                memoryMiB,
                expect,
                value,
                consoleLog,
                extraQemuArgs,
                sshForwardPort,
                arch);
    }

    /** More QEMU arguments, such as a seed drive. */
    public BootRequest withExtraQemuArgs(List<String> value) {
        return new BootRequest(
                image,
                kernel,
                initrd,
                append,
                uefi,
                memoryMiB,
                expect,
                timeout,
                consoleLog,
                value,
                sshForwardPort,
                arch);
    }

    /** Forward this host port on 127.0.0.1 to the guest's port 22 (0: none). */
    public BootRequest withSshForwardPort(int value) {
        return new BootRequest(
                image,
                kernel,
                initrd,
                append,
                uefi,
                memoryMiB,
                expect,
                timeout,
                consoleLog,
                extraQemuArgs,
                value,
                arch);
    }

    /** Boot a guest of this architecture (its emulator, machine, firmware). */
    public BootRequest withArch(Architecture value) {
        return new BootRequest(
                image,
                kernel,
                initrd,
                append,
                uefi,
                memoryMiB,
                expect,
                timeout,
                consoleLog,
                extraQemuArgs,
                sshForwardPort,
                value);
    }

    /** Whether the guest boots through UEFI firmware: asked for, or the only way its machine boots. */
    public boolean bootsUefi() {
        return uefi || arch.uefiOnly();
    }

    public BootRequest withConsoleLog(Path value) {
        return new BootRequest(
                image,
                kernel,
                initrd,
                append,
                uefi,
                memoryMiB,
                expect,
                timeout,
                value,
                extraQemuArgs,
                sshForwardPort,
                arch);
    }
}
