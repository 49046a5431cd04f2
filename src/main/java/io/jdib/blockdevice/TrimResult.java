package io.jdib.blockdevice;

import java.nio.file.Path;

/** What {@code fstrim -v} discarded on one mounted filesystem. */
public record TrimResult(String node, Path mountedAt, long bytes) {}
