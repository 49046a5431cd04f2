package io.jdib.blockdevice;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.blockdevice.config.BlockDeviceConfig;
import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.blockdevice.config.ConfigDefaults;
import io.jdib.event.RecordingSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Mounts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real loop devices, mkfs and mounts in a temp dir. After each test nothing may be mounted under
 * the temp dir and no loop device may be backed by its image files; a safety net then undoes the
 * ledger so one failing test does not leave devices to the next.
 */
abstract class LoopTestSupport {
    static final long MIB = 1L << 20;

    @TempDir
    Path tmp;

    Path imageDir;
    Path mountRoot;
    Ledger ledger;
    final RecordingSink events = new RecordingSink();
    final List<String> ledgerMessages = new ArrayList<>();

    @BeforeEach
    void setUpDirs() {
        imageDir = tmp.resolve("image");
        mountRoot = tmp.resolve("mnt");
        ledger = Ledger.create(tmp.resolve("ledger"), ledgerMessages::add);
    }

    @AfterEach
    void nothingLeft() throws IOException {
        List<Path> mounted = Mounts.mountedUnder(tmp);
        List<String> loops = new ArrayList<>();
        for (Path raw : rawFiles()) {
            loops.addAll(losetupJ(raw));
        }
        Ledger.undoAll(ledger.file(), ledgerMessages::add);
        assertThat(mounted).as("mounted under %s after the test", tmp).isEmpty();
        assertThat(loops).as("loop devices on the test's image files").isEmpty();
    }

    List<Path> rawFiles() throws IOException {
        if (!Files.isDirectory(imageDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(imageDir)) {
            return files.filter(f -> f.toString().endsWith(".raw")).toList();
        }
    }

    BlockDevice.Options options(long imageSize) {
        return BlockDevice.Options.of(imageDir, mountRoot, imageSize);
    }

    static BlockDeviceGraph layout(String name) throws IOException {
        return layout(name, ConfigDefaults.dib());
    }

    static BlockDeviceGraph layout(String name, ConfigDefaults defaults) throws IOException {
        String resource = name.startsWith("/") ? name : "layouts/" + name;
        try (InputStream in = LoopTestSupport.class.getResourceAsStream(resource)) {
            assertThat(in).as("fixture %s", resource).isNotNull();
            return BlockDeviceConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name, defaults);
        }
    }

    /** {@code losetup -j FILE}: the loop devices backed by {@code file}, one line each. */
    static List<String> losetupJ(Path file) {
        String out = ok("losetup", "-j", file.toAbsolutePath().toString());
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    static String ok(String... argv) {
        Exec.Result r = Exec.capture(Exec.Command.of(argv));
        assertThat(r.exitCode()).as("%s: %s", String.join(" ", argv), r.tail()).isZero();
        return r.stdout();
    }

    /** One tag of {@code blkid -p} (probes the device itself; there is no udev cache here). */
    static String blkid(String device, String tag) {
        return ok("blkid", "-p", "-o", "value", "-s", tag, device).strip();
    }

    /** Bytes the file has on disk ({@code stat %b} blocks of 512). */
    static long allocated(Path file) {
        return Long.parseLong(ok("stat", "-c", "%b", file.toString()).strip()) * 512;
    }
}
