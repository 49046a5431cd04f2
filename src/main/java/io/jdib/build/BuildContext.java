package io.jdib.build;

import io.jdib.blockdevice.config.BlockDeviceGraph;
import io.jdib.element.ElementResolution;
import io.jdib.event.EventSink;
import io.jdib.hook.HookTree;
import io.jdib.sys.Ledger;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What the steps of one build share, fixed once the hooks are merged and their environment is
 * set: the spec (with DIB_RELEASE resolved), the elements, the block-device layout ({@code graph},
 * null unless the build makes a disk), the build directory ({@code work}) with the tree
 * ({@code root}) and the merged hooks ({@code hooksDir}, {@code hooks}), the hooks' environment,
 * the ledger of host resources, the step clock and the runner of hook phases.
 * {@code partialOutputs} collects the files a failed build must remove.
 */
record BuildContext(
        BuildSpec spec,
        EventSink events,
        ElementResolution resolution,
        BlockDeviceGraph graph,
        Path work,
        Path root,
        Path hooksDir,
        HookTree hooks,
        Map<String, String> env,
        Ledger ledger,
        StepTimes steps,
        Phases phases,
        Set<Path> partialOutputs) {}
