package io.jdib.element;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Expands requested elements through element-deps and element-provides, as DIB does. */
public final class Resolver {
    /** The name some element must provide, or nothing can be built. */
    public static final String OPERATING_SYSTEM = "operating-system";

    private final ElementPath path;

    public Resolver(ElementPath path) {
        this.path = path;
    }

    /**
     * @param requested the elements named by the user, in order
     * @param withBase whether to add the implicit {@code base} element (DIB's {@code -n} turns it off)
     * @param requireOperatingSystem whether an element must provide {@code operating-system}
     */
    public ElementResolution resolve(List<String> requested, boolean withBase, boolean requireOperatingSystem) {
        Map<String, String> reasons = new LinkedHashMap<>();
        Map<String, Element> chosen = new LinkedHashMap<>();
        Map<String, String> provided = new TreeMap<>();
        Map<String, String> wantedBy = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        for (String name : requested) {
            if (wantedBy.putIfAbsent(name, "") == null) {
                queue.add(name);
                reasons.putIfAbsent(name, "requested");
            }
        }
        if (withBase && wantedBy.putIfAbsent("base", "") == null) {
            queue.add("base");
            reasons.putIfAbsent("base", "implicit base element (-n leaves it out)");
        }
        List<String> deferred = new ArrayList<>();
        while (!queue.isEmpty()) {
            String name = queue.poll();
            if (chosen.containsKey(name) || provided.containsKey(name)) {
                continue;
            }
            Element element = path.find(name).orElse(null);
            if (element == null) {
                deferred.add(name); // another element may still provide it
                continue;
            }
            chosen.put(name, element);
            for (String p : element.provides()) {
                String other = provided.putIfAbsent(p, name);
                if (other != null && !other.equals(name)) {
                    throw new ElementError(
                            "elements " + other + " and " + name + " both provide " + p + "; use only one of them");
                }
            }
            for (String dep : element.deps()) {
                if (wantedBy.putIfAbsent(dep, name) == null) {
                    reasons.putIfAbsent(dep, "dependency of " + name);
                    queue.add(dep);
                }
            }
        }
        for (String name : deferred) {
            if (!provided.containsKey(name)) {
                throw notFound(name, wantedBy.get(name));
            }
        }
        for (Map.Entry<String, String> p : provided.entrySet()) {
            if (chosen.containsKey(p.getKey()) && !p.getKey().equals(p.getValue())) {
                throw new ElementError("element " + p.getKey() + " is in the set, and " + p.getValue() + " provides "
                        + p.getKey() + " too; remove one of them");
            }
        }
        if (requireOperatingSystem && !provided.containsKey(OPERATING_SYSTEM)) {
            List<String> candidates = path.names().stream()
                    .filter(n -> path.find(n).orElseThrow().provides().contains(OPERATING_SYSTEM))
                    .toList();
            throw new ElementError("no element provides " + OPERATING_SYSTEM + "; add one of: "
                    + (candidates.isEmpty() ? "(none found on the element path)" : String.join(", ", candidates)));
        }
        List<Element> ordered = order(chosen);
        List<ElementResolution.Resolved> result = new ArrayList<>();
        for (Element e : ordered) {
            result.add(new ElementResolution.Resolved(e, reasons.getOrDefault(e.name(), "")));
        }
        Map<String, String> providedOnly = new TreeMap<>(provided);
        providedOnly.keySet().removeIf(chosen::containsKey);
        return new ElementResolution(result, providedOnly);
    }

    /** Dependencies first; among equals, by name. A cycle is an error that names it. */
    private static List<Element> order(Map<String, Element> chosen) {
        List<Element> out = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        List<String> names = new ArrayList<>(chosen.keySet());
        names.sort(Comparator.naturalOrder());
        for (String name : names) {
            visit(name, chosen, done, new ArrayList<>(), out);
        }
        return out;
    }

    private static void visit(
            String name, Map<String, Element> chosen, Set<String> done, List<String> stack, List<Element> out) {
        Element element = chosen.get(name);
        if (element == null || done.contains(name)) {
            return; // a provided name, or already placed
        }
        int at = stack.indexOf(name);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(stack.subList(at, stack.size()));
            cycle.add(name);
            throw new ElementError("element dependency cycle: " + String.join(" -> ", cycle)
                    + "; remove one of these element-deps entries");
        }
        stack.add(name);
        List<String> deps = new ArrayList<>(element.deps());
        deps.sort(Comparator.naturalOrder());
        for (String dep : deps) {
            visit(dep, chosen, done, stack, out);
        }
        stack.remove(stack.size() - 1);
        done.add(name);
        out.add(element);
    }

    private ElementError notFound(String name, String wantedBy) {
        List<String> near = io.jdib.sys.NearestNames.plausible(name, path.names(), 3);
        StringBuilder message = new StringBuilder("element '" + name + "' not found");
        if (wantedBy != null && !wantedBy.isEmpty()) {
            message.append(" (needed by ").append(wantedBy).append(")");
        }
        message.append(" in ")
                .append(path.dirs().stream()
                        .map(Object::toString)
                        .reduce((a, b) -> a + ":" + b)
                        .orElse("(empty element path)"));
        if (!near.isEmpty()) {
            message.append("; did you mean ").append(String.join(", ", near)).append("?");
        } else {
            message.append("; add its directory to ELEMENTS_PATH");
        }
        return new ElementError(message.toString());
    }
}
