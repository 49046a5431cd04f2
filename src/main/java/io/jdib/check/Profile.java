package io.jdib.check;

import io.jdib.sys.UserError;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whose requirements {@code jdib check} applies. Every rule is {@link Severity#REQUIRED} or
 * {@link Severity#ADVICE} per profile: a required failure fails the check, advice is printed and
 * does not. A rule id this table does not know (a boot rule, say) is required everywhere.
 */
public enum Profile {
    /** The OpenStack image guide's requirements are required; format and size are advice. */
    OPENSTACK("the OpenStack image guide's requirements; image format and size are advice"),
    /** EGI's best practices: small compressed copy-on-write images, no swap, no LVM root, contextualisation. */
    EGI("EGI's best practices: small compressed copy-on-write images, no swap, no LVM root, contextualisation"),
    /** OpenNebula: contextualisation from the context CD; the network comes from the context, not DHCP. */
    OPENNEBULA("OpenNebula: contextualisation and growable root required; network, format and size are advice"),
    /** Any cloud: what every cloud image needs is required, the rest advice. */
    GENERIC("what any cloud needs (growable root, sshd, cloud-init, no shared secrets); the rest is advice");

    /** Which guides ask for a rule, and the profiles under which it is only advice. */
    public record Rule(String id, List<Guide> guides, Set<Profile> adviceIn) {}

    private static final Set<Profile> NONE = Set.of();
    private static final Map<String, Rule> RULES = table(
            rule("root-filesystem", List.of(Guide.OPENSTACK, Guide.EGI), NONE),
            rule("no-lvm-root", List.of(Guide.EGI), EnumSet.of(OPENSTACK, OPENNEBULA, GENERIC)),
            rule("root-fills-partition", List.of(Guide.OPENSTACK, Guide.EGI), NONE),
            rule("no-swap", List.of(Guide.EGI), EnumSet.of(OPENSTACK, OPENNEBULA, GENERIC)),
            rule("growroot", List.of(Guide.OPENSTACK, Guide.EGI), NONE),
            rule("no-persistent-net-rules", List.of(Guide.OPENSTACK), EnumSet.of(OPENNEBULA)),
            rule("no-hwaddr", List.of(Guide.OPENSTACK), EnumSet.of(OPENNEBULA)),
            rule("dhcp-all-interfaces", List.of(Guide.OPENSTACK), EnumSet.of(OPENNEBULA, GENERIC)),
            rule("sshd-enabled", List.of(Guide.OPENSTACK, Guide.EGI, Guide.OPENNEBULA), NONE),
            rule("no-ssh-host-keys", List.of(Guide.EGI), NONE),
            rule("no-virtual-consoles", List.of(Guide.EGI), EnumSet.allOf(Profile.class)),
            rule("no-firewall", List.of(Guide.OPENSTACK), EnumSet.of(EGI, OPENNEBULA, GENERIC)),
            rule("cloud-init-installed", List.of(Guide.OPENSTACK, Guide.EGI, Guide.OPENNEBULA), NONE),
            rule("ssh-password-auth-off", List.of(Guide.EGI), NONE),
            rule("root-locked", List.of(Guide.EGI), NONE),
            rule("default-user", List.of(Guide.OPENSTACK, Guide.EGI), EnumSet.of(OPENNEBULA)),
            rule("cloud-init-services", List.of(Guide.OPENSTACK, Guide.EGI, Guide.OPENNEBULA), NONE),
            rule("serial-console", List.of(Guide.OPENSTACK), EnumSet.of(EGI, OPENNEBULA, GENERIC)),
            rule("compressed-image", List.of(Guide.EGI, Guide.OPENSTACK), EnumSet.of(OPENSTACK, OPENNEBULA, GENERIC)),
            rule("trimmed", List.of(Guide.EGI), EnumSet.of(OPENSTACK, OPENNEBULA, GENERIC)),
            rule("datasource-list", List.of(Guide.DIB), EnumSet.of(GENERIC)));
    private static final Rule BOOT = new Rule("boot", List.of(Guide.OPENSTACK, Guide.EGI, Guide.OPENNEBULA), NONE);
    /**
     * Boot rules that are not every boot rule's default: OpenNebula's START_SCRIPT is run by its own
     * one-context packages, not by cloud-init, so its absence is advice wherever it is checked.
     */
    private static final Map<String, Rule> BOOT_RULES =
            table(rule("boot-start-script", List.of(Guide.OPENNEBULA), EnumSet.allOf(Profile.class)));

    private final String summary;

    Profile(String summary) {
        this.summary = summary;
    }

    /** The name on the command line and in the report: {@code openstack}, {@code egi}... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String summary() {
        return summary;
    }

    /** What the table knows about a rule; boot rules share one entry. */
    public static Rule rule(String id) {
        Rule r = RULES.get(id);
        if (r != null) {
            return r;
        }
        // Boot rule ids end in the data source: boot-ssh:configdrive.
        Rule boot = BOOT_RULES.get(id.replaceFirst(":.*$", ""));
        return boot != null ? new Rule(id, boot.guides(), boot.adviceIn()) : new Rule(id, BOOT.guides(), NONE);
    }

    /** Every static rule id the table knows. */
    public static Set<String> ruleIds() {
        return RULES.keySet();
    }

    public Severity severity(String ruleId) {
        return rule(ruleId).adviceIn().contains(this) ? Severity.ADVICE : Severity.REQUIRED;
    }

    /** {@code result} as this profile rates it: its severity and the guides that ask for it. */
    public RuleResult apply(RuleResult result) {
        return result.withSeverity(severity(result.id()), rule(result.id()).guides());
    }

    public List<RuleResult> apply(List<RuleResult> results) {
        return results.stream().map(this::apply).toList();
    }

    /** The profile named {@code name}, or a {@link UserError} naming the ones that exist. */
    public static Profile parse(String name) {
        for (Profile p : values()) {
            if (p.id().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new UserError("unknown profile '" + name + "'; use one of: " + names());
    }

    /** {@code openstack, egi, opennebula, generic}. */
    public static String names() {
        return Arrays.stream(values()).map(Profile::id).collect(Collectors.joining(", "));
    }

    private static Rule rule(String id, List<Guide> guides, Set<Profile> adviceIn) {
        return new Rule(id, guides, adviceIn);
    }

    private static Map<String, Rule> table(Rule... rules) {
        Map<String, Rule> map = new java.util.LinkedHashMap<>();
        for (Rule r : rules) {
            map.put(r.id(), r);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
