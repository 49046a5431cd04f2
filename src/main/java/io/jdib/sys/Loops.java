package io.jdib.sys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Owns loop devices. The ledger records the backing file before attaching, so undo finds every
 * loop device on that file ({@code losetup -j}) even if the build died before learning its name.
 */
public final class Loops {
    private final Ledger ledger;

    public Loops(Ledger ledger) {
        this.ledger = ledger;
    }

    /** An attached loop device and the ledger entry that detaches it. */
    public record Loop(String device, Ledger.Entry entry) implements AutoCloseable {
        @Override
        public void close() {
            entry.undo();
        }
    }

    /** Attaches {@code file} (optionally a window of it) and returns the device. */
    public Loop attach(Path file, long offset, long sizeLimit, int sectorSize) {
        return attach(file, offset, sizeLimit, sectorSize, false);
    }

    /** Attaches a read-only window of {@code file}: nothing written through the device reaches the file. */
    public Loop attachReadOnly(Path file, long offset, long sizeLimit) {
        return attach(file, offset, sizeLimit, 0, true);
    }

    /** A read-only loop over all of {@code file} with {@code sectorSize}-byte logical sectors. */
    public Loop attachReadOnly(Path file, int sectorSize) {
        return attach(file, 0, 0, sectorSize, true);
    }

    private Loop attach(Path file, long offset, long sizeLimit, int sectorSize, boolean readOnly) {
        Ledger.Entry entry = ledger.recordLoop("?", file.toAbsolutePath());
        List<String> argv = new ArrayList<>(List.of("losetup", "--find", "--show"));
        if (readOnly) {
            argv.add("--read-only");
        }
        if (offset > 0) {
            argv.addAll(List.of("--offset", Long.toString(offset)));
        }
        if (sizeLimit > 0) {
            argv.addAll(List.of("--sizelimit", Long.toString(sizeLimit)));
        }
        if (sectorSize > 0 && sectorSize != 512) {
            argv.addAll(List.of("--sector-size", Integer.toString(sectorSize)));
        }
        argv.add(file.toAbsolutePath().toString());
        Exec.Result result = ledger.host().run(argv);
        if (!result.ok()) {
            entry.undo();
            throw new EnvironmentError("cannot attach a loop device to " + file + ": " + String.join(" ", result.tail())
                    + "; check that loop devices are available (modprobe loop) and not all in use (losetup -a)");
        }
        return new Loop(result.stdout().trim(), entry);
    }

    /** Creates /dev/loopNpM nodes with partx, since this kernel does not scan loop partition tables. */
    public Ledger.Entry addPartitions(String device) {
        Ledger.Entry entry = ledger.recordPartx(device);
        Exec.Result result = ledger.host().run(List.of("partx", "--add", device));
        if (!result.ok()) {
            entry.undo();
            throw new EnvironmentError("partx --add " + device + " failed: " + String.join(" ", result.tail()));
        }
        return entry;
    }

    static void removePartitions(String device, Host host) {
        if (Files.exists(Path.of(device))) {
            host.run(List.of("partx", "--delete", device));
        }
    }

    /** Detaches every loop device whose backing file is {@code backing}. */
    static void detachIfBacking(Path backing, Consumer<String> events, Host host) {
        for (String dev : devicesBacking(backing, host)) {
            removePartitions(dev, host);
            Exec.Result result = host.run(List.of("losetup", "--detach", dev));
            if (!result.ok()) {
                events.accept("losetup --detach " + dev + " failed: " + String.join(" ", result.tail()));
            }
        }
    }

    /** Loop devices attached to {@code backing}. */
    public static List<String> devicesBacking(Path backing) {
        return devicesBacking(backing, Host.REAL);
    }

    static List<String> devicesBacking(Path backing, Host host) {
        List<String> devices = new ArrayList<>();
        String out = host.run(List.of("losetup", "--noheadings", "--output", "NAME,BACK-FILE", "--list"))
                .stdout();
        String wanted = backing.toAbsolutePath().normalize().toString();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2 && (f[1].equals(wanted) || f[1].equals(wanted + " (deleted)"))) {
                devices.add(f[0]);
            }
        }
        return devices;
    }
}
