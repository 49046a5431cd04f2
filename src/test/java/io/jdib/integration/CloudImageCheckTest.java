package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdib check} on real images: {@code debian vm} is cloud-ready; {@code debian-minimal vm} is
 * not, and the report says which rules fail and why. Each image is built once for the class.
 */
@Tag("integration")
class CloudImageCheckTest {
    private static final Duration BUILD = Duration.ofMinutes(25);
    private static final Duration CHECK = Duration.ofMinutes(5);

    @TempDir
    static Path dir;

    private static Path cloud;
    private static Path minimal;

    private static Map<String, String> env() {
        return Map.of("ELEMENTS_PATH", JdibProcess.testElements().toString(),
                "JDIB_WORK_DIR", dir.resolve("work").toString());
    }

    @BeforeAll
    static void buildImages() {
        cloud = build("cloud", "debian", "vm");
        minimal = build("minimal", "debian-minimal", "vm");
    }

    private static Path build(String name, String... elements) {
        List<String> argv = new ArrayList<>(List.of("disk-image-create", "-o", dir.resolve("out").resolve(name).toString(),
                "-t", "qcow2"));
        argv.addAll(List.of(elements));
        JdibProcess.Result r = JdibProcess.run(BUILD, env(), argv.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return dir.resolve("out").resolve(name + ".qcow2");
    }

    private static JsonNode check(Path image, int expectedExit) throws Exception {
        JdibProcess.Result r = JdibProcess.run(CHECK, env(), "check", "--json", image.toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(expectedExit);
        return new ObjectMapper().readTree(r.output().substring(r.output().indexOf('{')));
    }

    private static JsonNode rule(JsonNode report, String id) {
        for (JsonNode rule : report.path("rules")) {
            if (rule.path("id").asText().equals(id)) {
                return rule;
            }
        }
        throw new AssertionError("no rule " + id + " in " + report);
    }

    @AfterEach
    void nothingLeft() {
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
    }

    @Test
    void debianVmPassesTheBootCheck() throws Exception {
        Path console = dir.resolve("boot-check.console");
        JdibProcess.Result r = JdibProcess.run(Duration.ofMinutes(15), env(), "check", "--boot", "--json",
                "--console-log", console.toString(), cloud.toString());
        JsonNode report = new ObjectMapper().readTree(r.output().substring(r.output().indexOf('{')));

        for (String id : io.jdib.check.BootCheck.RULES) {
            assertThat(rule(report, id).path("result").asText()).as(id + " in\n" + r.output()).isEqualTo("pass");
        }
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(rule(report, "boot-hostname").path("evidence").get(0).path("text").asText())
                .startsWith("'jdib-check-");
        assertThat(rule(report, "boot-growroot").path("evidence").get(0).path("text").asText())
                .matches("/dev/vda\\d+ is \\d+ MiB on a \\d+ MiB disk; the image was \\d+ MiB");
        assertThat(new String(Files.readAllBytes(console), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("Linux version").doesNotContain("Ordering cycle found");
        assertThat(HostState.processes(console.toString())).isEmpty(); // QEMU is gone
    }

    @Test
    void debianVmIsCloudReady() throws Exception {
        byte[] before = Files.readAllBytes(cloud);

        JsonNode report = check(cloud, 0);

        assertThat(report.path("passed").asBoolean()).as(report.toPrettyString()).isTrue();
        assertThat(report.path("format").asText()).isEqualTo("qcow2");
        for (JsonNode r : report.path("rules")) {
            assertThat(r.path("result").asText()).as(r.toPrettyString()).isEqualTo("pass");
        }
        assertThat(rule(report, "datasource-list").path("evidence").get(0).path("file").asText())
                .isEqualTo("/etc/cloud/cloud.cfg.d/91-dib-cloud-init-datasources.cfg");
        assertThat(rule(report, "serial-console").path("evidence").toString())
                .contains("/boot/grub/grub.cfg").contains("/etc/default/grub.d/50-jdib.cfg");
        // Read-only: the image is byte for byte what it was.
        assertThat(Files.readAllBytes(cloud)).isEqualTo(before);
    }

    @Test
    void debianMinimalVmFailsTheCloudRulesWithEvidence() throws Exception {
        JsonNode report = check(minimal, 1);

        assertThat(report.path("passed").asBoolean()).isFalse();
        List<String> failed = new ArrayList<>();
        report.path("failed").forEach(n -> failed.add(n.asText()));
        assertThat(failed).containsExactlyInAnyOrder("growroot", "dhcp-all-interfaces", "sshd-enabled",
                "cloud-init-installed", "default-user", "cloud-init-services", "datasource-list");
        assertThat(rule(report, "sshd-enabled").path("evidence").get(0).path("text").asText())
                .isEqualTo("openssh-server is not installed");
        assertThat(rule(report, "ssh-password-auth-off").path("result").asText()).isEqualTo("not-applicable");
        // What debian-minimal vm already gets right still passes, with file and line.
        JsonNode fstab = rule(report, "root-filesystem").path("evidence").get(1);
        assertThat(fstab.path("file").asText()).isEqualTo("/etc/fstab");
        assertThat(fstab.path("line").asInt()).isEqualTo(1);
        assertThat(rule(report, "serial-console").path("result").asText()).isEqualTo("pass");
        assertThat(rule(report, "root-locked").path("result").asText()).isEqualTo("pass");
    }

    @Test
    void tableOutputAndAMissingImage() {
        JdibProcess.Result table = JdibProcess.run(CHECK, env(), "check", minimal.toString());
        assertThat(table.exitCode()).isEqualTo(1);
        assertThat(table.output()).contains("RULE").contains("RESULT").contains("EVIDENCE")
                .contains("profile: openstack")
                .containsPattern("cloud-init-installed\\s+required\\s+FAIL\\s+openstack,egi,opennebula\\s+"
                        + "/var/lib/dpkg/status: cloud-init is not installed")
                .contains("not cloud-ready; failed: growroot");

        JdibProcess.Result missing = JdibProcess.run(CHECK, env(), "check", dir.resolve("nope.qcow2").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.output()).contains("error: no image at");
    }
}
