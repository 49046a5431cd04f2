package io.jdib.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArchitectureTest {
    @Test
    void acceptsDebianNamesAndDibAliases() {
        assertThat(Architecture.parse("amd64")).isEqualTo(Architecture.AMD64);
        assertThat(Architecture.parse("x86_64")).isEqualTo(Architecture.AMD64);
        assertThat(Architecture.parse("aarch64")).isEqualTo(Architecture.ARM64);
        assertThat(Architecture.parse("arm64").debianName()).isEqualTo("arm64");
        assertThat(Architecture.parse("ppc64le").debianName()).isEqualTo("ppc64el");
        assertThat(Architecture.parse("ppc64el")).isEqualTo(Architecture.PPC64EL);
        assertThat(Architecture.parse("i386")).isEqualTo(Architecture.I386);
        assertThat(Architecture.parse("armhf")).isEqualTo(Architecture.ARMHF);
        assertThat(Architecture.parse("s390x")).isEqualTo(Architecture.S390X);
    }

    @Test
    void unknownArchitectureIsOneLineListingTheKnownOnes() {
        assertThatThrownBy(() -> Architecture.parse("sparc"))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("unknown architecture 'sparc' for -a")
                .hasMessageContaining("arm64 (aarch64)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void hostIsThisJvmsArchitecture() {
        Architecture host = Architecture.host();
        assertThat(host.needsEmulationOn(host)).isFalse();
        assertThat(Architecture.I386.needsEmulationOn(Architecture.AMD64)).isFalse();
        assertThat(Architecture.ARM64.needsEmulationOn(Architecture.AMD64)).isTrue();
    }

    @Test
    void elfMagicAndMaskAreQemusForArm64() {
        // The values Debian's qemu-user-static registers for aarch64 (/usr/lib/binfmt.d/qemu-aarch64.conf).
        assertThat(Binfmt.escape(Architecture.ARM64.elfMagic()))
                .isEqualTo(
                        "\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00");
        assertThat(Binfmt.escape(Architecture.ARM64.elfMask()))
                .isEqualTo(
                        "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff");
    }

    @Test
    void bigEndianMachineIsWrittenBigEndian() {
        byte[] magic = Architecture.S390X.elfMagic();
        assertThat(magic[5]).isEqualTo((byte) 2);
        assertThat(magic[17]).isEqualTo((byte) 2); // ET_EXEC, high byte first
        assertThat(magic[19]).isEqualTo((byte) 22); // EM_S390
        assertThat(Architecture.S390X.elfMask()[17]).isEqualTo((byte) 0xfe);
    }

    @Test
    void bootFacts() {
        assertThat(Architecture.ARM64.qemuSystem()).isEqualTo("qemu-system-aarch64");
        assertThat(Architecture.ARM64.serialConsole()).isEqualTo("ttyAMA0");
        assertThat(Architecture.ARM64.uefiOnly()).isTrue();
        assertThat(Architecture.ARM64.qemuUserBinary()).isEqualTo("qemu-aarch64-static");
        assertThat(Architecture.AMD64.uefiOnly()).isFalse();
        assertThat(Architecture.AMD64.serialConsole()).isEqualTo("ttyS0");
        // armhf boots through 32-bit UEFI (Debian's qemu-efi-arm), POWER through SLOF (QEMU's own).
        assertThat(Architecture.ARMHF.uefiOnly()).isTrue();
        assertThat(Architecture.ARMHF.firmwareCode()).hasToString("/usr/share/AAVMF/AAVMF32_CODE.fd");
        assertThat(Architecture.ARMHF.firmwareVars()).hasToString("/usr/share/AAVMF/AAVMF32_VARS.fd");
        assertThat(Architecture.ARMHF.systemPackages()).contains("qemu-efi-arm");
        assertThat(Architecture.PPC64EL.uefiOnly()).isFalse();
        assertThat(Architecture.PPC64EL.serialConsole()).isEqualTo("hvc0");
    }
}
