package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A checked block-device layout: its nodes, the edges between them and the order to create them
 * in. Two graphs are equal when they describe the same layout, wherever it was written.
 */
public final class BlockDeviceGraph {

    /** Stands in for every position when layouts are compared. */
    private static final SourcePosition ANYWHERE = new SourcePosition("layout", 1, 1);

    private final List<NodeConfig> nodes;
    private final Map<String, NodeConfig> byName;
    private final List<Edge> edges;
    private final List<NodeConfig> order;

    BlockDeviceGraph(List<NodeConfig> nodes, List<Edge> edges, List<String> order) {
        this.nodes = List.copyOf(nodes);
        Map<String, NodeConfig> index = new LinkedHashMap<>();
        nodes.forEach(n -> index.put(n.name(), n));
        this.byName = Collections.unmodifiableMap(index);
        this.edges = List.copyOf(edges);
        this.order = order.stream().map(index::get).toList();
    }

    /** The nodes in the order the config wrote them (a nested node after its parent). */
    public List<NodeConfig> nodes() {
        return nodes;
    }

    public Optional<NodeConfig> node(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The nodes of one kind, in config order. */
    public <T extends NodeConfig> List<T> nodes(Class<T> type) {
        return nodes.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Every edge: each node's bases, plus partition order, mount order and LVM ordering. */
    public List<Edge> edges() {
        return edges;
    }

    /**
     * The creation order. Among nodes free to go next, the lower DIB level (disks, then partitions
     * and volumes, filesystems, mounts, fstab) and then the smaller name goes first, so the order
     * is the same for every notation of a layout.
     */
    public List<NodeConfig> topologicalOrder() {
        return order;
    }

    /** The order to undo in: umount, cleanup and delete. */
    public List<NodeConfig> reverseOrder() {
        List<NodeConfig> reversed = new ArrayList<>(order);
        Collections.reverse(reversed);
        return List.copyOf(reversed);
    }

    /** The root filesystem: the one mounted at "/", else the node named mkfs_root. */
    public Optional<Mkfs> rootMkfs() {
        return mounts().stream()
                .filter(m -> m.mountPoint().equals("/"))
                .map(m -> (Mkfs) byName.get(m.base()))
                .findFirst()
                .or(() -> node(Mkfs.ROOT_NAME).filter(Mkfs.class::isInstance).map(Mkfs.class::cast));
    }

    /** The mounts in mount order (lexicographic by mount point). */
    public List<Mount> mounts() {
        return nodes(Mount.class).stream()
                .sorted(Comparator.comparing(Mount::mountPoint))
                .toList();
    }

    /** The fstab entries in the order of their mounts. */
    public List<Fstab> fstabEntries() {
        List<String> mountOrder = mounts().stream().map(Mount::name).toList();
        return nodes(Fstab.class).stream()
                .sorted(Comparator.comparingInt((Fstab f) -> mountOrder.indexOf(f.base())))
                .toList();
    }

    /** The mount of a filesystem, if it is mounted. */
    public Optional<Mount> mountOf(Mkfs fs) {
        return nodes(Mount.class).stream()
                .filter(m -> m.base().equals(fs.name()))
                .findFirst();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockDeviceGraph g
                && layout().equals(g.layout())
                && new HashSet<>(edges).equals(new HashSet<>(g.edges));
    }

    @Override
    public int hashCode() {
        return layout().hashCode();
    }

    private Map<String, NodeConfig> layout() {
        return nodes.stream().collect(Collectors.toMap(NodeConfig::name, n -> n.withPosition(ANYWHERE)));
    }

    /** One line per node in creation order: {@code kind name <- bases}. */
    @Override
    public String toString() {
        return order.stream()
                .map(n -> n.kind().keyword() + " " + n.name()
                        + (n.bases().isEmpty() ? "" : " <- " + String.join(", ", n.bases())))
                .collect(Collectors.joining("\n"));
    }
}
