package io.jdib.element;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

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
                            + String.join(", ", new java.util.TreeSet<>(PHASES)));
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
                        + String.join(", ", new java.util.TreeSet<>(KEYS)));
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
