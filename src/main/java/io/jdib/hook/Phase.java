package io.jdib.hook;

import java.util.Arrays;
import java.util.Optional;

/** DIB's hook phases in the order they run, and whether each runs inside the chroot. */
public enum Phase {
    ROOT("root.d", false),
    EXTRA_DATA("extra-data.d", false),
    PRE_INSTALL("pre-install.d", true),
    INSTALL("install.d", true),
    POST_INSTALL("post-install.d", true),
    POST_ROOT("post-root.d", false),
    BLOCK_DEVICE("block-device.d", false),
    PRE_FINALISE("pre-finalise.d", false),
    FINALISE("finalise.d", true),
    CLEANUP("cleanup.d", false);

    private final String dirName;
    private final boolean inChroot;

    Phase(String dirName, boolean inChroot) {
        this.dirName = dirName;
        this.inChroot = inChroot;
    }

    public String dirName() {
        return dirName;
    }

    public boolean inChroot() {
        return inChroot;
    }

    public static Optional<Phase> byDirName(String name) {
        return Arrays.stream(values()).filter(p -> p.dirName.equals(name)).findFirst();
    }
}
