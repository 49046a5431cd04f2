package io.jdib.lint;

import io.jdib.element.Element;
import io.jdib.element.ElementError;
import io.jdib.element.ElementPath;
import io.jdib.element.PackageInstalls;
import io.jdib.element.PkgMap;
import io.jdib.element.Resolver;
import io.jdib.hook.HookTree;
import io.jdib.hook.Phase;
import io.jdib.hook.RunPartsOrder;
import io.jdib.sys.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rules about elements used together. The element set of each element linted (its
 * element-deps, expanded as a build expands them, with the implicit base) is a build it takes part
 * in: two elements of one set shipping the same hook stop that build; a hook in the chroot that
 * calls a command no element of any of its sets installs before it runs fails in it.
 */
final class SetRules {
    private static final Map<String, String> MINBASE_LACKS = lacks();
    private static final Pattern DISTRO_NAME = Pattern.compile("DISTRO_NAME=[\"']?([A-Za-z0-9_-]+)");
    private static final Set<String> DEBIAN_FAMILY = Set.of("debian", "ubuntu");
    private static final Pattern INSTALL = Pattern.compile("install-packages|apt-get|apt");

    /** An element being linted: its name, and its directory as the user named it. */
    record Linted(String name, Path dir) {}

    /** One build: the element it was resolved for and every element in it. */
    private record ElementSet(String root, List<Element> members) {
        boolean contains(String name) {
            return members.stream().anyMatch(e -> e.name().equals(name));
        }
    }

    /** When, in a build, something happens: a phase, and the hook it happens in (run-parts order). */
    private record When(Phase phase, String hook) implements Comparable<When> {
        @Override
        public int compareTo(When o) {
            int byPhase = phase.compareTo(o.phase);
            return byPhase != 0 ? byPhase : RunPartsOrder.INSTANCE.compare(hook, o.hook);
        }

        @Override
        public String toString() {
            return phase.dirName() + (hook.isEmpty() ? "" : "/" + hook);
        }
    }

    /** A package installed or removed at some point of a build. */
    private record PackageOp(String pkg, boolean uninstall, When when, String by) {}

    private final ElementPath path;
    private final Map<String, Linted> linted = new LinkedHashMap<>();
    private final List<ElementSet> sets = new ArrayList<>();
    private final Map<String, List<PackageOp>> opsByRoot = new HashMap<>();
    private final List<Finding> findings = new ArrayList<>();
    private final Map<String, String> env;

    private SetRules(ElementPath path, List<Linted> elements) {
        this.path = path;
        elements.forEach(e -> linted.putIfAbsent(e.name(), e));
        Map<String, String> e = new HashMap<>();
        e.put("ARCH", Architecture.host().debianName());
        e.put("DISTRO_NAME", "debian");
        e.put("DIB_PYTHON_VERSION", "3");
        this.env = Map.copyOf(e);
    }

    static List<Finding> check(ElementPath path, List<Linted> elements) {
        SetRules rules = new SetRules(path, elements);
        rules.resolveSets();
        rules.duplicates();
        rules.chrootCommands();
        return rules.findings;
    }

    private void resolveSets() {
        boolean withBase = path.find("base").isPresent();
        Set<String> reported = new HashSet<>();
        for (Linted root : linted.values()) {
            try {
                List<Element> members = new Resolver(path)
                        .resolve(List.of(root.name()), withBase, false).elements().stream()
                                .map(r -> r.element())
                                .toList();
                sets.add(new ElementSet(root.name(), members));
            } catch (ElementError e) {
                // A name no element has is already an element-deps finding of the element naming it.
                if (!e.getMessage().contains("not found") && reported.add(e.getMessage())) {
                    findings.add(new Finding(root.dir().resolve("element-deps"), 1, Rule.ELEMENT_DEPS, e.getMessage()));
                }
            }
        }
    }

    private void duplicates() {
        Set<String> reported = new HashSet<>();
        for (ElementSet set : sets) {
            Map<String, Element> owners = new HashMap<>();
            for (Element member : set.members()) {
                for (String rel : files(member.dir())) {
                    if (!HookTree.isExclusive(rel)) {
                        continue;
                    }
                    Element other = owners.putIfAbsent(rel, member);
                    if (other == null || other.name().equals(member.name())) {
                        continue;
                    }
                    // Report at an element being linted, the later by name when both are.
                    List<Element> pair = Stream.of(other, member)
                            .sorted(Comparator.comparing(Element::name).reversed())
                            .toList();
                    Optional<Element> at = pair.stream()
                            .filter(e -> linted.containsKey(e.name()))
                            .findFirst();
                    if (at.isEmpty()) {
                        continue;
                    }
                    Element here = at.get();
                    Element there = here.equals(pair.get(0)) ? pair.get(1) : pair.get(0);
                    if (reported.add(here.name() + "\0" + rel)) {
                        findings.add(new Finding(
                                linted.get(here.name()).dir().resolve(rel),
                                1,
                                Rule.DUPLICATE_HOOK,
                                "element " + there.name() + " ships " + rel + " too, and both are in the element"
                                        + " set of " + set.root() + ": a build of it stops; rename one of them"));
                    }
                }
            }
        }
    }

