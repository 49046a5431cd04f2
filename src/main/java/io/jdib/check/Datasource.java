package io.jdib.check;

import io.jdib.sys.UserError;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How {@code jdib check --boot} hands the guest its hostname, ssh key and user data: each the way one
 * cloud does it, and each found by the cloud-init data source named here.
 */
public enum Datasource {
    /** A vfat seed labelled {@code CIDATA} (cloud-init's NoCloud). */
    NOCLOUD("nocloud", "NoCloud", "vfat volume labelled CIDATA with meta-data and user-data"),
    /** OpenStack's config drive: ISO 9660 labelled {@code config-2} with {@code openstack/latest/*}. */
    CONFIGDRIVE(
            "configdrive",
            "ConfigDrive",
            "ISO 9660 volume labelled config-2 with openstack/latest/{meta_data.json,user_data,network_data.json}"),
    /** OpenStack's metadata service at 169.254.169.254 ({@code /openstack/latest/...}). */
    OPENSTACK_METADATA(
            "openstack-metadata",
            "OpenStack",
            "HTTP metadata service at 169.254.169.254 (/openstack/...), SMBIOS product 'OpenStack Nova'"),
    /** The EC2 instance metadata service at 169.254.169.254 ({@code /latest/meta-data/...}, IMDSv2 tokens). */
    EC2_METADATA(
            "ec2-metadata",
            "Ec2",
            "HTTP metadata service at 169.254.169.254 (/latest/meta-data/..., IMDSv2), SMBIOS uuid and serial ec2..."),
    /** OpenNebula's context CD: ISO 9660 labelled {@code CONTEXT} with {@code context.sh}. */
    OPENNEBULA(
            "opennebula",
            "OpenNebula",
            "ISO 9660 volume labelled CONTEXT with context.sh (SSH_PUBLIC_KEY, SET_HOSTNAME, USER_DATA, START_SCRIPT)");

    private final String id;
    private final String cloudInitName;
    private final String how;

    Datasource(String id, String cloudInitName, String how) {
        this.id = id;
        this.cloudInitName = cloudInitName;
        this.how = how;
    }

    /** The name on the command line: {@code nocloud}, {@code configdrive}... */
    public String id() {
        return id;
    }

    /** The data source's name in cloud-init's {@code datasource_list}. */
    public String cloudInitName() {
        return cloudInitName;
    }

    /** What the guest is given, in one line. */
    public String how() {
        return how;
    }

    /** The data sources {@code value} names: one id, or {@code all}; a {@link UserError} naming the ones that exist. */
    public static List<Datasource> parse(String value) {
        String name = value.strip().toLowerCase(Locale.ROOT);
        if (name.equals("all")) {
            return List.of(values());
        }
        for (Datasource d : values()) {
            if (d.id.equals(name)) {
                return List.of(d);
            }
        }
        throw new UserError("unknown datasource '" + value + "'; use one of: " + names() + ", or all");
    }

    /** {@code nocloud, configdrive, openstack-metadata, ec2-metadata, opennebula}. */
    public static String names() {
        return Arrays.stream(values()).map(Datasource::id).collect(Collectors.joining(", "));
    }
}
