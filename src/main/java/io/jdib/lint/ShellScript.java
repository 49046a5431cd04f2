package io.jdib.lint;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Enough of a shell script's structure to lint it: logical lines (continuations and multi-line
 * quotes joined, here-document bodies left out), with quoted text and comments masked, and the
 * words that stand where a command is run. Not a shell parser: it errs towards finding fewer
 * commands.
 */
final class ShellScript {
    /** Words after which the next word is still a command. */
    private static final Set<String> KEYWORDS =
            Set.of("if", "then", "do", "else", "elif", "while", "until", "!", "time", "exec", "sudo", "nohup", "env");

    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\[[^]]*])?\\+?=.*");
    private static final Pattern HEREDOC = Pattern.compile("<<(-?)\\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?");
    private static final char MASK = 'Q';

    /** A word of a logical line; {@code command} when it is the command a simple command runs. */
    record Word(String text, boolean command) {}

    /**
     * One logical line: its first physical line, the text as written (continuations joined) and the
     * same with quoted text and comments replaced by {@value #MASK}.
     */
    record Line(int number, int last, String raw, String code) {
        List<Word> words() {
            return ShellScript.words(code);
        }

        /** The commands this line runs, in order. */
        List<String> commands() {
            return words().stream().filter(Word::command).map(Word::text).toList();
        }
    }

    private final List<String> physical;
    private final List<Line> lines = new ArrayList<>();

    private ShellScript(String text) {
        this.physical = text.lines().toList();
        int i = 0;
        while (i < physical.size()) {
            int first = i;
            StringBuilder raw = new StringBuilder(physical.get(i));
            Scan scan = scan(raw.toString());
            // A backslash continues the line; an open quote runs on to the next.
            while (i + 1 < physical.size() && (scan.open || endsWithContinuation(raw))) {
                if (endsWithContinuation(raw) && !scan.open) {
                    raw.setLength(raw.length() - 1);
                    raw.append(' ');
                } else {
                    raw.append('\n');
                }
                i++;
                raw.append(physical.get(i));
                scan = scan(raw.toString());
            }
            lines.add(new Line(first + 1, i + 1, raw.toString(), scan.code));
            i++;
            Matcher heredoc = HEREDOC.matcher(raw);
            while (heredoc.find()) {
                if (heredoc.start() > 0 && raw.charAt(heredoc.start() - 1) == '<') {
                    continue; // <<< is a here-string
                }
                if (scan.code.charAt(heredoc.start()) == MASK) {
                    continue; // inside quotes or a comment
                }
                String end = heredoc.group(2);
                while (i < physical.size() && !physical.get(i).strip().equals(end)) {
                    i++;
                }
                i++; // the delimiter line
                break;
            }
        }
    }

    static ShellScript parse(String text) {
        return new ShellScript(text);
    }

    /** Logical lines, here-document bodies left out. */
    List<Line> lines() {
        return lines;
    }

    /** Every command the script runs, with its line. */
    List<Command> commands() {
        List<Command> out = new ArrayList<>();
        for (Line line : lines) {
            for (String word : line.commands()) {
                out.add(new Command(word, line));
            }
        }
        return out;
    }

    record Command(String name, Line line) {
        /** The command's file name: {@code /usr/bin/curl} is curl. */
        String basename() {
            return name.substring(name.lastIndexOf('/') + 1);
        }
    }

    /** Whether physical {@code line} (1-based) is inside a here-document (or its end line). */
    boolean inHeredoc(int line) {
        return line <= physical.size() && lines.stream().noneMatch(l -> line >= l.number() && line <= l.last());
    }

    private static boolean endsWithContinuation(CharSequence s) {
        int backslashes = 0;
        for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** The line with quoted text and comments masked, and whether a quote is still open at its end. */
    private record Scan(String code, boolean open) {}

    private static Scan scan(String s) {
        StringBuilder out = new StringBuilder(s.length());
        Deque<Character> ctx = new ArrayDeque<>();
        ctx.push('C');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
            char top = ctx.peek();
            if (top == '\'') {
                out.append(MASK);
                if (c == '\'') {
                    ctx.pop();
                }
            } else if (top == '"') {
                if (c == '\\' && next != 0) {
                    out.append(MASK).append(MASK);
                    i++;
                } else if (c == '"') {
                    ctx.pop();
                    out.append(MASK);
                } else if (c == '$' && next == '(') {
                    ctx.push('$');
                    out.append("$(");
                    i++;
                } else if (c == '`') {
                    ctx.push('`');
                    out.append('`');
                } else {
                    out.append(MASK);
                }
            } else if (c == '\\' && next != 0) {
                out.append(c).append(next);
                i++;
            } else if (c == '\'') {
                ctx.push('\'');
                out.append(MASK);
            } else if (c == '"') {
                ctx.push('"');
                out.append(MASK);
            } else if (c == '$' && next == '(') {
                ctx.push('$');
                out.append("$(");
                i++;
            } else if (c == '(') {
                ctx.push('(');
                out.append(c);
            } else if (c == ')' && (top == '$' || top == '(')) {
                ctx.pop();
                out.append(c);
            } else if (c == '`') {
                if (top == '`') {
                    ctx.pop();
                } else {
                    ctx.push('`');
                }
                out.append(c);
            } else if (c == '#' && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))) {
                int end = s.indexOf('\n', i);
                end = end < 0 ? s.length() : end;
                out.append(String.valueOf(MASK).repeat(end - i));
                i = end - 1;
            } else {
                out.append(c);
            }
        }
        char top = ctx.peek();
        return new Scan(out.toString(), top == '\'' || top == '"');
    }

    /** Splits masked code into words, marking those in command position. */
    static List<Word> words(String code) {
        List<Word> words = new ArrayList<>();
        boolean atCommand = true;
        boolean options = false; // after sudo, env...: skip their -options
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (c == '\n' || c == ';' || c == '&' || c == '|' || c == '`') {
                atCommand = true;
                options = false;
                i++;
            } else if (c == '$' && i + 1 < code.length() && code.charAt(i + 1) == '(') {
                atCommand = true;
                i += 2;
            } else if (c == '(') {
                atCommand = true;
                i++;
            } else if (c == ')') {
                atCommand = false;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else {
                int start = i;
                while (i < code.length() && !isBreak(code, i)) {
                    if (code.charAt(i) == '=' && i + 1 < code.length() && code.charAt(i + 1) == '(') {
                        i = skipParens(code, i + 1); // an array assignment: a=(x y)
                    } else {
                        i++;
                    }
                }
                String word = code.substring(start, i);
                if (!atCommand) {
                    words.add(new Word(word, false));
                } else if (options && word.startsWith("-")) {
                    words.add(new Word(word, false));
                } else if (ASSIGNMENT.matcher(word).matches() || word.equals("{") || word.equals("}")) {
                    words.add(new Word(word, false));
                } else if (KEYWORDS.contains(word)) {
                    words.add(new Word(word, true));
                    options = !word.equals("!")
                            && !List.of("if", "then", "do", "else", "elif", "while", "until")
                                    .contains(word);
                } else {
                    words.add(new Word(word, true));
                    atCommand = false;
                    options = false;
                }
            }
        }
        return words;
    }

    private static boolean isBreak(String code, int i) {
        char c = code.charAt(i);
        if (Character.isWhitespace(c) || c == ';' || c == '&' || c == '|' || c == '`' || c == ')') {
            return true;
        }
        if (c == '$' && i + 1 < code.length() && code.charAt(i + 1) == '(') {
            return true; // $(...) is a command of its own
        }
        return c == '(' && !(i > 0 && code.charAt(i - 1) == '=');
    }

    private static int skipParens(String code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            if (code.charAt(i) == '(') {
                depth++;
            } else if (code.charAt(i) == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return code.length();
    }
}
