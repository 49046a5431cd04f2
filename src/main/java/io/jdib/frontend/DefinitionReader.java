package io.jdib.frontend;

import io.jdib.blockdevice.ImageSize;
import io.jdib.image.OutputType;
import io.jdib.ramdisk.Compression;
import io.jdib.sys.Architecture;
import io.jdib.sys.JdibError;
import io.jdib.sys.NearestNames;
import io.jdib.sys.SourcePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
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
 * Reads one image definition file: a YAML list of mappings whose keys are {@link ImageKey}s. The
 * failsafe schema keeps every scalar a string, converted here per key (DIB's YAML 1.1 booleans
 * {@code yes/no/on/off} included); every error names the file, line and column of what is wrong.
 * YAML merge keys ({@code <<: *anchor}) are honoured, as DIB's PyYAML does.
 */
final class DefinitionReader {
    private static final Set<String> TRUE = Set.of("true", "yes", "on", "y");
    private static final Set<String> FALSE = Set.of("false", "no", "off", "n");
    private static final Set<String> NULL = Set.of("", "~", "null");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String MERGE_KEY = "<<";

    /** One entry of the list, before entries of the same image are merged. */
    record Entry(SourcePosition at, Map<ImageKey, Value> values) {
        Entry {
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    private final String file;

    private DefinitionReader(String file) {
        this.file = file;
    }

    /** The entries of {@code text}, read from {@code file} (the name errors give). */
    static List<Entry> read(String text, String file) {
        return new DefinitionReader(file).document(compose(text, file));
    }

    private static Node compose(String text, String file) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file)
                .setSchema(new FailsafeSchema())
                .build();
        try {
            return new Compose(settings).composeString(text).orElse(null);
        } catch (MarkedYamlEngineException e) {
            SourcePosition at = e.getProblemMark()
                    .or(e::getContextMark)
                    .map(m -> position(m, file))
                    .orElse(new SourcePosition(file, 1, 1));
            throw new DefinitionError(at, "YAML syntax error: " + oneLine(e.getProblem()), "fix the YAML here");
        } catch (YamlEngineException e) {
            throw new DefinitionError(
                    new SourcePosition(file, 1, 1), "YAML error: " + oneLine(e.getMessage()), "fix the YAML");
        }
    }

    private List<Entry> document(Node root) {
        if (root == null) {
            throw new DefinitionError(
                    new SourcePosition(file, 1, 1),
                    "the file defines no images",
                    "write a list of images, e.g. '- elements: [debian-minimal, vm]'");
        }
        if (!(root instanceof SequenceNode list)) {
            throw new DefinitionError(
                    at(root),
                    "the file holds " + describe(root) + ", not a list of images",
                    "start each image with '- ', e.g. '- imagename: web'");
        }
        List<Entry> entries = new ArrayList<>();
        for (Node item : list.getValue()) {
            if (!(item instanceof MappingNode mapping)) {
                throw new DefinitionError(
                        at(item),
                        "an image is " + describe(item) + ", not a mapping",
                        "write its settings as 'key: value' lines, e.g. 'elements: [debian-minimal]'");
            }
            entries.add(entry(mapping));
        }
        return entries;
    }

