package io.jdib.blockdevice;

import io.jdib.sys.Exec;
import io.jdib.sys.Tools;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this kernel offers device-mapper, which LVM (and kpartx) need. */
public final class DeviceMapper {
    private static final Path CONTROL = Path.of("/dev/mapper/control");

    private DeviceMapper() {}

    /** True when {@code /dev/mapper/control} exists and {@code dmsetup version} reaches the driver. */
    public static boolean available() {
        if (!Files.exists(CONTROL) || !Tools.has("dmsetup")) {
            return false;
        }
        return Exec.capture(Exec.Command.of("dmsetup", "version")).ok();
    }
}