    private void chrootCommands() {
        for (Linted element : linted.values()) {
            List<ElementSet> with = sets.stream()
                    .filter(s -> s.contains(element.name()) && debian(s))
                    .toList();
            if (with.isEmpty()) {
                continue;
            }
            for (Phase phase : Phase.values()) {
                if (!phase.inChroot()) {
                    continue;
                }
                for (Path hook : hooks(element.dir().resolve(phase.dirName()))) {
                    checkHook(
                            element,
                            with,
                            hook,
                            new When(phase, hook.getFileName().toString()));
                }
            }
        }
    }

    private void checkHook(Linted element, List<ElementSet> with, Path hook, When when) {
        String text = read(hook);
        if (text.startsWith("#!") && text.lines().findFirst().orElse("").contains("python")) {
            return;
        }
        ShellScript script = ShellScript.parse(text);
        Set<String> reported = new HashSet<>();
        Set<String> ownInstalls = new HashSet<>();
        script.lines().forEach(l -> ownInstalls.addAll(installs(l).keySet()));
        for (ShellScript.Command command : script.commands()) {
            String name = command.basename();
            String pkg = MINBASE_LACKS.get(name);
            if (pkg == null || guarded(text, name) || ownInstalls.contains(pkg) || !reported.add(name)) {
                continue;
            }
            boolean installedSomewhere = false;
            Optional<PackageOp> later = Optional.empty();
            boolean available = false;
            for (ElementSet set : with) {
                List<PackageOp> ops = ops(set);
                available |= available(ops, pkg, when);
                List<PackageOp> installs = ops.stream()
                        .filter(o -> o.pkg().equals(pkg) && !o.uninstall())
                        .toList();
                installedSomewhere |= !installs.isEmpty();
                if (later.isEmpty()) {
                    later = installs.stream().findFirst();
                }
            }
            if (available) {
                continue;
            }
            String message = installedSomewhere
                    ? "calls " + name + ", but package " + pkg + " is not installed when " + when + " runs ("
                            + later.map(o -> o.by() + " installs it at " + o.when())
                                    .orElse("only later")
                            + "); install it earlier (e.g. phase: pre-install.d in package-installs.yaml)"
                            + " or run the hook later"
                    : "calls " + name + ", which a minimal Debian tree lacks, and no element used with "
                            + element.name() + " installs package " + pkg + "; add '" + pkg
                            + ":' to package-installs.yaml, or guard the call with 'command -v " + name + "'";
            findings.add(new Finding(hook, command.line().number(), Rule.CHROOT_COMMAND, message));
        }
    }

    /** Whether the last install or removal of {@code pkg} at or before {@code when} installed it. */
    private static boolean available(List<PackageOp> ops, String pkg, When when) {
        PackageOp last = null;
        for (PackageOp op : ops) {
            if (op.pkg().equals(pkg) && op.when().compareTo(when) <= 0) {
                last = op;
            }
        }
        return last != null && !last.uninstall();
    }

