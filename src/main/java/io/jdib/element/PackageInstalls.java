package io.jdib.element;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

/**
 * DIB's {@code package-installs.yaml}: which packages an element installs or removes, in which
 * phase, for which architectures and under which {@code when:} conditions.
 */
public final class PackageInstalls {
    public static final String DEFAULT_PHASE = "install.d";
    private static final Set<String> PHASES = Set.of("pre-install.d", "install.d", "post-install.d");
    private static final Set<String> KEYS =
            Set.of("phase", "uninstall", "installtype", "arch", "not-arch", "when", "build-only", "dib_python_version");

    /** One package operation in one phase. */
    public record Op(String phase, boolean uninstall, String pkg, String element) {}

    private PackageInstalls() {}

    /**
     * The operations {@code element} asks for, with names mapped through its pkg-map and entries whose
     * conditions do not hold for {@code env} left out.
     */
    public static List<Op> forElement(Element element, Map<String, String> env, PkgMap pkgMap) {
        // As DIB: package-installs.json first (JSON is YAML, so one reader does both), then .yaml.
        Path file = element.dir().resolve("package-installs.json");
        if (!Files.isRegularFile(file)) {
            file = element.dir().resolve("package-installs.yaml");
        }
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setLabel(file.toString()).build())
                    .loadFromString(Files.readString(file));
        } catch (MarkedYamlEngineException e) {
            throw new ElementError(
                    file + ":" + (e.getProblemMark().map(m -> m.getLine() + 1).orElse(0)) + ": " + e.getProblem()
                            + "; fix the YAML syntax");
        } catch (YamlEngineException | IOException e) {
            throw new ElementError(file + ": " + e.getMessage());
        }
        if (doc == null) {
            return List.of();
        }
        if (!(doc instanceof Map<?, ?> packages)) {
            throw new ElementError(
                    file + ": expected a mapping of package name to options; see DIB's package-installs docs");
        }
        List<Op> ops = new ArrayList<>();
        for (Map.Entry<?, ?> entry : packages.entrySet()) {
            String name = String.valueOf(entry.getKey());
            Object value = entry.getValue();
            List<Object> variants =
                    value instanceof List<?> list ? new ArrayList<>(list) : java.util.Collections.singletonList(value);
            for (Object variant : variants) {
                Map<String, Object> opts = options(file, name, variant);
                if (!applies(file, name, opts, env, element.name())) {
                    continue;
                }
                String phase = String.valueOf(opts.getOrDefault("phase", DEFAULT_PHASE));
                if (!PHASES.contains(phase)) {
                    throw new ElementError(file + ": package " + name + " has phase '" + phase + "'; use one of "
                            + String.join(", ", new TreeSet<>(PHASES)));
                }
                boolean uninstall = truthy(opts.get("uninstall"));
                for (String pkg : pkgMap.map(name)) {
                    ops.add(new Op(phase, uninstall, pkg, element.name()));
                    if (!uninstall && truthy(opts.get("build-only"))) {
                        ops.add(new Op("post-install.d", true, pkg, element.name()));
                    }
                }
            }
        }
        return ops;
    }

    /** Something in a package-installs file that DIB or jdib would reject, and its line. */
    public record Problem(int line, String message) {}

    /**
     * Everything wrong with a {@code package-installs.yaml} (or {@code .json}), whatever the build's
     * architecture and environment: what jdib rejects when it reads the file (unknown keys, phases),
     * what DIB rejects (arch with not-arch, a malformed when:), and what DIB reads differently
     * ({@code uninstall: false} and {@code build-only: false} still count as set).
     */
    public static List<Problem> problems(Path file) {
        Node root;
        try {
            root = new Compose(LoadSettings.builder()
                            .setLabel(file.toString())
                            .setSchema(new FailsafeSchema())
                            .build())
                    .composeString(Files.readString(file))
                    .orElse(null);
        } catch (MarkedYamlEngineException e) {
            return List.of(new Problem(
                    e.getProblemMark()
                            .or(e::getContextMark)
                            .map(m -> m.getLine() + 1)
                            .orElse(1),
                    "not valid YAML: " + e.getProblem()));
        } catch (YamlEngineException | IOException e) {
            return List.of(new Problem(1, "cannot read: " + e.getMessage()));
        }
        List<Problem> problems = new ArrayList<>();
        if (root == null) {
            return problems;
        }
        if (!(root instanceof MappingNode packages)) {
            problems.add(new Problem(line(root), "expected a mapping of package name to options"));
            return problems;
        }
        for (NodeTuple entry : packages.getValue()) {
            String name = scalar(entry.getKeyNode());
            Node value = entry.getValueNode();
            List<Node> variants = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
            for (Node variant : variants) {
                if (isNull(variant)) {
                    continue;
                }
                if (!(variant instanceof MappingNode opts)) {
                    problems.add(new Problem(line(variant), "options of package " + name + " must be a mapping"));
                    continue;
                }
                Set<String> seen = new HashSet<>();
                for (NodeTuple opt : opts.getValue()) {
                    String key = scalar(opt.getKeyNode());
                    String text = scalar(opt.getValueNode());
                    int at = line(opt.getKeyNode());
                    seen.add(key);
                    if (!KEYS.contains(key)) {
                        problems.add(new Problem(
                                at,
                                "package " + name + " has unknown key '" + key + "' (DIB ignores it; jdib rejects it);"
                                        + " use one of " + String.join(", ", new TreeSet<>(KEYS))));
                    } else if (key.equals("phase") && !PHASES.contains(text)) {
                        problems.add(new Problem(
                                at,
                                "package " + name + " has phase '" + text + "'; use one of "
                                        + String.join(", ", new TreeSet<>(PHASES))));
                    } else if (key.equals("installtype")
                            && !List.of("source", "package").contains(text)) {
                        problems.add(new Problem(
                                at,
                                "package " + name + " has installtype '" + text + "', which never matches;"
                                        + " use source or package"));
                    } else if ((key.equals("uninstall") || key.equals("build-only")) && !truthy(text)) {
                        problems.add(new Problem(
                                at,
                                "package " + name + " has " + key + ": " + text + ", which DIB reads as set"
                                        + " (it looks only at the key); remove the key instead"));
                    } else if (key.equals("when")) {
                        List<Node> conditions = opt.getValueNode() instanceof SequenceNode seq
                                ? seq.getValue()
                                : List.of(opt.getValueNode());
                        for (Node condition : conditions) {
                            try {
                                Condition.parse(file, name, scalar(condition));
                            } catch (ElementError e) {
                                problems.add(new Problem(
                                        line(condition),
                                        "package " + name + " has when: '" + scalar(condition)
                                                + "'; write it as VARIABLE = value or VARIABLE != value"));
                            }
                        }
                    }
                }
                if (seen.contains("arch") && seen.contains("not-arch")) {
                    problems.add(new Problem(
                            line(variant),
                            "package " + name + " has both arch and not-arch, which DIB rejects;"
                                    + " keep one of them"));
                }
            }
        }
        return problems;
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : "";
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s
                && s.isPlain()
                && List.of("", "~", "null", "Null", "NULL").contains(s.getValue());
    }

    private static Map<String, Object> options(Path file, String name, Object variant) {
        if (variant == null) {
            return Map.of();
        }
        if (!(variant instanceof Map<?, ?> map)) {
            throw new ElementError(file + ": options of package " + name + " must be a mapping, not '" + variant + "'");
        }
        Map<String, Object> opts = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!KEYS.contains(key)) {
                throw new ElementError(file + ": package " + name + " has unknown key '" + key + "'; allowed: "
                        + String.join(", ", new TreeSet<>(KEYS)));
            }
            opts.put(key, e.getValue());
        }
        return opts;
    }

    private static boolean applies(
            Path file, String name, Map<String, Object> opts, Map<String, String> env, String element) {
        String arch = normalizeArch(env.getOrDefault("ARCH", "amd64"));
        if (opts.containsKey("arch") && !archList(opts.get("arch")).contains(arch)) {
            return false;
        }
        if (opts.containsKey("not-arch") && archList(opts.get("not-arch")).contains(arch)) {
            return false;
        }
        // An entry for one Python version applies only when DIB_PYTHON_VERSION (dib-python) is that version.
        Object pythonVersion = opts.get("dib_python_version");
        if (pythonVersion != null
                && !String.valueOf(pythonVersion).equals(env.getOrDefault("DIB_PYTHON_VERSION", ""))) {
            return false;
        }
        Object installType = opts.get("installtype");
        if (installType != null) {
            String key = "DIB_INSTALLTYPE_" + element.replace('-', '_');
            String wanted = env.getOrDefault(key, env.getOrDefault("DIB_DEFAULT_INSTALLTYPE", "source"));
            if (!wanted.equals(String.valueOf(installType))) {
                return false;
            }
        }
        Object when = opts.get("when");
        if (when != null) {
            List<?> conditions = when instanceof List<?> list ? list : List.of(when);
            for (Object condition : conditions) {
                if (!Condition.parse(file, name, String.valueOf(condition)).holds(env)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A {@code when:} condition: {@code VAR = value} or {@code VAR != value}; an unset VAR is "". */
    record Condition(String variable, boolean equal, String value) {
        static Condition parse(Path file, String pkg, String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                            "\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(!=|=)\\s*(.*?)\\s*")
                    .matcher(text);
            if (!m.matches()) {
                throw new ElementError(file + ": package " + pkg + " has when: '" + text
                        + "'; write it as VARIABLE = value or VARIABLE != value");
            }
            return new Condition(m.group(1), m.group(2).equals("="), m.group(3));
        }

        boolean holds(Map<String, String> env) {
            return env.getOrDefault(variable, "").equals(value) == equal;
        }
    }

    static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (String.valueOf(value).toLowerCase()) {
            case "true", "yes", "on", "1", "y" -> true;
            default -> false;
        };
    }

    private static List<String> archList(Object value) {
        List<String> out = new ArrayList<>();
        for (String a : String.valueOf(value).split("[,\\s]+")) {
            if (!a.isBlank()) {
                out.add(normalizeArch(a));
            }
        }
        return out;
    }

    /** DIB accepts both kernel and Debian architecture names; compare them in Debian's. */
    public static String normalizeArch(String arch) {
        return switch (arch) {
            case "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            case "i686", "i386" -> "i386";
            case "ppc64el" -> "ppc64le";
            default -> arch;
        };
    }
}