    private Entry entry(MappingNode mapping) {
        Map<ImageKey, Value> values = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            String name = keyOf(t.getKeyNode());
            if (name.equals(MERGE_KEY)) {
                continue;
            }
            ImageKey key = ImageKey.byKey(name).orElseThrow(() -> unknownKey(name, t.getKeyNode()));
            if (values.containsKey(key)) {
                throw new DefinitionError(
                        at(t.getKeyNode()), "key '" + name + "' appears twice in this image", "keep one of them");
            }
            values.put(key, value(key, t.getValueNode()));
        }
        // Merge keys give defaults: what the mapping says itself wins.
        Map<ImageKey, Value> merged = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (keyOf(t.getKeyNode()).equals(MERGE_KEY)) {
                for (MappingNode source : mergeSources(t.getValueNode())) {
                    entry(source).values().forEach(merged::putIfAbsent);
                }
            }
        }
        merged.keySet().removeAll(values.keySet());
        values.putAll(merged);
        return new Entry(at(mapping), values);
    }

    private DefinitionError unknownKey(String name, Node at) {
        List<String> near = NearestNames.plausible(name, ImageKey.keys(), 1);
        return new DefinitionError(
                at(at),
                "unknown key '" + name + "'",
                (near.isEmpty() ? "" : "did you mean '" + near.get(0) + "'? ") + "the keys are "
                        + String.join(", ", ImageKey.keys()));
    }

    private List<MappingNode> mergeSources(Node value) {
        List<Node> items = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
        if (items.stream().allMatch(MappingNode.class::isInstance)) {
            return items.stream().map(MappingNode.class::cast).toList();
        }
        throw new DefinitionError(
                at(value),
                "'<<' merges " + describe(value),
                "merge a mapping (or a list of them) defined with an anchor, e.g. '<<: *common'");
    }

    private String keyOf(Node key) {
        if (!(key instanceof ScalarNode scalar)) {
            throw new DefinitionError(at(key), "a key is " + describe(key), "write keys as plain words");
        }
        return scalar.getValue();
    }

    private Value value(ImageKey key, Node node) {
        return switch (key.kind().shape) {
            case SCALAR -> new Value.Scalar(scalar(key, node), at(node));
            case LIST -> new Value.Items(items(key, node), at(node));
            case MAP -> new Value.Pairs(pairs(key, node), at(node));
        };
    }

    private String scalar(ImageKey key, Node node) {
        if (!(node instanceof ScalarNode scalar)) {
            throw new DefinitionError(
                    at(node),
                    "'" + key.key() + "' is " + describe(node) + ", not a single value",
                    "write it as '" + key.key() + ": VALUE' with " + key.kind().expected);
        }
        if (isNull(scalar)) {
            throw new DefinitionError(
                    at(node), "'" + key.key() + "' has no value", "give it " + key.kind().expected + ", or remove it");
        }
        String text = scalar.getValue();
        String word = text.strip().toLowerCase(Locale.ROOT);
        return switch (key.kind()) {
            case TEXT -> text;
            case FLAG, SELECT -> {
                if (TRUE.contains(word)) {
                    yield "true";
                }
                if (FALSE.contains(word)) {
                    yield "false";
                }
                throw invalid(key, node, text, "write true or false");
            }
            case TRACE -> {
                if (!word.matches("[0-2]")) {
                    throw invalid(key, node, text, "write 0 (off), 1 or 2");
                }
                yield word;
            }
            case COUNT -> {
                if (!word.matches("[0-9]+") || word.matches("0+")) {
                    throw invalid(key, node, text, "write a whole number of at least 1");
                }
                yield word;
            }
            case SIZE -> {
                checked(key, node, () -> {
                    if (key == ImageKey.IMAGE_EXTRA_SIZE) {
                        ImageSize.parseExtraSize(text);
                    } else {
                        ImageSize.parseImageSize(text);
                    }
                });
                yield text.strip();
            }
            case ARCH -> {
                checked(key, node, () -> Architecture.parse(text));
                yield text.strip();
            }
            case INSTALL_TYPE -> {
                if (!word.equals("source") && !word.equals("package")) {
                    throw invalid(key, node, text, "write source or package");
                }
                yield word;
            }
            case COMPRESSION -> {
                checked(key, node, () -> Compression.parse(text));
                yield word;
            }
            default -> throw new IllegalStateException(key + " is not a single value");
        };
    }

    private List<String> items(ImageKey key, Node node) {
        if (!(node instanceof SequenceNode seq)) {
            throw new DefinitionError(
                    at(node),
                    "'" + key.key() + "' is " + describe(node) + ", not a list",
                    "write it as [a, b] or as '- a' lines under it");
        }
        List<String> items = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof ScalarNode scalar) || isNull(scalar)) {
                throw new DefinitionError(
                        at(item),
                        "an item of '" + key.key() + "' is " + describe(item),
                        "write the items as plain words: [a, b]");
            }
            if (key.kind() == ImageKey.Kind.TYPES) {
                checked(key, item, () -> OutputType.parse(scalar.getValue()));
            }
            items.add(scalar.getValue().strip());
        }
        return items;
    }

    private Map<String, String> pairs(ImageKey key, Node node) {
        if (!(node instanceof MappingNode mapping)) {
            throw new DefinitionError(
                    at(node),
                    "'" + key.key() + "' is " + describe(node) + ", not a mapping",
                    "write its entries as 'NAME: value' lines indented under it");
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            String name = keyOf(t.getKeyNode());
            if (key.kind() == ImageKey.Kind.ENVIRONMENT
                    && !VARIABLE.matcher(name).matches()) {
                throw new DefinitionError(
                        at(t.getKeyNode()),
                        "'" + name + "' in '" + key.key() + "' is not a variable name",
                        "use letters, digits and _, not starting with a digit");
            }
            Node v = t.getValueNode();
            if (!(v instanceof ScalarNode scalar)) {
                throw new DefinitionError(
                        at(v),
                        "'" + name + "' in '" + key.key() + "' is " + describe(v) + ", not a single value",
                        "write it as '" + name + ": VALUE'");
            }
            if (isNull(scalar)) {
                throw new DefinitionError(
                        at(v),
                        "'" + name + "' in '" + key.key() + "' has no value",
                        "write " + name + ": '' for an empty value, or remove it");
            }
            if (pairs.put(name, scalar.getValue()) != null) {
                throw new DefinitionError(
                        at(t.getKeyNode()), "'" + name + "' appears twice in '" + key.key() + "'", "keep one of them");
            }
        }
        return pairs;
    }

    /** Runs a jdib parser on a value, turning its one-line error into one at the value's position. */
    private void checked(ImageKey key, Node node, Runnable parse) {
        try {
            parse.run();
        } catch (JdibError | IllegalArgumentException e) {
            throw new DefinitionError(at(node), e.getMessage(), "change the value of '" + key.key() + "'");
        }
    }

    private DefinitionError invalid(ImageKey key, Node node, String text, String remedy) {
        return new DefinitionError(
                at(node), "'" + key.key() + "' is '" + oneLine(text) + "', not " + key.kind().expected, remedy);
    }

    /** A plain empty scalar, {@code ~} or {@code null}: YAML's null, which no key takes. */
    private static boolean isNull(ScalarNode scalar) {
        return scalar.isPlain() && NULL.contains(scalar.getValue().toLowerCase(Locale.ROOT));
    }

    private SourcePosition at(Node node) {
        return node.getStartMark().map(m -> position(m, file)).orElse(new SourcePosition(file, 1, 1));
    }

    private static SourcePosition position(Mark mark, String file) {
        return new SourcePosition(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    static String describe(Node node) {
        if (node instanceof ScalarNode s) {
            return isNull(s) ? "empty" : "the value '" + oneLine(s.getValue()) + "'";
        }
        return node instanceof SequenceNode ? "a list" : "a mapping";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
