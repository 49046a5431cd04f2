package io.jdib.cli;

import io.jdib.build.BuildReport;

/** disk-image-create and ramdisk-image-create as {@code jdib build} drives them: parsed options, then a build. */
interface ImageCommand {
    /** The options both commands share; {@code jdib build} sets what the build inherits here. */
    BuildOptions options();

    /** Runs the build the parsed options describe, printing its events. */
    BuildReport build();
}
