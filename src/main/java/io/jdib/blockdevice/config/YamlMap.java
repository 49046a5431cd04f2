package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

/**
 * A YAML mapping read with the failsafe schema: every scalar is a string, converted per field
 * here, so {@code label: on} stays the label "on". Each accessor reports errors at the value's
 * own line and column.
 */
final class YamlMap {

    private final String source;
    private final String owner;
    private final SourcePosition position;
    private final Map<String, NodeTuple> entries;

    private YamlMap(String source, String owner, SourcePosition position, Map<String, NodeTuple> entries) {
        this.source = source;
        this.owner = owner;
        this.position = position;
        this.entries = entries;
    }

    /** Composes a YAML document; null when it holds nothing. */
    static Node compose(String text, String source) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(source)
                .setSchema(new FailsafeSchema())
                .build();
        try {
            return new Compose(settings).composeString(text).orElse(null);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            SourcePosition at = mark.map(m -> new SourcePosition(source, m.getLine() + 1, m.getColumn() + 1))
                    .orElse(new SourcePosition(source, 1, 1));
            throw new BlockDeviceConfigException(
                    at, "YAML syntax error: " + oneLine(e.getProblem()), "fix the YAML here");
        } catch (YamlEngineException e) {
            throw new BlockDeviceConfigException(
                    new SourcePosition(source, 1, 1), "YAML error: " + oneLine(e.getMessage()), "fix the YAML");
        }
    }

    static SourcePosition position(Node node, String source) {
        return node.getStartMark()
                .map(m -> new SourcePosition(source, m.getLine() + 1, m.getColumn() + 1))
                .orElse(new SourcePosition(source, 1, 1));
    }

    /** The mapping in {@code node}, which {@code owner} (e.g. "mkfs") must be. */
    static YamlMap of(Node node, String source, String owner) {
        SourcePosition at = position(node, source);
        if (!(node instanceof MappingNode mapping)) {
            throw new BlockDeviceConfigException(
                    at,
                    owner + " is " + describe(node) + ", not a mapping",
                    "write its settings as 'key: value' lines indented under it");
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            SourcePosition keyAt = position(t.getKeyNode(), source);
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw new BlockDeviceConfigException(
                        keyAt, "a key in " + owner + " is not a plain word", "write keys as words");
            }
            if (entries.put(key.getValue(), t) != null) {
                throw new BlockDeviceConfigException(
                        keyAt, "key '" + key.getValue() + "' appears twice in " + owner, "keep one of them");
            }
        }
        return new YamlMap(source, owner, at, entries);
    }

    /** The same mapping, named in messages as {@code owner}. */
    YamlMap named(String newOwner) {
        return new YamlMap(source, newOwner, position, entries);
    }

    String source() {
        return source;
    }

    String owner() {
        return owner;
    }

    SourcePosition position() {
        return position;
    }

    List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    Node value(String key) {
        return entries.get(key).getValueNode();
    }

    SourcePosition keyPosition(String key) {
        return position(entries.get(key).getKeyNode(), source);
    }

    /** Where the value of {@code key} is, or where the mapping is when the key is absent. */
    SourcePosition positionOf(String key) {
        return has(key) ? position(value(key), source) : position;
    }

    /** Rejects keys outside {@code allowed} (and {@code nested}, the node types it may hold). */
    void checkKeys(Collection<String> allowed, Collection<String> nested) {
        for (String key : entries.keySet()) {
            if (allowed.contains(key) || nested.contains(key)) {
                continue;
            }
            String nestHint = nested.isEmpty() ? "" : " (or nest a node: " + String.join(", ", nested) + ")";
            throw new BlockDeviceConfigException(
                    keyPosition(key),
                    "unknown key '" + key + "' in " + owner,
                    "use one of: " + Suggestions.nearestFirstJoined(key, allowed) + nestHint);
        }
    }

    BlockDeviceConfigException missing(String key, String example) {
        return new BlockDeviceConfigException(
                position, owner + " has no '" + key + "'", "add '" + key + ": " + example + "'");
    }

    BlockDeviceConfigException invalid(String key, String problem, String remedy) {
        return new BlockDeviceConfigException(positionOf(key), problem, remedy);
    }

    String string(String key, String example) {
        return optString(key).orElseThrow(() -> missing(key, example));
    }

    Optional<String> optString(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        Node v = value(key);
        if (!(v instanceof ScalarNode scalar)) {
            throw invalid(
                    key,
                    "'" + key + "' of " + owner + " is " + describe(v) + ", not a single value",
                    "write it as 'key: value'");
        }
        return Optional.of(scalar.getValue());
    }

    /** A whole number such as dump-freq. */
    Optional<Integer> optInt(String key) {
        return optString(key).map(s -> {
            try {
                return Integer.parseInt(s.strip());
            } catch (NumberFormatException e) {
                throw invalid(
                        key,
                        "'" + key + "' of " + owner + " is '" + s + "', not a whole number",
                        "write a number such as 0, 1 or 2");
            }
        });
    }

    /** A list of words; a single word is taken as a list of one. */
    List<String> stringList(String key) {
        if (!has(key)) {
            return List.of();
        }
        Node v = value(key);
        if (v instanceof ScalarNode scalar) {
            return List.of(scalar.getValue());
        }
        List<String> out = new ArrayList<>();
        for (Node item : sequence(key)) {
            if (!(item instanceof ScalarNode scalar)) {
                throw new BlockDeviceConfigException(
                        position(item, source),
                        "an item of '" + key + "' in " + owner + " is " + describe(item),
                        "write the items as plain words: [a, b]");
            }
            out.add(scalar.getValue());
        }
        return out;
    }

    /** The items of a list-valued key such as partitions or lvs. */
    List<Node> sequence(String key) {
        Node v = value(key);
        if (!(v instanceof SequenceNode seq)) {
            throw invalid(
                    key,
                    "'" + key + "' of " + owner + " is " + describe(v) + ", not a list",
                    "write its items as '- ...' lines");
        }
        return seq.getValue();
    }

    static String describe(Node node) {
        if (node instanceof ScalarNode s) {
            return s.getValue().isEmpty() ? "empty" : "the value '" + oneLine(s.getValue()) + "'";
        }
        return node instanceof SequenceNode ? "a list" : "a mapping";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
