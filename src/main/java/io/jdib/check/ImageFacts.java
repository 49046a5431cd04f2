package io.jdib.check;

import io.jdib.check.RuleResult.Evidence;
import io.jdib.sys.Architecture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Questions the rules ask of an image's files: packages, systemd units, cloud-init and sshd settings. */
final class ImageFacts {
    static final String DPKG_STATUS = "/var/lib/dpkg/status";
    private static final List<String> UNIT_DIRS =
            List.of("/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system");

    private final ImageTree tree;
    private Map<String, Evidence> dpkg;

    ImageFacts(ImageTree tree) {
        this.tree = tree;
    }

    ImageTree tree() {
        return tree;
    }

    /** The dpkg status line naming {@code pkg} when it is installed. */
    Optional<Evidence> installedPackage(String pkg) {
        if (dpkg == null) {
            dpkg = new HashMap<>();
            List<String> lines = tree.lines(DPKG_STATUS);
            String name = null;
            int nameLine = 0;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("Package: ")) {
                    name = line.substring(9).trim();
                    nameLine = i + 1;
                } else if (line.startsWith("Status: ")
                        && name != null
                        && line.endsWith(" installed")
                        && line.contains(" ok ")) {
                    dpkg.put(name, Evidence.at(DPKG_STATUS, nameLine, "package " + name + " is installed"));
                } else if (line.isEmpty()) {
                    name = null;
                }
            }
        }
        return Optional.ofNullable(dpkg.get(pkg));
    }

    /** Installed by dpkg, or (for distributions without dpkg) a program of it is present. */
    Optional<Evidence> installed(String pkg, String... programs) {
        Optional<Evidence> byDpkg = installedPackage(pkg);
        if (byDpkg.isPresent()) {
            return byDpkg;
        }
        for (String program : programs) {
            if (tree.isFile(program)) {
                return Optional.of(Evidence.of(program, "present"));
            }
        }
        return Optional.empty();
    }

    /** The architecture of an image's programs, and how it was told. */
    record Arch(Architecture architecture, Evidence evidence) {}

    /** Programs every Linux tree has; the first that is an ELF file tells the architecture. */
    private static final List<String> PROGRAMS =
            List.of("/bin/sh", "/usr/bin/env", "/sbin/init", "/usr/lib/systemd/systemd");

    /**
     * The image's architecture: from the ELF header of {@code /bin/sh} (or another program every tree
     * has), else from dpkg's {@code Architecture:} of the {@code dpkg} or {@code base-files} package.
     * Empty when neither says.
     */
    Optional<Arch> architecture() {
        for (String program : PROGRAMS) {
            byte[] header = header(program);
            for (Architecture a : Architecture.values()) {
                if (isElfOf(header, a)) {
                    return Optional.of(new Arch(a, Evidence.of(program, "ELF program for " + a.debianName())));
                }
            }
        }
        List<String> lines = tree.lines(DPKG_STATUS);
        String name = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("Package: ")) {
                name = line.substring(9).strip();
            } else if (line.startsWith("Architecture: ") && ("dpkg".equals(name) || "base-files".equals(name))) {
                String arch = line.substring(14).strip();
                for (Architecture a : Architecture.values()) {
                    if (a.debianName().equals(arch)) {
                        return Optional.of(
                                new Arch(a, Evidence.at(DPKG_STATUS, i + 1, name + " is built for " + arch)));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Whether an ELF header (its first 20 bytes) is a program or shared object of {@code a}. */
    static boolean isElfOf(byte[] header, Architecture a) {
        byte[] magic = a.elfMagic();
        byte[] mask = a.elfMask();
        if (header.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((header[i] & mask[i]) != (magic[i] & mask[i])) {
                return false;
            }
        }
        return true;
    }

    private byte[] header(String path) {
        if (!tree.isFile(path)) {
            return new byte[0];
        }
        try (InputStream in = Files.newInputStream(tree.resolve(path))) {
            return in.readNBytes(20);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Whether {@code unit} is masked (linked to /dev/null in /etc/systemd/system). */
    Optional<Evidence> masked(String unit) {
        String path = "/etc/systemd/system/" + unit;
        return tree.linkTarget(path)
                .filter(t -> t.equals("/dev/null"))
                .map(t -> Evidence.of(path, "-> /dev/null (masked)"));
    }

    /** The symlinks that make {@code unit} start at boot ({@code *.wants}/{@code *.requires} entries). */
    List<Evidence> enabledBy(String unit) {
        List<Evidence> found = new ArrayList<>();
        if (masked(unit).isPresent()) {
            return found;
        }
        for (String dir : UNIT_DIRS) {
            for (String sub : tree.list(dir, "*.{wants,requires}")) {
                String link = sub + "/" + unit;
                if (tree.entryExists(link)) {
                    found.add(Evidence.of(link, "-> " + tree.linkTarget(link).orElse("(file)")));
                }
            }
        }
        return found;
    }

    /** The cloud-init configuration files in the order cloud-init reads them (later wins). */
    List<String> cloudConfigFiles() {
        List<String> files = new ArrayList<>();
        if (tree.isFile("/etc/cloud/cloud.cfg")) {
            files.add("/etc/cloud/cloud.cfg");
        }
        files.addAll(tree.list("/etc/cloud/cloud.cfg.d", "*.cfg"));
        return files;
    }

    /** A top-level cloud-init setting as cloud-init would see it: the last file that sets it wins. */
    Optional<Setting> cloudSetting(String key) {
        Setting found = null;
        for (String file : cloudConfigFiles()) {
            Map<String, Object> doc = yaml(file);
            if (doc.containsKey(key)) {
                found = new Setting(file, lineOf(file, "^" + Pattern.quote(key) + "\\s*:"), doc.get(key));
            }
        }
        return Optional.ofNullable(found);
    }

    /** A setting of a cloud-init config file, and where it is. */
    record Setting(String file, int line, Object value) {
        Evidence evidence(String text) {
            return Evidence.at(file, line, text);
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> yaml(String file) {
        String text = String.join("\n", tree.lines(file));
        try {
            Object doc = new Load(LoadSettings.builder().setLabel(file).build()).loadFromString(text);
            return doc instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    /** The 1-based line of the first match of {@code regex} in {@code file}, or 0. */
    int lineOf(String file, String regex) {
        Pattern p = Pattern.compile(regex);
        List<String> lines = tree.lines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (p.matcher(lines.get(i)).find()) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * The effective value of an sshd keyword: sshd takes the first one it reads, following
     * {@code Include} in place and ignoring {@code Match} blocks.
     */
    Optional<Setting> sshdSetting(String keyword) {
        return sshdSetting("/etc/ssh/sshd_config", keyword.toLowerCase(), 0);
    }

    private Optional<Setting> sshdSetting(String file, String keyword, int depth) {
        List<String> lines = tree.lines(file);
        boolean inMatch = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("[\\s=]+", 2);
            String word = f[0].toLowerCase();
            String value = f.length > 1 ? f[1].strip() : "";
            if (word.equals("match")) {
                inMatch = true;
            } else if (word.equals("include") && depth < 8 && !inMatch) {
                for (String pattern : value.split("\\s+")) {
                    String abs = pattern.startsWith("/") ? pattern : "/etc/ssh/" + pattern;
                    int slash = abs.lastIndexOf('/');
                    for (String included : tree.list(abs.substring(0, slash), abs.substring(slash + 1))) {
                        Optional<Setting> s = sshdSetting(included, keyword, depth + 1);
                        if (s.isPresent()) {
                            return s;
                        }
                    }
                }
            } else if (word.equals(keyword) && !inMatch) {
                return Optional.of(new Setting(file, i + 1, value));
            }
        }
        return Optional.empty();
    }

    /** {@code KEY=VALUE} shell assignments of a file such as /etc/default/grub, with their lines. */
    Map<String, Setting> shellAssignments(String file) {
        Map<String, Setting> found = new LinkedHashMap<>();
        Pattern p = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
        List<String> lines = tree.lines(file);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = p.matcher(lines.get(i));
            if (m.matches()) {
                found.put(
                        m.group(1), new Setting(file, i + 1, unquote(m.group(2).strip())));
            }
        }
        return found;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    static boolean yamlFalse(Object value) {
        if (value instanceof Boolean b) {
            return !b;
        }
        String s = String.valueOf(value).strip().toLowerCase();
        return s.equals("false") || s.equals("no") || s.equals("off") || s.equals("0");
    }
}
