package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Checks that the nodes form one graph (unique names, bases that exist and fit, no cycles), adds
 * DIB's ordering edges and sorts it. The layout rules (sizes, labels, mounts) are in {@link
 * LayoutRules}.
 */
final class GraphBuilder {

    private final Map<String, ParsedNode> byName = new LinkedHashMap<>();

    private GraphBuilder() {}

    static BlockDeviceGraph build(List<ParsedNode> parsed) {
        GraphBuilder b = new GraphBuilder();
        b.index(parsed);
        b.checkBases();
        // Before sorting: a thin-pool naming nothing would otherwise look like a cycle.
        LayoutRules.check(b.byName);
        Set<Edge> edges = b.edges();
        List<String> order = b.sort(edges);
        List<NodeConfig> nodes = parsed.stream().map(ParsedNode::node).toList();
        return new BlockDeviceGraph(nodes, List.copyOf(edges), order);
    }

    private void index(List<ParsedNode> parsed) {
        for (ParsedNode p : parsed) {
            ParsedNode earlier = byName.putIfAbsent(p.node().name(), p);
            if (earlier != null) {
                throw new BlockDeviceConfigException(
                        p.positionOf("name"),
                        p.node().describe() + " has the name of "
                                + earlier.node().describe() + " at "
                                + earlier.node().position(),
                        "give each node its own name");
            }
        }
    }

    private void checkBases() {
        for (ParsedNode p : byName.values()) {
            NodeConfig node = p.node();
            // An lvm node's other bases are its PVs', which the PV nodes check and name.
            List<String> bases = node instanceof Lvm lvm ? lvm.base() : node.bases();
            for (String base : bases) {
                ParsedNode target = byName.get(base);
                if (target == null) {
                    throw new BlockDeviceConfigException(
                            basePosition(p, base),
                            node.describe() + " has base '" + base + "', which no node is named",
                            "use one of: " + Suggestions.nearestFirstJoined(base, others(node)));
                }
                String expected = expectedBase(node);
                if (expected != null && !fits(node.kind(), target.node().kind())) {
                    throw new BlockDeviceConfigException(
                            basePosition(p, base),
                            node.describe() + " is built on " + target.node().describe(),
                            "its base must be " + expected);
                }
            }
        }
    }

    /** The names a node could be built on: every name but its own. */
    private List<String> others(NodeConfig node) {
        return byName.keySet().stream().filter(n -> !n.equals(node.name())).toList();
    }

    /** Where a base is written: the 'base' value, or the node when the tree implied it. */
    private SourcePosition basePosition(ParsedNode p, String base) {
        if (p.node() instanceof Lvm lvm && !lvm.base().contains(base)) {
            // The LVM node's other bases come from its PVs; point at the PV that names it.
            for (PhysicalVolume pv : lvm.pvs()) {
                if (pv.base().equals(base)) {
                    return byName.get(pv.name()).positionOf("base");
                }
            }
        }
        return p.positionOf("base");
    }

    private static String expectedBase(NodeConfig node) {
        return switch (node.kind()) {
            case PARTITIONING, PHYSICAL_VOLUME, MKFS -> "a local_loop, partition or lv";
            case VOLUME_GROUP -> "a pv";
            case LOGICAL_VOLUME -> "a vg";
            case MOUNT -> "a mkfs node";
            case FSTAB -> "a mount node";
            // A partition's base is set by its table; an lvm base only orders it.
            case PARTITION, LVM, LOCAL_LOOP -> null;
        };
    }

    private static boolean fits(NodeKind kind, NodeKind base) {
        return switch (kind) {
            case PARTITIONING, PHYSICAL_VOLUME, MKFS -> base.isBlockDevice();
            case VOLUME_GROUP -> base == NodeKind.PHYSICAL_VOLUME;
            case LOGICAL_VOLUME -> base == NodeKind.VOLUME_GROUP;
            case MOUNT -> base == NodeKind.MKFS;
            case FSTAB -> base == NodeKind.MOUNT;
            case PARTITION, LVM, LOCAL_LOOP -> true;
        };
    }

