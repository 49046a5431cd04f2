package io.jdib.hook;

import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * DIB's install types: an element ships {@code install.d/PREFIX-TYPE-install/} directories and
 * the hooks of the one named by {@code DIB_INSTALLTYPE_PREFIX} (dashes as underscores), else
 * {@code DIB_DEFAULT_INSTALLTYPE}, run. Asking for a type no directory provides would silently
 * install nothing, so it is an error that names the element and the directories it has.
 */
public final class InstallTypes {
    private static final Pattern DIR = Pattern.compile("(.+)-([^-]+)-install");

    private InstallTypes() {}

    /** Checks every PREFIX of the merged tree has a directory for the type asked for. */
    public static void check(HookTree tree, Map<String, String> env) {
        Path installD = tree.root().resolve(Phase.INSTALL.dirName());
        if (!Files.isDirectory(installD)) {
            return;
        }
        Map<String, TreeSet<String>> typesByPrefix = new TreeMap<>();
        try (Stream<Path> list = Files.list(installD)) {
            for (Path dir : list.filter(Files::isDirectory).toList()) {
                Matcher m = DIR.matcher(dir.getFileName().toString());
                if (m.matches()) {
                    typesByPrefix
                            .computeIfAbsent(m.group(1), k -> new TreeSet<>())
                            .add(m.group(2));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        typesByPrefix.forEach((prefix, types) -> {
            String variable = "DIB_INSTALLTYPE_" + prefix.replace('-', '_');
            String wanted = env.getOrDefault(variable, "");
            String from = variable;
            if (wanted.isEmpty()) {
                wanted = env.getOrDefault("DIB_DEFAULT_INSTALLTYPE", "source");
                from = "DIB_DEFAULT_INSTALLTYPE";
            }
            if (!types.contains(wanted)) {
                List<String> dirs =
                        types.stream().map(t -> prefix + "-" + t + "-install").toList();
                String anyDir = Phase.INSTALL.dirName() + "/" + dirs.get(0);
                String element = tree.owner(anyDir + "/" + firstFile(installD.resolve(dirs.get(0))));
                throw new UserError("element " + element + ": " + from + "=" + wanted + " but its "
                        + Phase.INSTALL.dirName() + "/ has only " + String.join(", ", dirs) + "; set " + variable
                        + " to one of " + String.join(", ", types));
            }
        });
    }

    private static String firstFile(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString())
                    .sorted()
                    .findFirst()
                    .orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
