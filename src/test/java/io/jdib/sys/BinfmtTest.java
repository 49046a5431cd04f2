package io.jdib.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** binfmt_misc handling against a fake binfmt_misc directory: no root, nothing registered on the host. */
class BinfmtTest {
    private static final Path QEMU = Path.of("/usr/bin/qemu-aarch64-static");

    @TempDir
    Path dir;

    private final List<String> events = new ArrayList<>();

    private Ledger ledger() {
        return Ledger.create(dir.resolve("build"), events::add);
    }

    private Path fakeBinfmt() throws Exception {
        Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
        Files.writeString(binfmt.resolve("register"), "");
        Files.writeString(binfmt.resolve("status"), "enabled\n");
        return binfmt;
    }

    private static Binfmt binfmt(Path binfmt, Binfmt.Mounter mounter) {
        return new Binfmt(
                binfmt,
                mounter,
                tool -> tool.equals(QEMU.getFileName().toString()) ? Optional.of(QEMU) : Optional.empty());
    }

    @Test
    void registersWithTheFixBinaryFlagAndRecordsItFirst() throws Exception {
        Path binfmt = fakeBinfmt();
        Ledger ledger = ledger();

        Binfmt.Registration r = binfmt(binfmt, d -> {
                    throw new AssertionError("already mounted");
                })
                .enable(Architecture.ARM64, ledger, events::add);

        assertThat(r.ours()).isTrue();
        assertThat(r.name()).startsWith("jdib-aarch64-");
        String line = Files.readString(binfmt.resolve("register"));
        assertThat(line)
                .startsWith(":" + r.name() + ":M::\\x7f\\x45\\x4c\\x46\\x02")
                .endsWith(":" + QEMU + ":F");
        List<Ledger.Action> pending = Ledger.pending(ledger.file());
        assertThat(pending).extracting(Ledger.Action::kind).containsExactly(Ledger.Kind.BINFMT);
        assertThat(pending.get(0).args())
                .containsExactly(binfmt.resolve(r.name()).toString());
    }

    @Test
    void undoWritesMinusOneToTheEntryAndGoneIsFine() throws Exception {
        Path binfmt = fakeBinfmt();
        Ledger ledger = ledger();
        Binfmt.Registration r = binfmt(binfmt, d -> {}).enable(Architecture.ARM64, ledger, events::add);
        Path entry = binfmt.resolve(r.name());
        Files.writeString(entry, "enabled\n"); // what the kernel would show

        Ledger.undoAll(ledger.file(), events::add);

        assertThat(Files.readString(entry)).isEqualTo("-1");
        assertThat(Ledger.pending(ledger.file())).isEmpty();
        Files.delete(entry);
        Binfmt.unregister(entry); // already gone: nothing to do, no error
    }

    @Test
    void usesAMatchingHostRegistrationAndLeavesItAlone() throws Exception {
        Path binfmt = fakeBinfmt();
        String magic = java.util.HexFormat.of().formatHex(Architecture.ARM64.elfMagic());
        Files.writeString(
                binfmt.resolve("qemu-aarch64"),
                "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n" + "flags: POCF\noffset 0\nmagic "
                        + magic + "\nmask ffffffffffffff00fffffffffffffffffeffffff\n");
        Ledger ledger = ledger();

        Binfmt.Registration r = binfmt(binfmt, d -> {}).enable(Architecture.ARM64, ledger, events::add);

        assertThat(r.ours()).isFalse();
        assertThat(r.name()).isEqualTo("qemu-aarch64");
        assertThat(Files.readString(binfmt.resolve("register"))).isEmpty();
        assertThat(Ledger.pending(ledger.file())).isEmpty();
    }

    @Test
    void aHostEntryWithoutFixBinaryIsNotEnough() throws Exception {
        Path binfmt = fakeBinfmt();
        String magic = java.util.HexFormat.of().formatHex(Architecture.ARM64.elfMagic());
        Files.writeString(
                binfmt.resolve("qemu-aarch64"),
                "enabled\ninterpreter /usr/bin/qemu-aarch64\n" + "flags: \noffset 0\nmagic " + magic + "\n");

        Binfmt.Registration r = binfmt(binfmt, d -> {}).enable(Architecture.ARM64, ledger(), events::add);

        assertThat(r.ours()).isTrue();
    }

