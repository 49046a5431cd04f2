package io.jdib.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Follows a serial console log that QEMU is writing: reads what is new, splits it into lines
 * (CR, LF or CRLF), strips terminal escape sequences, and finds the first line that matches.
 * The unfinished last line is matched too, since a login prompt never ends with a newline.
 */
final class ConsoleReader implements AutoCloseable {
    private static final int KEEP = 20;
    /** ECMA-48: CSI sequences ({@code ESC [ ... final}), nF ({@code ESC ( B}) and two-byte escapes ({@code ESC c}). */
    private static final Pattern ESCAPES = Pattern.compile("\u001B(?:\\[[0-?]*[ -/]*[@-~]|[ -/]+[0-~]|[0-~])");

    private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");

    private final FileChannel channel;
    private final Pattern expect;
    private final Deque<String> tail = new ArrayDeque<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final CharBuffer chars = CharBuffer.allocate(64 * 1024);
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private StringBuilder partial = new StringBuilder();
    private String matched;

    ConsoleReader(Path log, Pattern expect) {
        try {
            this.channel = FileChannel.open(log, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read console log " + log, e);
        }
        this.expect = expect;
    }

    /** Reads what was added since the last call; returns the matching line once one is seen (and then always). */
    String poll() {
        try {
            while (matched == null) {
                int n = channel.read(buffer);
                if (n <= 0) {
                    break;
                }
                consume();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (matched == null && expect.matcher(clean(partial)).find()) {
            matched = clean(partial);
        }
        return matched;
    }

    /** The last lines seen, the unfinished one included. */
    List<String> lastLines() {
        Deque<String> lines = new ArrayDeque<>(tail);
        String rest = clean(partial);
        if (!rest.isBlank()) {
            lines.addLast(rest.stripTrailing());
            if (lines.size() > KEEP) {
                lines.removeFirst();
            }
        }
        return List.copyOf(lines);
    }

    private void consume() {
        buffer.flip();
        chars.clear();
        decoder.decode(buffer, chars, false);
        buffer.compact(); // keeps the bytes of a character split across reads
        chars.flip();
        while (chars.hasRemaining() && matched == null) {
            char c = chars.get();
            if (c == '\n' || c == '\r') {
                endLine();
            } else {
                partial.append(c);
            }
        }
    }

    private void endLine() {
        String line = clean(partial);
        partial = new StringBuilder();
        if (line.isBlank()) {
            return;
        }
        tail.addLast(line.stripTrailing());
        if (tail.size() > KEEP) {
            tail.removeFirst();
        }
        if (expect.matcher(line).find()) {
            matched = line;
        }
    }

    static String clean(CharSequence raw) {
        String text = ESCAPES.matcher(raw).replaceAll("");
        return CONTROLS.matcher(text).replaceAll("");
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // read-only; nothing to lose
        }
    }
}
