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
                binfmt.resolveSibling("jdib-mounted"),
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

        assertThatThrownBy(() -> new Binfmt(
                                binfmt, binfmt.resolveSibling("jdib-mounted"), d -> {}, tool -> Optional.empty())
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
        Path mark = Files.writeString(dir.resolve("jdib-mounted"), binfmt + "\n");
        Files.writeString(binfmt.resolve("qemu-arm"), "enabled\n");
        assertThat(Binfmt.unusedJdibMount(binfmt, mark)).isFalse();
        Binfmt.unmountIfUnused(binfmt, mark, events::add);
        assertThat(mark).exists();
        Binfmt.unmountIfUnused(dir.resolve("not-mounted"), mark, events::add); // nothing mounted: nothing to do
    }

    @Test
    void aMountWithoutJdibsMarkIsTheHostsAndIsNeverUnmounted() throws Exception {
        Path binfmt = fakeBinfmt();
        assertThat(Binfmt.unusedJdibMount(binfmt, dir.resolve("jdib-mounted"))).isFalse();
        // A ledger from before marks were kept: its build mounted it.
        assertThat(Binfmt.unusedJdibMount(binfmt, null)).isTrue();
    }

    /**
     * Two foreign builds side by side: the first mounts binfmt_misc, the second finds it mounted.
     * The first ends while the second still has its entry, so the mount stays; the second, ending
     * last, must take it down. Before the mark, only the build that mounted it recorded the mount,
     * and binfmt_misc stayed mounted after both.
     */
    @Test
    void theLastOfTwoBuildsSharingJdibsMountUnmountsIt() throws Exception {
        Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
        Path mark = dir.resolve("jdib-mounted");
        Binfmt.Mounter mount = d -> {
            try {
                Files.writeString(d.resolve("register"), "");
                Files.writeString(d.resolve("status"), "enabled\n");
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        };
        Ledger first = Ledger.create(dir.resolve("first"), events::add);
        Ledger second = Ledger.create(dir.resolve("second"), events::add);

        binfmt(binfmt, mount).enable(Architecture.ARM64, first, events::add);
        assertThat(mark).hasContent(binfmt.toString());
        binfmt(binfmt, d -> {
                    throw new AssertionError("mounted twice");
                })
                .enable(Architecture.ARM64, second, events::add);

        assertThat(Ledger.pending(second.file()))
                .extracting(Ledger.Action::kind)
                .containsExactly(Ledger.Kind.BINFMT_MOUNT, Ledger.Kind.BINFMT);
        Ledger.Action secondsMount = Ledger.pending(second.file()).get(0);
        assertThat(secondsMount.args()).containsExactly(binfmt.toString(), mark.toString());
        // The first ends while the second's entry is there (the fake kernel made no entry files).
        Files.writeString(binfmt.resolve("jdib-aarch64-2"), "enabled\n");
        assertThat(Binfmt.unusedJdibMount(binfmt, mark)).isFalse();
        // The second ends last: its entry is gone, the mount is jdib's and unused.
        Files.delete(binfmt.resolve("jdib-aarch64-2"));
        assertThat(Binfmt.unusedJdibMount(binfmt, mark)).isTrue();
        Binfmt.unmountIfUnused(binfmt, mark, events::add);
        assertThat(mark).doesNotExist();
    }
}
