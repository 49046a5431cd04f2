package io.jdib.sys;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The architectures an image can be built for ({@code -a}): Debian's name (what mmdebstrap, apt
 * and hooks' {@code ARCH} see), DIB's other spellings, the qemu-user emulator that runs its chroot
 * on a foreign host, the ELF header its binaries carry (for the binfmt_misc registration), and the
 * QEMU system emulator, firmware and serial console that boot it.
 */
public enum Architecture {
    AMD64(
            "amd64",
            List.of("x86_64"),
            "x86_64",
            2,
            1,
            62,
            "qemu-system-x86_64",
            List.of(),
            null,
            null,
            List.of("ttyS0"),
            "virtio-net-pci",
            "qemu-system-x86"),
    I386(
            "i386",
            List.of("i686", "x86"),
            "i386",
            1,
            1,
            3,
            "qemu-system-i386",
            List.of(),
            null,
            null,
            List.of("ttyS0"),
            "virtio-net-pci",
            "qemu-system-x86"),
    ARM64(
            "arm64",
            List.of("aarch64"),
            "aarch64",
            2,
            1,
            183,
            "qemu-system-aarch64",
            List.of("-M", "virt", "-cpu", "cortex-a57"),
            Path.of("/usr/share/AAVMF/AAVMF_CODE.fd"),
            Path.of("/usr/share/AAVMF/AAVMF_VARS.fd"),
            List.of("ttyAMA0"),
            "virtio-net-pci",
            "qemu-system-arm qemu-efi-aarch64"),
    ARMHF(
            "armhf",
            List.of("armv7l", "arm"),
            "arm",
            1,
            1,
            40,
            "qemu-system-arm",
            List.of("-M", "virt", "-cpu", "cortex-a15"),
            Path.of("/usr/share/AAVMF/AAVMF32_CODE.fd"),
            Path.of("/usr/share/AAVMF/AAVMF32_VARS.fd"),
            List.of("ttyAMA0"),
            "virtio-net-pci",
            "qemu-system-arm qemu-efi-arm"),
    PPC64EL(
            "ppc64el",
            List.of("ppc64le"),
            "ppc64le",
            2,
            1,
            21,
            "qemu-system-ppc64",
            List.of("-M", "pseries"),
            null,
            null,
            List.of("hvc0"),
            "virtio-net-pci",
            "qemu-system-ppc"),
    S390X(
            "s390x",
            List.of(),
            "s390x",
            2,
            2,
            22,
            "qemu-system-s390x",
            List.of("-M", "s390-ccw-virtio"),
            null,
            null,
            // The VT220 console is ttysclp0; the kernel also takes ttyS1 for it (DIB's zipl default).
            List.of("ttysclp0", "ttyS1"),
            // Channel I/O, not PCI: -nic calls its virtio card just "virtio".
            "virtio",
            "qemu-system-misc");

    private final String debianName;
    private final List<String> aliases;
    private final String qemuName;
    private final int elfClass;
    private final int elfData;
    private final int elfMachine;
    private final String qemuSystem;
    private final List<String> machineArgs;
    private final Path firmwareCode;
    private final Path firmwareVars;
    private final List<String> serialConsoles;
    private final String nicModel;
    private final String systemPackages;

    Architecture(
            String debianName,
            List<String> aliases,
            String qemuName,
            int elfClass,
            int elfData,
            int elfMachine,
            String qemuSystem,
            List<String> machineArgs,
            Path firmwareCode,
            Path firmwareVars,
            List<String> serialConsoles,
            String nicModel,
            String systemPackages) {
        this.debianName = debianName;
        this.aliases = aliases;
        this.qemuName = qemuName;
        this.elfClass = elfClass;
        this.elfData = elfData;
        this.elfMachine = elfMachine;
        this.qemuSystem = qemuSystem;
        this.machineArgs = machineArgs;
        this.firmwareCode = firmwareCode;
        this.firmwareVars = firmwareVars;
        this.serialConsoles = serialConsoles;
        this.nicModel = nicModel;
        this.systemPackages = systemPackages;
    }

    /** Debian's name: {@code amd64}, {@code arm64}, {@code ppc64el}... */
    public String debianName() {
        return debianName;
    }