    /** Every package operation of a build, in the order it happens (installs before removals at one point). */
    private List<PackageOp> ops(ElementSet set) {
        return opsByRoot.computeIfAbsent(set.root(), r -> {
            List<PackageOp> ops = new ArrayList<>();
            Optional<Element> installer = set.members().stream()
                    .filter(e -> e.name().equals("package-installs"))
                    .findFirst();
            for (Element member : set.members()) {
                if (installer.isPresent()) {
                    try {
                        PkgMap map = PkgMap.load(member.dir().resolve("pkg-map"), PkgMap.Target.fromEnv(env));
                        for (PackageInstalls.Op op : PackageInstalls.forElement(member, env, map)) {
                            Phase phase = Phase.byDirName(op.phase()).orElseThrow();
                            ops.add(new PackageOp(
                                    op.pkg(),
                                    op.uninstall(),
                                    new When(
                                            phase,
                                            firstHook(installer.get().dir().resolve(op.phase()))),
                                    "the package-installs.yaml of " + member.name()));
                        }
                    } catch (ElementError e) {
                        // A malformed package-installs file is the package-installs rule's finding.
                    }
                }
                for (Phase phase : Phase.values()) {
                    if (!phase.inChroot()) {
                        continue;
                    }
                    for (Path hook : hooks(member.dir().resolve(phase.dirName()))) {
                        When when = new When(phase, hook.getFileName().toString());
                        for (ShellScript.Line line :
                                ShellScript.parse(read(hook)).lines()) {
                            installs(line)
                                    .forEach((pkg, uninstall) -> ops.add(
                                            new PackageOp(pkg, uninstall, when, "hook " + member.name() + "/" + when)));
                        }
                    }
                }
            }
            ops.sort(Comparator.comparing(PackageOp::when).thenComparing(PackageOp::uninstall));
            return ops;
        });
    }

    /** Packages a line installs (false) or removes (true) with install-packages or apt-get. */
    private static Map<String, Boolean> installs(ShellScript.Line line) {
        Map<String, Boolean> out = new TreeMap<>();
        List<ShellScript.Word> words = line.words();
        for (int i = 0; i < words.size(); i++) {
            ShellScript.Word w = words.get(i);
            if (!w.command() || !INSTALL.matcher(w.text()).matches()) {
                continue;
            }
            boolean apt = !w.text().equals("install-packages");
            boolean remove = false;
            boolean seenAction = !apt;
            for (int j = i + 1; j < words.size() && !words.get(j).command(); j++) {
                String arg = words.get(j).text();
                if (apt && !seenAction && !arg.startsWith("-")) {
                    if (!arg.equals("install") && !arg.equals("remove") && !arg.equals("purge")) {
                        break;
                    }
                    seenAction = true;
                    remove = !arg.equals("install");
                } else if (arg.equals("-e") && !apt) {
                    remove = true;
                } else if (arg.equals("-m") && !apt) {
                    j++; // its element
                } else if (!arg.startsWith("-") && arg.matches("[a-z0-9][a-z0-9.+-]*")) {
                    out.put(arg, remove);
                }
            }
        }
        return out;
    }

    /**
     * A call checked first ({@code command -v curl && curl ...}, or a test of the program's file,
     * {@code [ -x /usr/sbin/update-initramfs ]}) is the hook's own business.
     */
    private static boolean guarded(String text, String command) {
        return Pattern.compile("(command\\s+-v|type(\\s+-[a-zA-Z]+)?|hash|which)\\s+['\"]?" + Pattern.quote(command)
                        + "\\b"
                        + "|(\\[\\[?|test)\\s+-[xef]\\s+['\"]?(/[\\w.-]+)*/" + Pattern.quote(command) + "\\b")
                .matcher(text)
                .find();
    }

    private boolean debian(ElementSet set) {
        Set<String> distros = new HashSet<>();
        for (Element member : set.members()) {
            for (Path f : regularFiles(member.dir().resolve("environment.d"))) {
                Matcher m = DISTRO_NAME.matcher(read(f));
                while (m.find()) {
                    distros.add(m.group(1));
                }
            }
        }
        return distros.isEmpty() || distros.stream().anyMatch(DEBIAN_FAMILY::contains);
    }

    /** The hooks run-parts would run in a phase directory (valid names), in run order. */
    private static List<Path> hooks(Path phaseDir) {
        return regularFiles(phaseDir).stream()
                .filter(f -> RunPartsOrder.VALID_NAME
                        .matcher(f.getFileName().toString())
                        .matches())
                .sorted(Comparator.comparing(f -> f.getFileName().toString(), RunPartsOrder.INSTANCE))
                .toList();
    }

    private static String firstHook(Path phaseDir) {
        return hooks(phaseDir).stream()
                .map(p -> p.getFileName().toString())
                .findFirst()
                .orElse("");
    }

    private static List<Path> regularFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        return ElementRules.list(dir).stream().filter(Files::isRegularFile).toList();
    }

    /** The files of an element, relative, with / separators. */
    private static List<String> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Map<String, String> lacks() {
        Map<String, String> table = new TreeMap<>();
        try (InputStream in = SetRules.class.getResourceAsStream("debian-minbase-lacks")) {
            if (in == null) {
                throw new IllegalStateException("debian-minbase-lacks is missing from the jar");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length == 2 && !parts[0].startsWith("#")) {
                    table.put(parts[0], parts[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(table);
    }
}
