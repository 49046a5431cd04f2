package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.List;
import java.util.Objects;

/** The fstab line for mount {@code base}: fields four to six. */
public record Fstab(String name, String base, String options, int dumpFreq, int fsckPassno, SourcePosition position)
        implements NodeConfig {

    public static final String DEFAULT_OPTIONS = "defaults";
    public static final int DEFAULT_DUMP_FREQ = 0;
    public static final int DEFAULT_FSCK_PASSNO = 2;

    public Fstab {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(position, "position");
    }

    @Override
    public List<String> bases() {
        return List.of(base);
    }

    @Override
    public NodeKind kind() {
        return NodeKind.FSTAB;
    }

    @Override
    public Fstab withPosition(SourcePosition p) {
        return new Fstab(name, base, options, dumpFreq, fsckPassno, p);
    }
}
