package io.jdib.element;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvcMapTest {
    private static Path element(Path dir, String name, String svcMap) throws Exception {
        Path el = dir.resolve(name);
        Files.createDirectories(el);
        Files.writeString(el.resolve("svc-map"), svcMap);
        return el;
    }

    @Test
    void distroBeatsFamilyBeatsDefaultElseTheName(@TempDir Path dir) throws Exception {
        Map<String, Path> elements = new LinkedHashMap<>();
        elements.put(
                "a",
                element(
                        dir,
                        "a",
                        "web:\n  default: httpd\n  debian: apache2\ndb:\n  default: mariadb\n"
                                + "  ubuntu: mysql\nplain:\n  redhat: x\n"));
        elements.put("none", dir.resolve("none"));

        assertThat(SvcMap.merge(elements, "ubuntu"))
                .containsExactly(Map.entry("web", "apache2"), Map.entry("db", "mysql"), Map.entry("plain", "plain"));
        assertThat(SvcMap.merge(elements, "centos"))
                .containsEntry("web", "httpd")
                .containsEntry("plain", "x");
        assertThat(SvcMap.render(SvcMap.merge(elements, "debian")))
                .isEqualTo("web: apache2\ndb: mariadb\nplain: plain\n");
    }

    @Test
    void twoElementsMappingOneServiceNamesBoth(@TempDir Path dir) throws Exception {
        Map<String, Path> elements = new LinkedHashMap<>();
        elements.put("a", element(dir, "a", "web:\n  default: httpd\n"));
        elements.put("b", element(dir, "b", "web:\n  default: nginx\n"));
        assertThatThrownBy(() -> SvcMap.merge(elements, "debian"))
                .isInstanceOf(ElementError.class)
                .hasMessage(dir.resolve("b/svc-map") + ": service web is already mapped by element a;"
                        + " map each service in one element only");
    }
}
