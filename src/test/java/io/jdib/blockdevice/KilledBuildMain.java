package io.jdib.blockdevice;

import io.jdib.blockdevice.config.BlockDeviceConfig;
import io.jdib.blockdevice.config.ConfigDefaults;
import io.jdib.event.EventSink;
import io.jdib.sys.Ledger;
import java.nio.file.Path;

/** A build that is killed: records in a ledger, attaches, mounts, says READY and waits. */
public final class KilledBuildMain {
    private KilledBuildMain() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Ledger ledger = Ledger.create(work.resolve("ledger"), m -> {});
        BlockDevice disk = BlockDevice.create(
                BlockDeviceConfig.defaultGraph(ConfigDefaults.dib()),
                BlockDevice.Options.of(work.resolve("image"), work.resolve("mnt"), 64L << 20),
                ledger,
                EventSink.NONE);
        System.out.println("READY " + disk.device("image0").orElseThrow() + " " + ledger.file());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
