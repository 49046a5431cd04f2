package io.jdib.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleReaderTest {
    @TempDir
    Path dir;

    private void append(Path log, String text) throws IOException {
        Files.write(log, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    }

    private void appendBytes(Path log, byte[] bytes) throws IOException {
        Files.write(log, bytes, StandardOpenOption.APPEND);
    }

    @Test
    void findsAPromptThatHasNoNewlineYet() throws IOException {
        Path log = Files.createFile(dir.resolve("c.log"));
        try (ConsoleReader reader = new ConsoleReader(log, Pattern.compile("login:"))) {
            append(log, "Debian GNU/Linux 12 debian ttyS0\r\n\r\ndebian lo");
            assertThat(reader.poll()).isNull();
            append(log, "gin: ");
            assertThat(reader.poll()).isEqualTo("debian login: ");
            assertThat(reader.lastLines()).containsExactly("Debian GNU/Linux 12 debian ttyS0", "debian login:");
        }
    }

    @Test
    void stripsEscapeSequencesAndKeepsTheLastTwentyLines() throws IOException {
        Path log = Files.createFile(dir.resolve("c.log"));
        try (ConsoleReader reader = new ConsoleReader(log, Pattern.compile("^\\[  OK  \\] Reached target"))) {
            for (int i = 0; i < 30; i++) {
                append(log, "line " + i + "\n");
            }
            append(log, "\u001bc\u001b(B\u001b[?7l" + " ".repeat(80) + "\r\n");
            append(log, "\u001b[2J\u001b[01;01H\u001b[=3h[\u001b[0;32m  OK  \u001b[0m] Reached target Multi-User\r\n");
            assertThat(reader.poll()).isEqualTo("[  OK  ] Reached target Multi-User");
            assertThat(reader.lastLines())
                    .hasSize(20)
                    .endsWith("[  OK  ] Reached target Multi-User")
                    .startsWith("line 11")
                    .noneMatch(String::isBlank);
        }
    }

    @Test
    void aCharacterSplitAcrossReadsIsDecodedWhole() throws IOException {
        Path log = Files.createFile(dir.resolve("c.log"));
        byte[] euro = "€ ok".getBytes(StandardCharsets.UTF_8);
        try (ConsoleReader reader = new ConsoleReader(log, Pattern.compile("€ ok"))) {
            appendBytes(log, new byte[] {euro[0]});
            assertThat(reader.poll()).isNull();
            appendBytes(log, java.util.Arrays.copyOfRange(euro, 1, euro.length));
            assertThat(reader.poll()).isEqualTo("€ ok");
        }
    }
}
