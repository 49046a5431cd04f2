package io.jdib.lint;

import io.jdib.element.ElementError;
import io.jdib.element.PkgMap;
import io.jdib.hook.Phase;
import io.jdib.hook.RunPartsOrder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The rules about one file of an element: what it is (a hook of a phase, an environment.d file, a
 * bin/ program, a static/ file, a doc, YAML) decides which apply.
 */
final class FileRules {
    private static final Pattern TAB_INDENT = Pattern.compile("^ *\t.*");
    private static final Pattern EXPORT_SUBSHELL = Pattern.compile("^\\s*export\\s+[A-Za-z_][A-Za-z0-9_]*=.*\\$\\(.*");
    private static final Pattern SAFE_SUDO = Pattern.compile(
            "dib-lint: safe_sudo|install-packages|TARGET_ROOT|IMAGE_BLOCK_DEVICE|TMP_MOUNT_PATH" + "|TMP_IMAGE_PATH");
    private static final String TRACE_BLOCK = "if [ \"${DIB_DEBUG_TRACE:-0}\" -gt 0 ]; then set -x; fi";

    private final Path file;
    private final String name;
    private final String top;
    private final Optional<Phase> phase;
    private final boolean hook;
    private final boolean environment;
    private final List<Finding> findings = new ArrayList<>();

    private FileRules(Path file, String rel) {
        this.file = file;
        String[] parts = rel.split("/");
        this.name = parts[parts.length - 1];
        this.top = parts[0];
        this.phase = parts.length == 2 ? Phase.byDirName(top) : Optional.empty();
        this.hook = phase.isPresent();
        this.environment = parts.length == 2 && top.equals("environment.d");
    }

    /** The findings for {@code file}, which is {@code rel} (with / separators) in its element. */
    static List<Finding> check(Path file, String rel) {
        FileRules rules = new FileRules(file, rel);
        rules.run();
        return rules.findings;
    }

    private void add(int line, Rule rule, String message) {
        findings.add(new Finding(file, line, rule, message));
    }

    private void run() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        boolean executable = Files.isExecutable(file);
        if (isBinary(bytes)) {
            return;
        }
        String text = decode(bytes);
        String firstLine = text.lines().findFirst().orElse("");
        boolean shebang = firstLine.startsWith("#!");
        boolean python = shebang && firstLine.contains("python");
        boolean bash = shebang && firstLine.contains("bash");
        boolean shell = !python && (shebang && firstLine.matches("#!.*(\\bsh\\b|bash|dash).*") || environment);
        boolean doc = name.toLowerCase(Locale.ROOT).matches(".*\\.(rst|md)");