    /** The other names DIB accepts for it (the kernel's, mostly). */
    public List<String> aliases() {
        return aliases;
    }

    /** QEMU's name for it: {@code qemu-NAME-static} runs its programs, {@code qemu-system-...} its machines. */
    public String qemuName() {
        return qemuName;
    }

    /** The statically linked qemu-user binary (Debian package qemu-user-static) that runs its programs. */
    public String qemuUserBinary() {
        return "qemu-" + qemuName + "-static";
    }

    /** The QEMU system emulator that boots its images. */
    public String qemuSystem() {
        return qemuSystem;
    }

    /** The Debian packages that ship {@link #qemuSystem()} and its firmware. */
    public String systemPackages() {
        return systemPackages;
    }

    /** Machine and CPU options its emulator needs ({@code -M virt -cpu max} for arm64). */
    public List<String> machineArgs() {
        return machineArgs;
    }

    /** QEMU's -nic model of the guest's virtio network card. */
    public String nicModel() {
        return nicModel;
    }

    /** Whether a guest boots only through UEFI firmware (no BIOS exists for it). */
    public boolean uefiOnly() {
        return firmwareCode != null;
    }

    /** UEFI firmware code image for its emulator, or null when QEMU's own (x86: OVMF is chosen by --uefi). */
    public Path firmwareCode() {
        return firmwareCode;
    }

    /** The template of the UEFI variable store (copied per boot), or null. */
    public Path firmwareVars() {
        return firmwareVars;
    }

    /** The kernel's name for the first serial port of the usual virtual machine. */
    public String serialConsole() {
        return serialConsoles.get(0);
    }

    /** Every name the kernel takes for that console on its command line, {@link #serialConsole()} first. */
    public List<String> serialConsoleNames() {
        return serialConsoles;
    }

    /** binfmt_misc magic: the ELF identification, type (executable) and machine of its programs. */
    public byte[] elfMagic() {
        byte[] m = new byte[20];
        m[0] = 0x7f;
        m[1] = 'E';
        m[2] = 'L';
        m[3] = 'F';
        m[4] = (byte) elfClass;
        m[5] = (byte) elfData;
        m[6] = 1; // EI_VERSION
        boolean little = elfData == 1;
        put16(m, 16, 2, little); // ET_EXEC
        put16(m, 18, elfMachine, little);
        return m;
    }

    /** binfmt_misc mask: ignores the OS ABI byte and accepts shared objects (ET_DYN) as well as executables. */
    public byte[] elfMask() {
        byte[] m = new byte[20];
        Arrays.fill(m, (byte) 0xff);
        m[7] = 0;
        boolean little = elfData == 1;
        put16(m, 16, 0xfffe, little);
        return m;
    }

    private static void put16(byte[] b, int at, int value, boolean little) {
        byte lo = (byte) (value & 0xff);
        byte hi = (byte) ((value >> 8) & 0xff);
        b[at] = little ? lo : hi;
        b[at + 1] = little ? hi : lo;
    }

    /** Whether a chroot of this architecture needs an emulator on {@code host} (i386 runs natively on amd64). */
    public boolean needsEmulationOn(Architecture host) {
        return this != host && !(host == AMD64 && this == I386);
    }

    /** The architecture this JVM runs on. */
    public static Architecture host() {
        String os = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
        return switch (os) {
            case "amd64", "x86_64" -> AMD64;
            case "x86", "i386", "i686" -> I386;
            case "aarch64", "arm64" -> ARM64;
            case "arm" -> ARMHF;
            case "ppc64le" -> PPC64EL;
            case "s390x" -> S390X;
            default -> throw new UserError("jdib does not know this host's architecture (" + os + "); give -a");
        };
    }

    /** Debian's name or one of DIB's aliases, or a one-line error listing what is known. */
    public static Architecture parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.debianName.equals(n) || a.aliases.contains(n)) {
                return a;
            }
        }
        throw new UserError("unknown architecture '" + name + "' for -a; jdib builds: " + known());
    }

    /** The known names, as {@code amd64 (x86_64), arm64 (aarch64), ...}. */
    public static String known() {
        return Arrays.stream(values())
                .map(a -> a.debianName + (a.aliases.isEmpty() ? "" : " (" + String.join(", ", a.aliases) + ")"))
                .collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return debianName;
    }
}
