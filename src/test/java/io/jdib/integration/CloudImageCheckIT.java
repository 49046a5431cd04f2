package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.check.BootCheck;
import io.jdib.check.Datasource;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import io.jdib.testing.SharedBuilds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdib check} on real images: {@code debian vm} is cloud-ready, statically and booted through
 * every cloud's own path (NoCloud seed, config drive, OpenStack and EC2 metadata services, OpenNebula
 * context CD); {@code debian-minimal vm} is not, and the report says which rules fail and why. Each
 * image is built once for the class and shared by its tests (boots take minutes each under TCG).
 */
@Tag("integration")
@Timeout(value = 90, unit = TimeUnit.MINUTES)
// One of the two longest classes (about 15 minutes): last in the order, first taken from that end
// (see ForeignArchIT's @Order).
@Order(Integer.MAX_VALUE)
class CloudImageCheckIT {
    private static final Duration CHECK = Duration.ofMinutes(5);

    @TempDir
    static Path dir;

    private static Path cloud;
    private static Path minimal;

    private static Map<String, String> env() {
        return Map.of(
                "ELEMENTS_PATH",
                JdibProcess.testElements().toString(),
                "JDIB_WORK_DIR",
                dir.resolve("work").toString());
    }

    @BeforeAll
    static void buildImages() {
        cloud = SharedBuilds.cloudVm().requireSuccess().output("qcow2");
        minimal = SharedBuilds.minimalVm().requireSuccess().output("qcow2");
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

    private static JsonNode json(JdibProcess.Result r) throws Exception {
        return new ObjectMapper().readTree(r.output().substring(r.output().indexOf("{\n")));
    }

    @Test
    @Timeout(value = 100, unit = TimeUnit.MINUTES)
    void debianVmBootsThroughEveryCloudsPath() throws Exception {
        Path console = dir.resolve("boot.console");
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(95),
                env(),
                "check",
                "--boot",
                "--datasource",
                "all",
                "--boot-timeout",
                "900",
                "--json",
                "--console-log",
                console.toString(),
                cloud.toString());
        JsonNode report = json(r);
        System.out.println("boots: " + report.path("boots").toPrettyString());

        for (Datasource ds : Datasource.values()) {
            for (String id : BootCheck.RULES) {
                assertThat(rule(report, id + ":" + ds.id()).path("result").asText())
                        .as(id + ":" + ds.id() + " in\n" + r.output())
                        .isEqualTo("pass");
            }
            assertThat(rule(report, "boot-hostname:" + ds.id())
                            .path("evidence")
                            .get(0)
                            .path("text")
                            .asText())
                    .startsWith("'jdib-check-");
            assertThat(rule(report, "boot-growroot:" + ds.id())
                            .path("evidence")
                            .get(0)
                            .path("text")
                            .asText())
                    .matches("/dev/vda\\d+ is \\d+ MiB on a \\d+ MiB disk; the image was \\d+ MiB");
            assertThat(new String(
                            Files.readAllBytes(dir.resolve("boot.console." + ds.id())),
                            java.nio.charset.StandardCharsets.ISO_8859_1))
                    .contains("Linux version")
                    .doesNotContain("Ordering cycle found");
        }
        assertThat(r.exitCode()).as(r.output()).isZero();
        // Once, whatever the data sources: the image itself boots on a disk of its built size.
        assertThat(rule(report, BootCheck.BUILT_SIZE_RULE).path("result").asText())
                .as(r.output())
                .isEqualTo("pass");
        assertThat(report.path("built_size_boot").path("login_seconds").asDouble())
                .isPositive();
        // cloud-init runs OpenNebula's USER_DATA, not its START_SCRIPT: advice that says where the script went.
        JsonNode start = rule(report, BootCheck.START_SCRIPT_RULE + ":opennebula");
        assertThat(start.path("severity").asText()).isEqualTo("advice");
        assertThat(start.path("result").asText()).isEqualTo("fail");
        assertThat(start.path("evidence").toString()).contains("give the script as USER_DATA");
        assertThat(report.path("warnings").toString()).contains(BootCheck.START_SCRIPT_RULE + ":opennebula");
        assertThat(report.path("boots")).hasSize(Datasource.values().length);
        for (JsonNode boot : report.path("boots")) {
            assertThat(boot.path("passed").asBoolean()).as(boot.toString()).isTrue();
            assertThat(boot.path("login_seconds").asDouble()).isPositive();
        }
        // The metadata services were asked for the key and the user data, the way each cloud serves them.
        assertThat(rule(report, "boot-metadata:openstack-metadata")
                        .path("result")
                        .asText())
                .isEqualTo("pass");
        assertThat(rule(report, "boot-metadata:ec2-metadata").path("result").asText())
                .isEqualTo("pass");
        assertThat(boot(report, "openstack-metadata").path("metadata_requests").toString())
                .containsPattern("GET /openstack/[^/]+/meta_data.json 200")
                .containsPattern("GET /openstack/[^/]+/user_data 200");
        assertThat(boot(report, "ec2-metadata").path("metadata_requests").toString())
                .contains("PUT /latest/api/token 200")
                .containsPattern("GET /[^/]+/meta-data/public-keys/0/openssh-key 200")
                .containsPattern("GET /[^/]+/user-data 200");
        assertThat(boot(report, "configdrive").path("metadata_requests")).isEmpty();
        assertThat(rule(report, "boot-datasource:opennebula")
                        .path("evidence")
                        .get(0)
                        .path("text")
                        .asText())
                .contains("DataSourceOpenNebula");
        assertThat(HostState.processes(console.toString())).isEmpty(); // every QEMU is gone
    }