        executableBits(executable, shebang);
        if (executable || shebang || doc || name.startsWith("source-repository-")) {
            endsWithNewline(text);
            tabs(text);
        }
        if (bash && !environment) {
            bashScript(text, firstLine);
        }
        if (shell) {
            shellScript(text, shebang);
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            yaml(text);
        }
        if (name.equals("pkg-map") && !executable) {
            try {
                PkgMap.load(file, new PkgMap.Target("debian", "", "debian"));
            } catch (ElementError e) {
                add(1, Rule.PKG_MAP, e.getMessage().replace(file + ": ", ""));
            }
        }
    }

    private void executableBits(boolean executable, boolean shebang) {
        if (environment) {
            if (executable) {
                add(1, Rule.ENVIRONMENT, "is executable, but environment.d files are sourced, not run: chmod -x it");
            }
            return;
        }
        if (hook && !RunPartsOrder.VALID_NAME.matcher(name).matches()) {
            // NN-name.sh is a hook run-parts will skip; dhcp.sh is a script a hook installs.
            if ((executable || shebang) && Character.isDigit(name.charAt(0))) {
                add(
                        1,
                        Rule.HOOK_NAME,
                        "run-parts skips '" + name + "' (a hook's name may hold only letters, digits, _ and -),"
                                + " so it never runs; rename it, e.g. to " + suggestedName());
            }
            return;
        }
        if (shebang && !executable) {
            add(
                    1,
                    Rule.EXECUTABLE,
                    hook
                            ? "is not executable, so it never runs; chmod +x it"
                            : "starts with #! but is not executable; chmod +x it");
        } else if (hook && !executable && Character.isDigit(name.charAt(0))) {
            // Named like a hook (NN-name), with neither mode nor #!: run-parts skips it.
            add(
                    1,
                    Rule.EXECUTABLE,
                    "is named like a hook but is not executable, so it never runs; chmod +x it"
                            + " and start it with #!/bin/bash");
        } else if (hook && executable && !shebang) {
            add(1, Rule.SHEBANG, "is a hook without a #! line; start it with #!/bin/bash");
        }
    }

    private String suggestedName() {
        String base = name.replaceAll("\\.[A-Za-z0-9]+$", "").replaceAll("[^A-Za-z0-9_-]", "-");
        return base.matches("[0-9].*") ? base : "50-" + base;
    }

    private void endsWithNewline(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            add((int) text.lines().count(), Rule.NEWLINE, "does not end with a newline");
        }
    }

    private void tabs(String text) {
        List<String> lines = text.lines().toList();
        int first = -1;
        int count = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (TAB_INDENT.matcher(lines.get(i)).matches()) {
                count++;
                first = first < 0 ? i + 1 : first;
            }
        }
        if (count > 0) {
            add(
                    first,
                    Rule.TABINDENT,
                    "indents with a tab" + (count > 1 ? " (and " + (count - 1) + " more lines)" : "")
                            + "; indent with spaces");
        }
    }

    private void bashScript(String text, String firstLine) {
        if (!firstLine.equals("#!/bin/bash")) {
            add(1, Rule.SHEBANG, "starts with '" + firstLine + "'; bash scripts start with exactly #!/bin/bash");
        }
        ShellScript script = ShellScript.parse(text);
        boolean e = false;
        boolean u = false;
        boolean pipefail = false;
        Deque<Boolean> traceIfs = new ArrayDeque<>();
        for (ShellScript.Line line : script.lines()) {
            List<ShellScript.Word> words = line.words();
            for (ShellScript.Word w : words) {
                if (w.command() && w.text().equals("if")) {
                    traceIfs.push(line.raw().contains("DIB_DEBUG_TRACE"));
                } else if (w.text().equals("fi") && !traceIfs.isEmpty()) {
                    traceIfs.pop();
                }
            }
            SetFlags flags = SetFlags.of(words);
            e |= flags.errexit;
            u |= flags.nounset;
            pipefail |= flags.pipefail;
            boolean underTrace = line.raw().contains("DIB_DEBUG_TRACE") || traceIfs.contains(Boolean.TRUE);
            if (flags.xtrace && !underTrace && !top.equals("static")) {
                add(
                        line.number(),
                        Rule.SETX,
                        "sets -x whatever DIB_DEBUG_TRACE says; trace only when asked: " + TRACE_BLOCK);
            }
        }
        if (!e) {
            add(1, Rule.SETE, "does not set -e; add: set -eu -o pipefail");
        }
        if (!u) {
            add(1, Rule.SETU, "does not set -u; add: set -eu -o pipefail");
        }
        if (!pipefail) {
            add(1, Rule.SETPIPEFAIL, "does not set -o pipefail; add: set -eu -o pipefail");
        }
        if ((hook || top.equals("bin")) && !text.contains("DIB_DEBUG_TRACE")) {
            add(1, Rule.DIBDEBUGTRACE, "does not follow DIB_DEBUG_TRACE; start it with: " + TRACE_BLOCK);
        }
    }

    /** What the {@code set} commands of one line turn on. */
    private record SetFlags(boolean errexit, boolean nounset, boolean pipefail, boolean xtrace) {
        static SetFlags of(List<ShellScript.Word> words) {
            boolean e = false;
            boolean u = false;
            boolean p = false;
            boolean x = false;
            for (int i = 0; i < words.size(); i++) {
                if (!words.get(i).command() || !words.get(i).text().equals("set")) {
                    continue;
                }
                for (int j = i + 1; j < words.size() && !words.get(j).command(); j++) {
                    String arg = words.get(j).text();
                    String option = arg.equals("-o") && j + 1 < words.size()
                            ? words.get(j + 1).text()
                            : "";
                    if (arg.matches("-[a-zA-Z]+")) {
                        e |= arg.contains("e");
                        u |= arg.contains("u");
                        x |= arg.contains("x");
                        if (arg.endsWith("o")) {
                            option = j + 1 < words.size() ? words.get(j + 1).text() : "";
                        }
                    }
                    e |= option.equals("errexit");
                    u |= option.equals("nounset");
                    p |= option.equals("pipefail");
                    x |= option.equals("xtrace");
                }
            }
            return new SetFlags(e, u, p, x);
        }
    }

    private void shellScript(String text, boolean shebang) {
        ShellScript script = ShellScript.parse(text);
        for (ShellScript.Line line : script.lines()) {
            if (EXPORT_SUBSHELL.matcher(line.code()).matches()) {
                add(
                        line.number(),
                        Rule.EXPORT_SUBSHELL,
                        "'export VAR=$(...)' hides the command's failure from set -e; assign first, then export VAR");
            }
            List<String> commands = line.commands();
            if (commands.contains("which") && !line.raw().contains("dib-lint: which")) {
                add(line.number(), Rule.WHICH, "calls which; use 'command -v', which every shell has");
            }
            if (environment && SetFlags.of(line.words()).xtrace) {
                add(line.number(), Rule.ENVIRONMENT, "sets -x; environment.d files must not change tracing");
            }
            if (hook
                    && !phase.orElseThrow().inChroot()
                    && commands.contains("sudo")
                    && !SAFE_SUDO.matcher(line.raw()).find()) {
                add(
                        line.number(),
                        Rule.SAFE_SUDO,
                        "runs sudo outside the chroot on a path that names no part of the image ($TARGET_ROOT,"
                                + " $TMP_MOUNT_PATH...); check it, and mark it '# dib-lint: safe_sudo' if it is safe");
            }
        }
        if (shebang) {
            indentation(text, script);
        }
    }

    private void indentation(String text, ShellScript script) {
        List<String> lines = text.lines().toList();
        int first = -1;
        int count = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int spaces = 0;
            while (spaces < line.length() && line.charAt(spaces) == ' ') {
                spaces++;
            }
            if (spaces % 4 != 0 && spaces < line.length() && !script.inHeredoc(i + 1)) {
                count++;
                first = first < 0 ? i + 1 : first;
            }
        }
        if (count > 0) {
            add(
                    first,
                    Rule.INDENT,
                    "indents by " + countSpaces(lines.get(first - 1)) + " spaces"
                            + (count > 1 ? " (and " + (count - 1) + " more lines)" : "")
                            + "; indent by multiples of 4");
        }
    }

    private static int countSpaces(String line) {
        return line.length() - line.stripLeading().length();
    }

    private void yaml(String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).build();
        try {
            new Compose(settings).composeAllFromString(text).forEach(node -> {});
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark()
                    .or(e::getContextMark)
                    .map(m -> m.getLine() + 1)
                    .orElse(1);
            add(line, Rule.YAML, "is not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            add(1, Rule.YAML, "is not valid YAML: " + e.getMessage());
        }
    }

    private static boolean isBinary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
