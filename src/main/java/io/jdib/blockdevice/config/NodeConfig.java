package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.List;

/**
 * One node of the block-device graph. {@link #bases()} are the nodes it is built on, as the
 * config names them; the graph adds ordering edges of its own (partition order, mount order).
 */
public sealed interface NodeConfig
        permits LocalLoop,
                Partitioning,
                Partition,
                Lvm,
                PhysicalVolume,
                VolumeGroup,
                LogicalVolume,
                Mkfs,
                Mount,
                Fstab {

    String name();

    List<String> bases();

    NodeKind kind();

    /** Where the node was written; provenance only, not part of the layout. */
    SourcePosition position();

    /** This node written somewhere else; lets layouts from different files be compared. */
    NodeConfig withPosition(SourcePosition position);

    /** "mkfs 'mkfs_root'": how messages name a node. */
    default String describe() {
        return kind().keyword() + " '" + name() + "'";
    }
}
