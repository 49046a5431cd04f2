package io.jdib.element;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every element's package-installs.yaml and pkg-map, squashed into plain files that the in-chroot
 * hooks read with nothing but bash (the target has no Python): {@code .jdib/package-installs/PHASE} with
 * lines {@code install|uninstall PACKAGE ELEMENT}, and {@code .jdib/pkg-map/ELEMENT} with lines
 * {@code NAME MAPPED...}.
 */
public final class PackagePlan {
    /** Where the plan goes in the hook tree: jdib's own corner, so no element file can collide. */
    public static final String PLAN_DIR = ".jdib/package-installs";

    public static final String PKG_MAP_DIR = ".jdib/pkg-map";

    private PackagePlan() {}

    /** Parses DIB's IMAGE_ELEMENT_YAML flow mapping ({@code {name: /dir, ...}}). */
    public static Map<String, Path> parseImageElementYaml(String yaml) {
        Map<String, Path> elements = new LinkedHashMap<>();
        String body = yaml.strip();
        if (body.startsWith("{") && body.endsWith("}")) {
            body = body.substring(1, body.length() - 1);
        }
        for (String pair : body.split(",")) {
            int colon = pair.indexOf(':');
            if (colon > 0) {
                elements.put(
                        pair.substring(0, colon).strip(),
                        Path.of(pair.substring(colon + 1).strip()));
            }
        }
        return elements;
    }

    /** Writes the squashed plan under {@code hooksDir}; {@code extraPackages} (-p) go to install.d. */
    public static List<PackageInstalls.Op> write(
            Map<String, Path> elements, Map<String, String> env, List<String> extraPackages, Path hooksDir) {
        PkgMap.Target target = PkgMap.Target.fromEnv(env);
        List<PackageInstalls.Op> ops = new ArrayList<>();
        Path mapDir = hooksDir.resolve(PKG_MAP_DIR);
        try {
            Files.createDirectories(mapDir);
            for (Map.Entry<String, Path> e : elements.entrySet()) {
                Element element = new Element(e.getKey(), e.getValue(), List.of(), List.of());
                PkgMap map = PkgMap.load(e.getValue().resolve("pkg-map"), target);
                ops.addAll(PackageInstalls.forElement(element, env, map));
                if (map.source() != null) {
                    List<String> lines = new ArrayList<>();
                    map.table().forEach((k, v) -> lines.add(k + " " + v));
                    lines.sort(null);
                    Files.write(mapDir.resolve(e.getKey()), lines);
                }
            }
            for (String pkg : extraPackages) {
                ops.add(new PackageInstalls.Op(PackageInstalls.DEFAULT_PHASE, false, pkg, "command-line"));
            }
            Path planDir = hooksDir.resolve(PLAN_DIR);
            Files.createDirectories(planDir);
            Map<String, List<String>> byPhase = new LinkedHashMap<>();
            for (String phase : List.of("pre-install.d", "install.d", "post-install.d")) {
                byPhase.put(phase, new ArrayList<>());
            }
            for (PackageInstalls.Op op : ops) {
                byPhase.get(op.phase())
                        .add((op.uninstall() ? "uninstall" : "install") + " " + op.pkg() + " " + op.element());
            }
            for (Map.Entry<String, List<String>> e : byPhase.entrySet()) {
                Files.write(planDir.resolve(e.getKey()), e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ops;
    }
}