    @Test
    void mountsBinfmtMiscWhenAbsentAndRecordsTheMount() throws Exception {
        Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
        Ledger ledger = ledger();
        List<Path> mounted = new ArrayList<>();

        binfmt(binfmt, d -> {
                    mounted.add(d);
                    try {
                        Files.writeString(d.resolve("register"), "");
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                })
                .enable(Architecture.ARM64, ledger, events::add);

        assertThat(mounted).containsExactly(binfmt);
        assertThat(Ledger.pending(ledger.file()))
                .extracting(Ledger.Action::kind)
                .containsExactly(Ledger.Kind.BINFMT_MOUNT, Ledger.Kind.BINFMT);
    }

    @Test
    void noBinfmtMiscIsOneLineAndLeavesNothingRecorded() throws Exception {
        Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
        Ledger ledger = ledger();

        assertThatThrownBy(() -> binfmt(binfmt, d -> {
                            throw new IllegalStateException("unknown filesystem type");
                        })
                        .enable(Architecture.ARM64, ledger, events::add))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("binfmt_misc is not available at " + binfmt)
                .hasMessageContaining("unknown filesystem type")
                .hasMessageContaining("modprobe binfmt_misc")
                .hasMessageNotContaining("\n");
        assertThat(Ledger.pending(ledger.file())).isEmpty();
    }

    @Test
    void noQemuUserBinaryNamesThePackage() throws Exception {
        Path binfmt = fakeBinfmt();
        Ledger ledger = ledger();

        assertThatThrownBy(() -> new Binfmt(binfmt, d -> {}, tool -> Optional.empty())
                        .enable(Architecture.ARM64, ledger, events::add))
                .isInstanceOf(MissingToolError.class)
                .hasMessageContaining("qemu-aarch64-static")
                .hasMessageContaining("apt-get install qemu-user-static");
        assertThat(Ledger.pending(ledger.file())).isEmpty();
        assertThat(Files.readString(binfmt.resolve("register"))).isEmpty();
    }

    @Test
    void aHostThatRefusesRegistrationIsOneLineAndLeavesNothingRecorded() throws Exception {
        Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
        Files.createDirectories(binfmt.resolve("register")); // writing to it fails, as EPERM/EINVAL would
        Ledger ledger = ledger();

        assertThatThrownBy(() -> binfmt(binfmt, d -> {}).enable(Architecture.ARM64, ledger, events::add))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("this host refused to register " + QEMU + " with binfmt_misc")
                .hasMessageNotContaining("\n");
        assertThat(Ledger.pending(ledger.file())).isEmpty();
    }

    @Test
    void anotherBuildsEntryIsNeverReusedItGoesWhenThatBuildEnds() throws Exception {
        Path binfmt = fakeBinfmt();
        String magic = java.util.HexFormat.of().formatHex(Architecture.ARM64.elfMagic());
        Files.writeString(
                binfmt.resolve("jdib-aarch64-1"),
                "enabled\ninterpreter /usr/bin/qemu-aarch64-static\n" + "flags: F\noffset 0\nmagic " + magic + "\n");

        Binfmt.Registration r = binfmt(binfmt, d -> {}).enable(Architecture.ARM64, ledger(), events::add);

        assertThat(r.ours()).isTrue();
        assertThat(r.name()).isNotEqualTo("jdib-aarch64-1");
    }

    @Test
    void binfmtMiscStaysMountedWhileARegistrationIsLeft() throws Exception {
        Path binfmt = fakeBinfmt();
        Files.writeString(binfmt.resolve("qemu-arm"), "enabled\n");
        // With an entry left, nothing is unmounted (a real unmount of this plain directory would fail loudly).
        Binfmt.unmountIfUnused(binfmt, events::add);
        assertThat(Files.exists(binfmt.resolve("register"))).isTrue();
        Binfmt.unmountIfUnused(dir.resolve("not-mounted"), events::add); // nothing mounted: nothing to do
    }
}