    private static JsonNode boot(JsonNode report, String datasource) {
        for (JsonNode b : report.path("boots")) {
            if (b.path("datasource").asText().equals(datasource)) {
                return b;
            }
        }
        throw new AssertionError("no boot with " + datasource + " in " + report.path("boots"));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void debianMinimalVmFailsTheBootRulesWithEvidence() throws Exception {
        // One data source is enough to show it (and keeps the suite's time down): every data source needs
        // cloud-init and sshd in the guest, and debian-minimal has neither.
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(28),
                env(),
                "check",
                "--boot",
                "--datasource",
                "configdrive",
                "--no-built-size-boot", // BuiltSizeBootIT boots this image at its built size
                "--boot-timeout",
                "900",
                "--json",
                minimal.toString());
        JsonNode report = json(r);

        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(rule(report, "boot-login:configdrive").path("result").asText())
                .as(r.output())
                .isEqualTo("pass");
        JsonNode ssh = rule(report, "boot-ssh:configdrive");
        assertThat(ssh.path("result").asText()).isEqualTo("fail");
        assertThat(ssh.path("severity").asText()).isEqualTo("required");
        assertThat(ssh.path("evidence").get(0).path("text").asText()).startsWith("no login with the seeded key");
        assertThat(rule(report, "boot-hostname:configdrive")
                        .path("evidence")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("not checked: no ssh login");
        List<String> failed = new ArrayList<>();
        report.path("failed").forEach(n -> failed.add(n.asText()));
        assertThat(failed).contains("boot-ssh:configdrive", "boot-user-data:configdrive", "cloud-init-installed");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aGoodRawImagePassesOpenStackWithAdviceButNotEgi() throws Exception {
        Path raw = dir.resolve("cloud.raw");
        io.jdib.sys.Exec.check("qemu-img", "convert", "-O", "raw", cloud.toString(), raw.toString());

        JdibProcess.Result openstack = JdibProcess.run(CHECK, env(), "check", "--profile", "openstack", raw.toString());
        assertThat(openstack.exitCode()).as(openstack.output()).isZero();
        assertThat(openstack.output())
                .contains("profile: openstack")
                .containsPattern("compressed-image\\s+advice\\s+warn\\s+egi,openstack\\s+qemu-img info: format raw")
                .containsPattern("advice \\(not required by openstack\\): .*compressed-image")
                .contains(": cloud-ready under openstack");

        JdibProcess.Result egi = JdibProcess.run(CHECK, env(), "check", "--profile", "egi", "--json", raw.toString());
        assertThat(egi.exitCode()).as(egi.output()).isEqualTo(1);
        JsonNode report = json(egi);
        assertThat(report.path("profile").asText()).isEqualTo("egi");
        assertThat(rule(report, "compressed-image").path("severity").asText()).isEqualTo("required");
        assertThat(report.path("failed").toString()).contains("compressed-image");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void debianVmIsCloudReady() throws Exception {
        byte[] before = Files.readAllBytes(cloud);

        JsonNode report = check(cloud, 0);

        assertThat(report.path("passed").asBoolean())
                .as(report.toPrettyString())
                .isTrue();
        assertThat(report.path("format").asText()).isEqualTo("qcow2");
        for (JsonNode r : report.path("rules")) {
            if (r.path("severity").asText().equals("required")) {
                assertThat(r.path("result").asText()).as(r.toPrettyString()).isEqualTo("pass");
            }
        }
        // An ssh-only image needs no gettys on virtual consoles; debian vm keeps Debian's tty1 (EGI's advice).
        assertThat(report.path("warnings").toString()).isEqualTo("[\"no-virtual-consoles\"]");
        assertThat(rule(report, "datasource-list")
                        .path("evidence")
                        .get(0)
                        .path("file")
                        .asText())
                .isEqualTo("/etc/cloud/cloud.cfg.d/91-dib-cloud-init-datasources.cfg");
        assertThat(rule(report, "serial-console").path("evidence").toString())
                .contains("/boot/grub/grub.cfg")
                .contains("/etc/default/grub.d/50-jdib.cfg");
        // Read-only: the image is byte for byte what it was.
        assertThat(Files.readAllBytes(cloud)).isEqualTo(before);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void debianMinimalVmFailsTheCloudRulesWithEvidence() throws Exception {
        JsonNode report = check(minimal, 1);

        assertThat(report.path("passed").asBoolean()).isFalse();
        List<String> failed = new ArrayList<>();
        report.path("failed").forEach(n -> failed.add(n.asText()));
        assertThat(failed)
                .containsExactlyInAnyOrder(
                        "growroot",
                        "dhcp-all-interfaces",
                        "sshd-enabled",
                        "cloud-init-installed",
                        "default-user",
                        "cloud-init-services",
                        "datasource-list");
        assertThat(rule(report, "sshd-enabled")
                        .path("evidence")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("openssh-server is not installed");
        assertThat(rule(report, "ssh-password-auth-off").path("result").asText())
                .isEqualTo("not-applicable");
        // What debian-minimal vm already gets right still passes, with file and line.
        JsonNode fstab = rule(report, "root-filesystem").path("evidence").get(1);
        assertThat(fstab.path("file").asText()).isEqualTo("/etc/fstab");
        assertThat(fstab.path("line").asInt()).isEqualTo(1);
        assertThat(rule(report, "serial-console").path("result").asText()).isEqualTo("pass");
        assertThat(rule(report, "root-locked").path("result").asText()).isEqualTo("pass");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void tableOutputAndAMissingImage() {
        JdibProcess.Result table = JdibProcess.run(CHECK, env(), "check", minimal.toString());
        assertThat(table.exitCode()).isEqualTo(1);
        assertThat(table.output())
                .contains("RULE")
                .contains("RESULT")
                .contains("EVIDENCE")
                .contains("profile: openstack")
                .containsPattern("cloud-init-installed\\s+required\\s+FAIL\\s+openstack,egi,opennebula\\s+"
                        + "/var/lib/dpkg/status: cloud-init is not installed")
                .contains("not cloud-ready; failed: growroot");

        JdibProcess.Result missing =
                JdibProcess.run(CHECK, env(), "check", dir.resolve("nope.qcow2").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.output()).contains("error: no image at");
    }
}
