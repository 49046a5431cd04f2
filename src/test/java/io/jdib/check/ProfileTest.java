package io.jdib.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.check.RuleResult.Outcome;
import io.jdib.sys.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every static rule under every profile: the {@code cloud-ready} fixture passes them all, the
 * {@code not-ready} fixture fails them all, and the JSON report carries each rule's severity and
 * the guides that ask for it.
 */
class ProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIB = CheckFixtures.MIB;
    private static final DiskFacts GOOD_QCOW2 = CheckFixtures.GOOD_DISK;
    private static final DiskFacts BAD_DISK = CheckFixtures.BAD_DISK;

    private static ImageTree tree(String name) {
        return CheckFixtures.tree(name);
    }

    private static final DiskFacts GOOD_RAW = new DiskFacts(
            "raw", "dos", GOOD_QCOW2.volumes(), "p1", null, 900 * MIB, 880 * MIB, 2049 * MIB, -1, 2048 * MIB);

    private static JsonNode json(CheckReport report) {
        return JSON.valueToTree(report.toJson());
    }

    private static JsonNode rule(JsonNode report, String id) {
        for (JsonNode r : report.path("rules")) {
            if (r.path("id").asText().equals(id)) {
                return r;
            }
        }
        throw new AssertionError("no rule " + id + " in " + report);
    }

    @Test
    void everyStaticRuleHasAnEntryAndAGuide() {
        assertThat(Profile.ruleIds()).containsAll(StaticChecks.RULES);
        assertThat(StaticChecks.RULES).containsAll(Profile.ruleIds());
        for (String id : StaticChecks.RULES) {
            assertThat(Profile.rule(id).guides()).as(id).isNotEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void theCloudReadyTreePassesEveryRuleUnderEveryProfile(Profile profile) {
        CheckReport report = new CheckReport(
                Path.of("good.qcow2"), "qcow2", profile, StaticChecks.run(tree("cloud-ready"), GOOD_QCOW2), 1);
        assertThat(report.passed()).as(report.results().toString()).isTrue();
        assertThat(report.failed()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        JsonNode json = json(report);
        assertThat(json.path("profile").asText()).isEqualTo(profile.id());
        assertThat(json.path("passed").asBoolean()).isTrue();
        for (String id : StaticChecks.RULES) {
            JsonNode r = rule(json, id);
            assertThat(r.path("result").asText()).as(id).isEqualTo("pass");
            assertThat(r.path("severity").asText())
                    .as(id)
                    .isEqualTo(profile.severity(id).label());
            assertThat(r.path("guides").size()).as(id).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void theNotReadyTreeFailsEveryRuleAndOnlyRequiredOnesCount(Profile profile) {
        CheckReport report =
                new CheckReport(Path.of("bad.raw"), "raw", profile, StaticChecks.run(tree("not-ready"), BAD_DISK), 1);
        List<String> required = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        JsonNode json = json(report);
        for (String id : StaticChecks.RULES) {
            RuleResult r = report.result(id).orElseThrow();
            JsonNode node = rule(json, id);
            if (r.outcome() == Outcome.NOT_APPLICABLE) {
                continue;
            }
            assertThat(r.outcome()).as(id + " " + r.evidence()).isEqualTo(Outcome.FAIL);
            assertThat(node.path("result").asText()).isEqualTo("fail");
            assertThat(node.path("severity").asText())
                    .as(id)
                    .isEqualTo(profile.severity(id).label());
            assertThat(node.path("required").asBoolean()).isEqualTo(profile.severity(id) == Severity.REQUIRED);
            (profile.severity(id) == Severity.REQUIRED ? required : advice).add(id);
        }
        assertThat(report.failed()).containsExactlyElementsOf(required);
        assertThat(report.warnings()).containsExactlyElementsOf(advice);
        assertThat(report.passed()).isFalse();
        assertThat(json.path("failed")).extracting(JsonNode::asText).containsExactlyElementsOf(required);
    }

    @Test
    void theSeveritiesEachProfileAsksFor() {
        // OpenStack's guide: format and size are advice, its own requirements are required.
        assertThat(Profile.OPENSTACK.severity("compressed-image")).isEqualTo(Severity.ADVICE);
        assertThat(Profile.OPENSTACK.severity("trimmed")).isEqualTo(Severity.ADVICE);
        assertThat(Profile.OPENSTACK.severity("no-swap")).isEqualTo(Severity.ADVICE);
        assertThat(Profile.OPENSTACK.severity("serial-console")).isEqualTo(Severity.REQUIRED);
        assertThat(Profile.OPENSTACK.severity("dhcp-all-interfaces")).isEqualTo(Severity.REQUIRED);
        assertThat(Profile.OPENSTACK.severity("no-lvm-root")).isEqualTo(Severity.ADVICE);
        // EGI: small compressed copy-on-write images, no swap, no LVM root, contextualisation.
        for (String id : List.of(
                "compressed-image", "trimmed", "no-swap", "no-lvm-root", "root-filesystem", "cloud-init-installed")) {
            assertThat(Profile.EGI.severity(id)).as(id).isEqualTo(Severity.REQUIRED);
        }
        // OpenNebula configures the network from its context: DHCP everywhere is advice there.
        assertThat(Profile.OPENNEBULA.severity("dhcp-all-interfaces")).isEqualTo(Severity.ADVICE);
        assertThat(Profile.OPENNEBULA.severity("cloud-init-services")).isEqualTo(Severity.REQUIRED);
        assertThat(Profile.GENERIC.severity("datasource-list")).isEqualTo(Severity.ADVICE);
        // Boot rules are required whatever the profile.
        for (Profile p : Profile.values()) {
            assertThat(p.severity("boot-ssh")).isEqualTo(Severity.REQUIRED);
        }
        assertThat(Profile.rule("compressed-image").guides()).contains(Guide.EGI);
    }

    @Test
    void openNebulasStartScriptIsAdviceWithWhereItWent() {
        // cloud-init runs USER_DATA; START_SCRIPT is one-context's, so its absence never fails a check.
        for (Profile p : Profile.values()) {
            assertThat(p.severity("boot-start-script:opennebula")).isEqualTo(Severity.ADVICE);
            assertThat(p.severity("boot-user-data:opennebula")).isEqualTo(Severity.REQUIRED);
        }
        assertThat(Profile.rule("boot-start-script:opennebula").guides()).containsExactly(Guide.OPENNEBULA);

        RuleResult notRun = BootCheck.startScriptRule(
                ":opennebula", Map.of("startscript", "", "startmeta", "START_SCRIPT_BASE64 "), true);
        CheckReport report = new CheckReport(Path.of("x.qcow2"), "qcow2", Profile.OPENNEBULA, List.of(notRun), 1);
        assertThat(report.passed()).isTrue();
        assertThat(report.warnings()).containsExactly("boot-start-script:opennebula");
        assertThat(notRun.evidence())
                .extracting(RuleResult.Evidence::render)
                .contains("/run/cloud-init/instance-data.json: START_SCRIPT_BASE64 kept as metadata (ds.meta_data), not"
                        + " run")
                .anySatisfy(e -> assertThat(e).contains("give the script as USER_DATA"));
        RuleResult ran = BootCheck.startScriptRule(":opennebula", Map.of("startscript", "jdib-check-1"), true);
        assertThat(ran.outcome()).isEqualTo(Outcome.PASS);
        BootCheck.Run run = new BootCheck.Run(Datasource.OPENNEBULA, List.of(notRun), 1, 2, List.of());
        assertThat(run.passed()).as("advice does not fail a boot").isTrue();
    }

    @Test
    void aGoodRawImagePassesOpenStackWithAdviceButNotEgi() {
        List<RuleResult> results = StaticChecks.run(tree("cloud-ready"), GOOD_RAW);
        CheckReport openstack = new CheckReport(Path.of("good.raw"), "raw", results, 1);
        assertThat(openstack.passed()).isTrue();
        assertThat(openstack.warnings()).containsExactly("compressed-image");
        JsonNode compressed = rule(json(openstack), "compressed-image");
        assertThat(compressed.path("result").asText()).isEqualTo("fail");
        assertThat(compressed.path("severity").asText()).isEqualTo("advice");
        assertThat(json(openstack).path("passed").asBoolean()).isTrue();

        CheckReport egi = openstack.withProfile(Profile.EGI);
        assertThat(egi.passed()).isFalse();
        assertThat(egi.failed()).containsExactly("compressed-image");
        assertThat(rule(json(egi), "compressed-image").path("severity").asText())
                .isEqualTo("required");
    }

    @Test
    void anUnknownProfileNamesTheOnesThatExist() {
        assertThat(Profile.parse("EGI")).isEqualTo(Profile.EGI);
        assertThatThrownBy(() -> Profile.parse("aws"))
                .isInstanceOf(UserError.class)
                .hasMessage("unknown profile 'aws'; use one of: openstack, egi, opennebula, generic");
        assertThat(Map.of("k", Profile.names())).containsValue("openstack, egi, opennebula, generic");
    }
}
