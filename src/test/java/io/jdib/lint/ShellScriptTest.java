package io.jdib.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellScriptTest {
    private static List<String> commands(String script) {
        return ShellScript.parse(script).commands().stream()
                .map(ShellScript.Command::name)
                .toList();
    }

    @Test
    void commandsAreFoundWhereTheShellRunsThem() {
        assertThat(commands("curl -s x | jq . && FOO=1 wget y; if git status; then make; fi\n"))
                .containsExactly("curl", "jq", "wget", "if", "git", "then", "make", "fi");
        assertThat(commands("v=$(curl x)\necho \"$(lsb_release -cs)\" `uname -r`\n"))
                .containsExactly("curl", "echo", "lsb_release", "uname");
        assertThat(commands("sudo -E pip install x\nexec /usr/bin/python3 -V\n"))
                .containsExactly("sudo", "pip", "exec", "/usr/bin/python3");
    }

    @Test
    void quotedTextCommentsArraysAndHereDocumentsAreNotCommands() {
        assertThat(commands("""
                echo "curl; wget" 'jq | git' # make
                pkgs=(curl wget)
                cat <<EOF
                curl is text here
                EOF
                apt-get install -y \\
                    curl wget
                """)).containsExactly("echo", "cat", "apt-get");
    }

    @Test
    void hereDocumentBodiesAreKnownByLine() {
        ShellScript script = ShellScript.parse("cat <<-'END'\n   odd\n\tEND\necho after\n");

        assertThat(script.inHeredoc(1)).isFalse();
        assertThat(script.inHeredoc(2)).isTrue();
        assertThat(script.inHeredoc(3)).isTrue();
        assertThat(script.inHeredoc(4)).isFalse();
    }

    @Test
    void aQuoteOpenAcrossLinesIsOneLogicalLine() {
        ShellScript script = ShellScript.parse("echo \"one\ncurl two\"\nwget\n");

        assertThat(script.lines()).extracting(ShellScript.Line::number).containsExactly(1, 3);
        assertThat(commands("echo \"one\ncurl two\"\nwget\n")).containsExactly("echo", "wget");
    }
}