    /** Base edges plus DIB's ordering edges. */
    private Set<Edge> edges() {
        Set<Edge> edges = new LinkedHashSet<>();
        List<Mount> mounts = new ArrayList<>();
        for (ParsedNode p : byName.values()) {
            NodeConfig node = p.node();
            node.bases().forEach(b -> edges.add(new Edge(b, node.name())));
            if (node instanceof Partitioning t) {
                // Partitions are made in the order written: numbering depends on it.
                for (int i = 1; i < t.partitions().size(); i++) {
                    edges.add(new Edge(
                            t.partitions().get(i - 1).name(),
                            t.partitions().get(i).name()));
                }
            } else if (node instanceof Lvm lvm) {
                // The lvm node creates the whole stack; its PVs wait for it.
                lvm.pvs().forEach(pv -> edges.add(new Edge(lvm.name(), pv.name())));
            } else if (node instanceof LogicalVolume lv && lv.thinPool().isPresent()) {
                edges.add(new Edge(lv.thinPool().get(), lv.name()));
            } else if (node instanceof Mount m) {
                mounts.add(m);
            }
        }
        // /var before /var/log: mount in lexicographic order of mount point, as DIB does.
        mounts.sort(Comparator.comparing(Mount::mountPoint));
        for (int i = 1; i < mounts.size(); i++) {
            edges.add(new Edge(mounts.get(i - 1).name(), mounts.get(i).name()));
        }
        return edges;
    }

    /** Kahn's sort; among ready nodes the lower DIB level, then the smaller name, goes first. */
    private List<String> sort(Set<Edge> edges) {
        Map<String, List<String>> next = new HashMap<>();
        Map<String, Integer> pending = new HashMap<>();
        byName.keySet().forEach(n -> pending.put(n, 0));
        for (Edge e : edges) {
            next.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e.to());
            pending.merge(e.to(), 1, Integer::sum);
        }
        PriorityQueue<NodeConfig> ready = new PriorityQueue<>(
                Comparator.comparingInt((NodeConfig n) -> n.kind().level()).thenComparing(NodeConfig::name));
        pending.forEach((n, c) -> {
            if (c == 0) {
                ready.add(byName.get(n).node());
            }
        });
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String n = ready.poll().name();
            order.add(n);
            for (String m : next.getOrDefault(n, List.of())) {
                if (pending.merge(m, -1, Integer::sum) == 0) {
                    ready.add(byName.get(m).node());
                }
            }
        }
        if (order.size() < byName.size()) {
            throw cycle(edges, new LinkedHashSet<>(order));
        }
        return order;
    }

    /** Names one cycle among the nodes the sort could not place. */
    private BlockDeviceConfigException cycle(Set<Edge> edges, Set<String> placed) {
        Map<String, String> from = new HashMap<>();
        for (Edge e : edges) {
            if (!placed.contains(e.from()) && !placed.contains(e.to())) {
                from.putIfAbsent(e.to(), e.from());
            }
        }
        // Every unplaced node waits on another unplaced one; walking back must revisit a node.
        String start = byName.keySet().stream()
                .filter(n -> !placed.contains(n))
                .findFirst()
                .orElseThrow();
        List<String> walk = new ArrayList<>();
        String n = start;
        while (!walk.contains(n)) {
            walk.add(n);
            n = from.get(n);
        }
        List<String> loop = new ArrayList<>(walk.subList(walk.indexOf(n), walk.size()));
        Collections.reverse(loop);
        // Start at the node written first, so the message does not depend on the walk.
        String first =
                byName.keySet().stream().filter(loop::contains).findFirst().orElseThrow();
        Collections.rotate(loop, -loop.indexOf(first));
        loop.add(first);
        ParsedNode at = byName.get(first);
        return new BlockDeviceConfigException(
                at.node().position(),
                "the nodes form a cycle: " + String.join(" -> ", loop),
                "change a 'base' so that no node is built, directly or not, on itself");
    }
}
