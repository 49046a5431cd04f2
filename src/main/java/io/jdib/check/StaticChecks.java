package io.jdib.check;

import io.jdib.check.DiskFacts.Volume;
import io.jdib.check.ImageFacts.Setting;
import io.jdib.check.RuleResult.Evidence;
import io.jdib.check.RuleResult.Outcome;
import io.jdib.sys.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The cloud-readiness rules that need no boot: each reads the image's files ({@link ImageTree}) and
 * what the disk says ({@link DiskFacts}) and returns a {@link RuleResult} with its evidence.
 * {@link #run} is the entry point; {@link ImageCheck} opens an image file and calls it.
 */
public final class StaticChecks {
    /** Rule ids, in report order. */
    public static final List<String> RULES = List.of(
            "root-filesystem",
            "no-lvm-root",
            "root-fills-partition",
            "no-swap",
            "growroot",
            "no-persistent-net-rules",
            "no-hwaddr",
            "dhcp-all-interfaces",
            "sshd-enabled",
            "no-ssh-host-keys",
            "no-virtual-consoles",
            "no-firewall",
            "cloud-init-installed",
            "ssh-password-auth-off",
            "root-locked",
            "default-user",
            "cloud-init-services",
            "serial-console",
            "compressed-image",
            "trimmed",
            "datasource-list");

    private static final List<String> FIREWALLS = List.of(
            "ufw.service",
            "firewalld.service",
            "nftables.service",
            "netfilter-persistent.service",
            "iptables.service",
            "ip6tables.service");
    /**
     * The four stages of cloud-init, each with the names its unit has had: cloud-init 24.3 (Debian
     * trixie) renamed the network stage's cloud-init.service to cloud-init-network.service.
     */
    private static final List<List<String>> CLOUD_INIT_UNITS = List.of(
            List.of("cloud-init-local.service"),
            List.of("cloud-init-network.service", "cloud-init.service"),
            List.of("cloud-config.service"),
            List.of("cloud-final.service"));

    private final ImageFacts facts;
    private final ImageTree tree;
    private final DiskFacts disk;

    private StaticChecks(ImageTree tree, DiskFacts disk) {
        this.tree = tree;
        this.facts = new ImageFacts(tree);
        this.disk = disk;
    }

    /** Every static rule on one image, in {@link #RULES} order. */
    public static List<RuleResult> run(ImageTree tree, DiskFacts disk) {
        StaticChecks c = new StaticChecks(tree, disk);
        return List.of(
                c.rootFilesystem(),
                c.noLvmRoot(),
                c.rootFillsPartition(),
                c.noSwap(),
                c.growroot(),
                c.noPersistentNetRules(),
                c.noHwaddr(),
                c.dhcpAllInterfaces(),
                c.sshdEnabled(),
                c.noSshHostKeys(),
                c.noVirtualConsoles(),
                c.noFirewall(),
                c.cloudInitInstalled(),
                c.sshPasswordAuthOff(),
                c.rootLocked(),
                c.defaultUser(),
                c.cloudInitServices(),
                c.serialConsole(),
                c.compressedImage(),
                c.trimmed(),
                c.datasourceList());
    }

    private static RuleResult pass(String id, String title, List<Evidence> evidence) {
        return new RuleResult(id, title, Outcome.PASS, true, evidence);
    }

    private static RuleResult fail(String id, String title, List<Evidence> evidence) {
        return new RuleResult(id, title, Outcome.FAIL, true, evidence);
    }

    private static RuleResult notApplicable(String id, String title, List<Evidence> evidence) {
        return new RuleResult(id, title, Outcome.NOT_APPLICABLE, true, evidence);
    }

    private static RuleResult of(boolean ok, String id, String title, List<Evidence> evidence) {
        return ok ? pass(id, title, evidence) : fail(id, title, evidence);
    }

    // ---- one growable root filesystem, no swap

    RuleResult rootFilesystem() {
        String id = "root-filesystem";
        String title = "root is ext4/xfs where a cloud can boot and grow it: the last partition, a logical volume,"
                + " or a whole disk that boots";
        List<Evidence> ev = new ArrayList<>();
        boolean ok = true;
        Optional<Volume> root = disk.root();
        if (root.isEmpty()) {
            ev.add(Evidence.of("/etc/fstab", "no partition of the disk holds the root filesystem"));
            return fail(id, title, ev);
        }
        Volume r = root.get();
        String where = disk.tableLabel() == null ? "whole disk (no partition table)" : r.describe();
        ev.add(Evidence.of(where, r.fsType() + (r.label().isEmpty() ? "" : " LABEL=" + r.label()) + " mounted at /"));
        int fstabLine = facts.lineOf("/etc/fstab", "^\\s*\\S+\\s+/\\s");
        if (fstabLine > 0) {
            ev.add(Evidence.at(
                    "/etc/fstab",
                    fstabLine,
                    tree.lines("/etc/fstab").get(fstabLine - 1).strip()));
        }
        if (!r.fsType().equals("ext4") && !r.fsType().equals("xfs")) {
            ev.add(Evidence.of(where, "root is " + r.fsType() + ", not ext4 or xfs"));
            ok = false;
        }
        if (disk.tableLabel() == null) {
            // The filesystem is the disk: it grows with it (no partition to grow), but only boot code in the
            // first sector (extlinux) starts it; otherwise the cloud must give kernel and initrd from outside.
            if (disk.bootCode()) {
                ev.add(Evidence.of(where, "the filesystem is the whole disk, with boot code in its first sector"));
            } else {
                ev.add(Evidence.of(
                        where,
                        "no partition table and no boot code in the first sector: nothing on the disk starts it; it"
                                + " boots only where the cloud supplies kernel and initrd (an Ironic partition image,"
                                + " Glance kernel_id/ramdisk_id)"));
                ok = false;
            }
        } else if (r.logicalVolume()) {
            // growvols adds the disk's free space as a new physical volume: the PV need not be last.
            ev.add(Evidence.of(
                    where,
                    "the root is on LVM: it grows by its logical volume (see growroot), not by growing a partition"));
        } else {
            Volume last = disk.volumes().stream()
                    .filter(v -> !v.logicalVolume())
                    .max((a, b) -> Long.compare(a.offset(), b.offset()))
                    .orElseThrow();
            if (!last.equals(r)) {
                ev.add(Evidence.of(
                        last.describe(),
                        (last.fsType().isEmpty() ? "" : last.fsType() + " ")
                                + "comes after the root partition, so growpart cannot grow root into the rest of"
                                + " the disk"));
                ok = false;
            } else {
                ev.add(Evidence.of(where, "last on the disk: growpart can grow it into the rest of a larger disk"));
            }
        }
        return of(ok, id, title, ev);
    }

    RuleResult noLvmRoot() {
        String id = "no-lvm-root";
        String title = "root not on LVM";
        Optional<Volume> root = disk.root();
        if (root.isEmpty()) {
            return notApplicable(id, title, List.of(Evidence.of("/etc/fstab", "root filesystem not found")));
        }
        Volume r = root.get();
        if (r.logicalVolume()) {
            List<Evidence> ev = new ArrayList<>();
            ev.add(Evidence.of(r.describe(), r.fsType() + " mounted at /: the root is on LVM"));
            for (Volume v : disk.volumes()) {
                if (v.fsType().equals("LVM2_member")) {
                    ev.add(Evidence.of(v.describe(), "LVM physical volume"));
                }
            }
            return fail(id, title, ev);
        }
        return pass(id, title, List.of(Evidence.of(r.describe(), r.fsType() + " mounted at /, not a logical volume")));
    }

    RuleResult rootFillsPartition() {
        String id = "root-fills-partition";
        String title = "root filesystem fills its partition; the partition table describes the disk as built";
        Optional<Volume> root = disk.root();
        if (root.isEmpty() || disk.rootFsBytes() < 0 || disk.diskBytes() < 0) {
            return notApplicable(id, title, List.of(Evidence.of("disk", "root filesystem or disk size unknown")));
        }
        Volume r = root.get();
        List<Evidence> ev = new ArrayList<>();
        boolean ok = true;
        String where = r.describe();
        // A filesystem is a whole number of blocks: allow the partition's tail that is less than 1% or 4 MiB.
        long slack = Math.max(r.size() / 100, 4L << 20);
        boolean fills = disk.rootFsBytes() + slack >= r.size();
        ev.add(Evidence.of(
                where,
                String.format(
                                "%s of %d MiB in a %d MiB %s",
                                r.fsType(),
                                disk.rootFsBytes() >> 20,
                                r.size() >> 20,
                                disk.tableLabel() == null ? "disk" : r.logicalVolume() ? "logical volume" : "partition")
                        + (fills ? "" : ": the filesystem stops short, and growroot grows only the volume it fills")));
        ok &= fills;
        for (Volume v : disk.volumes()) {
            if (v.offset() + v.size() > disk.diskBytes()) {
                ev.add(Evidence.of(
                        v.describe(),
                        String.format(
                                "ends at %d MiB, past the end of the %d MiB" + " disk",
                                (v.offset() + v.size()) >> 20, disk.diskBytes() >> 20)));
                ok = false;
            }
        }
        if (disk.tableDiskBytes() >= 0) {
            boolean same = disk.tableDiskBytes() == disk.diskBytes();
            ev.add(
                    Evidence.of(
                            disk.tableLabel() + " partition table",
                            String.format(
                                    "written for a disk of %d bytes;" + " the image is %d bytes%s",
                                    disk.tableDiskBytes(),
                                    disk.diskBytes(),
                                    same
                                            ? ""
                                            : ": its backup header is not at the end, so growpart and sgdisk cannot trust it")));
            ok &= same;
        }
        return of(ok, id, title, ev);
    }

    RuleResult noSwap() {
        String id = "no-swap";
        String title = "no swap partition and no swap in fstab";
        List<Evidence> ev = new ArrayList<>();
        for (Volume v : disk.volumes()) {
            if (v.fsType().equals("swap")) {
                ev.add(Evidence.of(v.describe(), "swap space"));
            }
        }
        List<String> fstab = tree.lines("/etc/fstab");
        for (int i = 0; i < fstab.size(); i++) {
            String[] f = fstab.get(i).strip().split("\\s+");
            if (!f[0].startsWith("#") && f.length >= 3 && f[2].equals("swap")) {
                ev.add(Evidence.at("/etc/fstab", i + 1, fstab.get(i).strip()));
            }
        }
        if (ev.isEmpty()) {
            return pass(id, title, List.of(Evidence.of("/etc/fstab", "no swap entry; no swap partition on the disk")));
        }
        return fail(id, title, ev);
    }

    RuleResult growroot() {
        String id = "growroot";
        String title = "root grows to the disk at boot (growroot or cloud-init growpart; resizefs for a whole-disk"
                + " root; growvols for an LVM root)";
        Optional<Volume> root = disk.root();
        if (root.isPresent() && disk.tableLabel() == null) {
            return growWholeDisk(id, title);
        }
        if (root.isPresent() && root.get().logicalVolume()) {
            return growLogicalVolume(id, title, root.get());
        }
        List<Evidence> ev = new ArrayList<>();
        Optional<Evidence> growpart = facts.installed("cloud-guest-utils", "/usr/bin/growpart", "/usr/sbin/growpart");
        Optional<Evidence> initramfs =
                facts.installed("cloud-initramfs-growroot", "/usr/share/initramfs-tools/scripts/local-bottom/growroot");
        if (growpart.isPresent() && initramfs.isPresent()) {
            ev.add(initramfs.get());
            ev.add(growpart.get());
            return pass(id, title, ev);
        }
        Optional<Evidence> systemdUnit = tree.isFile("/usr/local/sbin/growroot")
                ? Optional.of(Evidence.of("/usr/local/sbin/growroot", "present"))
                : Optional.empty();
        if (growpart.isPresent() && systemdUnit.isPresent()) {
            ev.add(systemdUnit.get());
            ev.add(growpart.get());
            return pass(id, title, ev);
        }
        Optional<Evidence> cloudInit = facts.installed("cloud-init", "/usr/bin/cloud-init");
        if (cloudInit.isPresent() && growpart.isPresent()) {
            Optional<Evidence> module = cloudModule("growpart");
            Optional<Setting> mode = facts.cloudSetting("growpart");
            boolean off = mode.map(s -> s.value() instanceof Map<?, ?> m
                            && m.get("mode") != null
                            && (ImageFacts.yamlFalse(m.get("mode")) || "off".equals(String.valueOf(m.get("mode")))))
                    .orElse(false);
            if (module.isPresent() && !off) {
                ev.add(module.get());
                ev.add(growpart.get());
                return pass(id, title, ev);
            }
            mode.filter(s -> off).ifPresent(s -> ev.add(s.evidence("growpart mode is off")));
        }
        if (growpart.isEmpty()) {
            ev.add(Evidence.of(ImageFacts.DPKG_STATUS, "growpart (cloud-guest-utils) is not installed"));
        }
        if (initramfs.isEmpty()) {
            ev.add(Evidence.of(ImageFacts.DPKG_STATUS, "cloud-initramfs-growroot is not installed"));
        }
        if (cloudInit.isEmpty()) {
            ev.add(Evidence.of(ImageFacts.DPKG_STATUS, "cloud-init is not installed (its growpart module would do)"));
        }
        return fail(id, title, ev);
    }

    /** A root that is the whole disk has no partition to grow: cloud-init's resizefs grows the filesystem. */
    private RuleResult growWholeDisk(String id, String title) {
        List<Evidence> ev = new ArrayList<>();
        ev.add(Evidence.of(
                "whole disk", "no partition table: growpart has nothing to grow, so the filesystem itself must grow"));
        if (facts.installed("cloud-init", "/usr/bin/cloud-init").isEmpty()) {
            ev.add(Evidence.of(
                    ImageFacts.DPKG_STATUS,
                    "cloud-init is not installed (its resizefs module grows a whole-disk root)"));
            return fail(id, title, ev);
        }
        Optional<Evidence> module = cloudModule("resizefs");
        Optional<Setting> resize = facts.cloudSetting("resize_rootfs");
        if (resize.isPresent() && ImageFacts.yamlFalse(resize.get().value())) {
            ev.add(resize.get().evidence("resize_rootfs: " + resize.get().value() + ": resizefs will not grow it"));
            return fail(id, title, ev);
        }
        if (module.isEmpty()) {
            ev.add(Evidence.of("/etc/cloud/cloud.cfg", "cloud-init module resizefs is not in any module list"));
            return fail(id, title, ev);
        }
        ev.add(module.get().withText(module.get().text() + ": it grows the filesystem to the disk"));
        return pass(id, title, ev);
    }

    /**
     * A root on LVM grows only when its logical volume does: growpart and growroot grow partitions,
     * cloud-init's resizefs the filesystem to its volume. DIB's growvols, run at first boot, grows the volume.
     */
    private RuleResult growLogicalVolume(String id, String title, Volume root) {
        List<Evidence> ev = new ArrayList<>();
        String grower = "/usr/local/sbin/growvols";
        List<Evidence> unit = facts.enabledBy("growvols.service");
        if (tree.isFile(grower) && !unit.isEmpty()) {
            ev.add(Evidence.of(grower, "present"));
            ev.add(unit.get(0).withText(unit.get(0).text() + ": growvols grows " + root.name() + " at first boot"));
            return pass(id, title, ev);
        }
        ev.add(Evidence.of(
                root.describe(),
                "root is on LVM: growpart and growroot grow partitions and resizefs a filesystem to its volume, so"
                        + " nothing grows the logical volume"));
        ev.add(
                tree.isFile(grower)
                        ? Evidence.of(
                                "/etc/systemd/system", "growvols.service is not enabled (DIB_GROWVOLS_TRIGGER=systemd)")
                        : Evidence.of(grower, "absent: DIB's growvols element grows logical volumes at first boot"));
        return fail(id, title, ev);
    }

    /** The line of cloud.cfg(.d) listing a cloud-init module in one of the module lists. */
    private Optional<Evidence> cloudModule(String module) {
        for (String list : List.of("cloud_init_modules", "cloud_config_modules", "cloud_final_modules")) {
            Optional<Setting> s = facts.cloudSetting(list);
            if (s.isPresent() && s.get().value() instanceof List<?> items) {
                for (Object item : items) {
                    Object name = item instanceof List<?> l && !l.isEmpty() ? l.get(0) : item;
                    if (module.equals(String.valueOf(name))) {
                        int line = facts.lineOf(s.get().file(), "^\\s*-\\s*\\[?\\s*" + Pattern.quote(module) + "\\b");
                        return Optional.of(
                                Evidence.at(s.get().file(), line, "cloud-init module " + module + " in " + list));
                    }
                }
            }
        }
        return Optional.empty();
    }

    // ---- no hard-coded MAC addresses, DHCP everywhere

    RuleResult noPersistentNetRules() {
        String id = "no-persistent-net-rules";
        String title = "udev persistent-net rules empty (no interface names tied to MACs)";
        List<Evidence> ev = new ArrayList<>();
        boolean ok = true;
        String rules = "/etc/udev/rules.d/70-persistent-net.rules";
        if (tree.isFile(rules)) {
            List<String> bad = meaningful(rules);
            if (bad.isEmpty()) {
                ev.add(Evidence.of(rules, "empty"));
            } else {
                List<String> lines = tree.lines(rules);
                ev.add(Evidence.at(
                        rules, lines.indexOf(bad.get(0)) + 1, bad.get(0).strip()));
                ok = false;
            }
        } else {
            ev.add(Evidence.of(rules, "absent"));
        }
        String generator = "/etc/udev/rules.d/75-persistent-net-generator.rules";
        List<String> shipped = new ArrayList<>();
        for (String dir : List.of("/lib/udev/rules.d", "/usr/lib/udev/rules.d")) {
            if (tree.isFile(dir + "/75-persistent-net-generator.rules")) {
                shipped.add(dir + "/75-persistent-net-generator.rules");
            }
        }
        if (tree.entryExists(generator)) {
            if (tree.linkTarget(generator).filter(t -> t.equals("/dev/null")).isPresent()
                    || tree.isFile(generator) && meaningful(generator).isEmpty()) {
                ev.add(Evidence.of(generator, "empty: masks udev's generator"));
            } else {
                List<String> bad = meaningful(generator);
                ev.add(Evidence.at(
                        generator,
                        tree.lines(generator).indexOf(bad.get(0)) + 1,
                        "generator rule is active: " + bad.get(0).strip()));
                ok = false;
            }
        } else if (shipped.isEmpty()) {
            ev.add(Evidence.of(generator, "absent, and udev ships no generator (/lib/udev/rules.d)"));
        } else {
            ev.add(Evidence.of(
                    shipped.get(0),
                    "udev's persistent-net generator is active and not masked by an empty " + generator));
            ok = false;
        }
        return of(ok, id, title, ev);
    }

    private List<String> meaningful(String file) {
        return tree.lines(file).stream()
                .filter(l -> !l.isBlank() && !l.strip().startsWith("#"))
                .toList();
    }

    RuleResult noHwaddr() {
        String id = "no-hwaddr";
        String title = "no MAC address in network configuration";
        List<Evidence> bad = new ArrayList<>();
        List<String> scanned = new ArrayList<>();
        scan(scanned, bad, tree.list("/etc/sysconfig/network-scripts", "ifcfg-*"), "^\\s*HWADDR=");
        scan(scanned, bad, tree.list("/etc/systemd/network", "*.network"), "^\\s*(Permanent)?MACAddress\\s*=");
        scan(scanned, bad, tree.list("/etc/netplan", "*.yaml"), "^\\s*macaddress\\s*:");
        List<String> eni = new ArrayList<>(List.of("/etc/network/interfaces"));
        eni.addAll(tree.list("/etc/network/interfaces.d", "*"));
        scan(scanned, bad, eni.stream().filter(tree::isFile).toList(), "^\\s*hwaddress\\s");
        if (!bad.isEmpty()) {
            return fail(id, title, bad);
        }
        return pass(
                id,
                title,
                List.of(Evidence.of(
                        scanned.isEmpty() ? "/etc" : String.join(", ", scanned),
                        scanned.isEmpty()
                                ? "no ifcfg, networkd, netplan or ifupdown files"
                                : "no HWADDR/MACAddress/macaddress")));
    }

    private void scan(List<String> scanned, List<Evidence> bad, List<String> files, String regex) {
        Pattern p = Pattern.compile(regex);
        for (String file : files) {
            scanned.add(file);
            List<String> lines = tree.lines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (p.matcher(lines.get(i)).find()) {
                    bad.add(Evidence.at(file, i + 1, lines.get(i).strip()));
                }
            }
        }
    }

    RuleResult dhcpAllInterfaces() {
        String id = "dhcp-all-interfaces";
        String title = "every interface is configured by DHCP, whatever its name or MAC";
        List<Evidence> ev = new ArrayList<>();
        // systemd-networkd: a .network file matching every interface with DHCP on.
        List<Evidence> networkd = facts.enabledBy("systemd-networkd.service");
        for (String file : tree.list("/etc/systemd/network", "*.network")) {
            Optional<Evidence> all = networkdMatchesAll(file);
            if (all.isPresent()) {
                if (networkd.isEmpty()) {
                    ev.add(Evidence.of(file, "matches every interface, but systemd-networkd.service is not enabled"));
                    continue;
                }
                return pass(id, title, List.of(all.get(), networkd.get(0)));
            }
        }
        // netplan: a match-all ethernet with dhcp4.
        for (String file : tree.list("/etc/netplan", "*.yaml")) {
            int match = facts.lineOf(file, "name:\\s*[\"']?(\\*|e\\*|en\\*)[\"']?\\s*$");
            int dhcp = facts.lineOf(file, "dhcp4:\\s*(true|yes)");
            if (match > 0 && dhcp > 0) {
                return pass(
                        id,
                        title,
                        List.of(
                                Evidence.at(
                                        file,
                                        match,
                                        tree.lines(file).get(match - 1).strip()),
                                Evidence.at(
                                        file,
                                        dhcp,
                                        tree.lines(file).get(dhcp - 1).strip())));
            }
        }
        // DIB's udev-driven dhcp-all-interfaces (ifupdown).
        String udev = "/etc/udev/rules.d/99-dhcp-all-interfaces.rules";
        if (tree.isFile(udev)) {
            return pass(
                    id,
                    title,
                    List.of(Evidence.of(udev, "every interface gets a DHCP ifupdown stanza when it appears")));
        }
        // NetworkManager brings up every wired interface with DHCP by default.
        List<Evidence> nm = facts.enabledBy("NetworkManager.service");
        if (!nm.isEmpty()) {
            return pass(
                    id, title, List.of(nm.get(0).withText("NetworkManager enabled: DHCP on every wired interface")));
        }
        if (ev.isEmpty()) {
            ev.add(Evidence.of("/etc/systemd/network", "no .network file matching every interface with DHCP"));
            ev.add(Evidence.of("/etc/netplan", "no match-all dhcp4 configuration"));
            List<String> eni = tree.lines("/etc/network/interfaces");
            for (int i = 0; i < eni.size(); i++) {
                if (eni.get(i).matches("^\\s*iface\\s+\\S+\\s+inet\\s+dhcp.*")
                        && !eni.get(i).contains(" lo ")) {
                    ev.add(Evidence.at(
                            "/etc/network/interfaces", i + 1, eni.get(i).strip() + " (one named interface only)"));
                }
            }
        }
        return fail(id, title, ev);
    }

    /** The [Match] of a networkd file matches every (Ethernet) interface and its [Network] has DHCP on. */
    private Optional<Evidence> networkdMatchesAll(String file) {
        List<String> lines = tree.lines(file);
        String section = "";
        boolean restricted = false;
        int matchLine = 0;
        int dhcpLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("[")) {
                section = line;
                if (line.equals("[Match]")) {
                    matchLine = i + 1;
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq < 0) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (section.equals("[Match]")) {
                switch (key) {
                    case "Name" -> {
                        for (String glob : value.split("\\s+")) {
                            if (!glob.startsWith("!") && !glob.endsWith("*")) {
                                restricted = true;
                            }
                        }
                    }
                    case "Type", "Kind" -> {
                        if (!value.equals("ether")) {
                            restricted = true;
                        }
                    }
                    default -> restricted = true; // MACAddress, Path, Driver, Host...: a particular interface
                }
            } else if (section.equals("[Network]")
                    && key.equals("DHCP")
                    && List.of("yes", "true", "ipv4", "on", "1").contains(value.toLowerCase(Locale.ROOT))) {
                dhcpLine = i + 1;
            }
        }
        if (restricted || dhcpLine == 0) {
            return Optional.empty();
        }
        return Optional.of(Evidence.at(
                file,
                matchLine > 0 ? matchLine : dhcpLine,
                "matches every interface; " + lines.get(dhcpLine - 1).strip()));
    }

    // ---- sshd, without host keys

    RuleResult sshdEnabled() {
        String id = "sshd-enabled";
        String title = "sshd installed and enabled at boot";
        Optional<Evidence> installed = facts.installed("openssh-server", "/usr/sbin/sshd");
        if (installed.isEmpty()) {
            return fail(id, title, List.of(Evidence.of(ImageFacts.DPKG_STATUS, "openssh-server is not installed")));
        }
        List<Evidence> ev = new ArrayList<>(List.of(installed.get()));
        List<Evidence> enabled = new ArrayList<>();
        for (String unit : List.of("ssh.service", "sshd.service", "ssh.socket", "sshd.socket")) {
            enabled.addAll(facts.enabledBy(unit));
        }
        if (enabled.isEmpty()) {
            ev.add(Evidence.of("/etc/systemd/system", "no *.wants link to ssh.service, sshd.service or ssh.socket"));
            return fail(id, title, ev);
        }
        ev.add(enabled.get(0));
        return pass(id, title, ev);
    }

    RuleResult noSshHostKeys() {
        String id = "no-ssh-host-keys";
        String title = "no ssh host keys in the image (made per instance at boot)";
        List<String> keys = tree.list("/etc/ssh", "ssh_host_*key");
        if (keys.isEmpty()) {
            return pass(id, title, List.of(Evidence.of("/etc/ssh", "no ssh_host_*key files")));
        }
        return fail(
                id,
                title,
                keys.stream()
                        .map(k -> Evidence.of(k, "host key shipped in the image: every instance" + " would share it"))
                        .toList());
    }

    RuleResult noVirtualConsoles() {
        String id = "no-virtual-consoles";
        String title = "no login prompts on virtual consoles (an ssh-only image needs none)";
        List<Evidence> bad = new ArrayList<>();
        for (String wants :
                List.of("/etc/systemd/system/getty.target.wants", "/etc/systemd/system/multi-user.target.wants")) {
            for (String unit : tree.list(wants, "getty@tty*.service")) {
                bad.add(Evidence.of(
                        unit, "a getty on " + unit.replaceAll(".*getty@(tty\\w+)\\.service$", "$1") + " is enabled"));
            }
        }
        Setting autoVts = null;
        List<String> logind = new ArrayList<>(List.of("/etc/systemd/logind.conf"));
        logind.addAll(tree.list("/etc/systemd/logind.conf.d", "*.conf"));
        for (String file : logind) {
            Setting s = facts.shellAssignments(file).get("NAutoVTs");
            if (s != null) {
                autoVts = s;
            }
        }
        if (autoVts == null || !autoVts.value().toString().equals("0")) {
            bad.add(
                    autoVts != null
                            ? autoVts.evidence(
                                    "NAutoVTs=" + autoVts.value() + ": logind starts gettys on" + " virtual consoles")
                            : Evidence.of(
                                    "/etc/systemd/logind.conf",
                                    "NAutoVTs not set: logind starts" + " up to 6 gettys on virtual consoles"));
        }
        if (!bad.isEmpty()) {
            return fail(id, title, bad);
        }
        return pass(
                id,
                title,
                List.of(
                        autoVts.evidence("NAutoVTs=0"),
                        Evidence.of("/etc/systemd/system/getty.target.wants", "no getty@tty*.service enabled")));
    }

    // ---- no firewall

    RuleResult noFirewall() {
        String id = "no-firewall";
        String title = "no host firewall enabled (clouds use security groups)";
        List<Evidence> bad = new ArrayList<>();
        for (String unit : FIREWALLS) {
            for (Evidence e : facts.enabledBy(unit)) {
                bad.add(e.withText(unit + " is enabled " + e.text()));
            }
        }
        Map<String, Setting> ufw = facts.shellAssignments("/etc/ufw/ufw.conf");
        Setting enabled = ufw.get("ENABLED");
        if (enabled != null
                && enabled.value().equals("yes")
                && facts.masked("ufw.service").isEmpty()
                && !facts.enabledBy("ufw.service").isEmpty()) {
            bad.add(enabled.evidence("ENABLED=yes"));
        }
        if (!bad.isEmpty()) {
            return fail(id, title, bad);
        }
        return pass(
                id,
                title,
                List.of(Evidence.of("/etc/systemd/system", "none of " + String.join(", ", FIREWALLS) + " is enabled")));
    }

    // ---- cloud-init, keys only, root locked, a default user

    RuleResult cloudInitInstalled() {
        String id = "cloud-init-installed";
        String title = "cloud-init installed";
        return facts.installed("cloud-init", "/usr/bin/cloud-init")
                .map(e -> pass(id, title, List.of(e)))
                .orElseGet(() ->
                        fail(id, title, List.of(Evidence.of(ImageFacts.DPKG_STATUS, "cloud-init is not installed"))));
    }

    RuleResult sshPasswordAuthOff() {
        String id = "ssh-password-auth-off";
        String title = "ssh password logins disabled";
        if (facts.installed("openssh-server", "/usr/sbin/sshd").isEmpty()) {
            return notApplicable(id, title, List.of(Evidence.of(ImageFacts.DPKG_STATUS, "no sshd in the image")));
        }
        Optional<Setting> sshd = facts.sshdSetting("PasswordAuthentication");
        if (sshd.isPresent() && sshd.get().value().toString().equalsIgnoreCase("no")) {
            return pass(id, title, List.of(sshd.get().evidence("PasswordAuthentication no")));
        }
        Optional<Setting> pwauth =
                facts.installed("cloud-init", "/usr/bin/cloud-init").isPresent()
                        ? facts.cloudSetting("ssh_pwauth")
                        : Optional.empty();
        if (pwauth.isPresent() && ImageFacts.yamlFalse(pwauth.get().value())) {
            return pass(
                    id,
                    title,
                    List.of(pwauth.get()
                            .evidence("ssh_pwauth: " + pwauth.get().value()
                                    + " (cloud-init sets PasswordAuthentication no at first boot)")));
        }
        List<Evidence> ev = new ArrayList<>();
        ev.add(sshd.map(s -> s.evidence("PasswordAuthentication " + s.value()))
                .orElse(Evidence.of("/etc/ssh/sshd_config", "PasswordAuthentication not set: sshd allows passwords")));
        pwauth.ifPresent(s -> ev.add(s.evidence("ssh_pwauth: " + s.value())));
        return fail(id, title, ev);
    }

    RuleResult rootLocked() {
        String id = "root-locked";
        String title = "root password locked";
        List<String> shadow = tree.lines("/etc/shadow");
        for (int i = 0; i < shadow.size(); i++) {
            String[] f = shadow.get(i).split(":", -1);
            if (f[0].equals("root") && f.length > 1) {
                String pw = f[1];
                if (pw.startsWith("*") || pw.startsWith("!")) {
                    return pass(
                            id,
                            title,
                            List.of(Evidence.at(
                                    "/etc/shadow",
                                    i + 1,
                                    "root:" + (pw.length() <= 2 ? pw : pw.substring(0, 1) + "...") + ": (locked)")));
                }
                return fail(
                        id,
                        title,
                        List.of(Evidence.at(
                                "/etc/shadow",
                                i + 1,
                                pw.isEmpty() ? "root has an empty password" : "root has a usable password hash")));
            }
        }
        return fail(id, title, List.of(Evidence.of("/etc/shadow", "no root entry")));
    }

    RuleResult defaultUser() {
        String id = "default-user";
        String title = "a default user is configured for the instance's keys";
        if (facts.installed("cloud-init", "/usr/bin/cloud-init").isEmpty()) {
            return fail(
                    id,
                    title,
                    List.of(Evidence.of(
                            ImageFacts.DPKG_STATUS,
                            "cloud-init is not installed: nothing gives a user the instance's keys")));
        }
        List<Evidence> ev = new ArrayList<>();
        Optional<Setting> users = facts.cloudSetting("users");
        if (users.isPresent() && users.get().value() instanceof List<?> list && !list.contains("default")) {
            ev.add(users.get().evidence("users: does not include 'default'"));
        }
        Setting found = null;
        for (String file : facts.cloudConfigFiles()) {
            if (facts.yaml(file).get("system_info") instanceof Map<?, ?> si
                    && si.get("default_user") instanceof Map<?, ?> du
                    && du.get("name") != null) {
                found = new Setting(
                        file,
                        facts.lineOf(
                                file,
                                "^\\s+name\\s*:\\s*"
                                        + Pattern.quote(du.get("name").toString())),
                        du.get("name"));
            }
        }
        if (found != null && ev.isEmpty()) {
            return pass(id, title, List.of(found.evidence("system_info.default_user.name: " + found.value())));
        }
        if (found == null) {
            ev.add(Evidence.of("/etc/cloud/cloud.cfg", "no system_info.default_user.name"));
        }
        return fail(id, title, ev);
    }

    // ---- cloud-init runs at boot

    RuleResult cloudInitServices() {
        String id = "cloud-init-services";
        String title = "cloud-init services enabled (user data and metadata are read at boot)";
        if (facts.installed("cloud-init", "/usr/bin/cloud-init").isEmpty()) {
            return fail(id, title, List.of(Evidence.of(ImageFacts.DPKG_STATUS, "cloud-init is not installed")));
        }
        List<Evidence> ev = new ArrayList<>();
        boolean ok = true;
        for (List<String> names : CLOUD_INIT_UNITS) {
            List<Evidence> by = names.stream()
                    .map(facts::enabledBy)
                    .filter(found -> !found.isEmpty())
                    .findFirst()
                    .orElse(List.of());
            if (by.isEmpty()) {
                ev.add(Evidence.of("/etc/systemd/system", String.join(" or ", names) + " is not enabled"));
                ok = false;
            } else {
                ev.add(by.get(0));
            }
        }
        if (tree.entryExists("/etc/cloud/cloud-init.disabled")) {
            ev.add(Evidence.of("/etc/cloud/cloud-init.disabled", "present: cloud-init will not run"));
            ok = false;
        }
        return of(ok, id, title, ev);
    }

    // ---- serial console

    /** {@code console=PORT} with its options, not {@code xconsole=} or a longer port name. */
    static Pattern console(String port) {
        return console(List.of(port));
    }

    /** {@code console=} any of {@code ports}. */
    static Pattern console(List<String> ports) {
        String names = ports.stream().map(Pattern::quote).collect(Collectors.joining("|"));
        return Pattern.compile("(?<![\\w-])console=(?:" + names + ")(?![\\w])[^\\s\"]*");
    }

    RuleResult serialConsole() {
        String id = "serial-console";
        String title = "the serial console (console=ttyS0; ttyAMA0 on arm) on the kernel command line (grub.cfg, from"
                + " /etc/default/grub)";
        List<Evidence> ev = new ArrayList<>();
        // The port is the architecture's: ttyS0 on x86, ttyAMA0 on arm64/armhf (QEMU's virt), hvc0, ttysclp0.
        Optional<ImageFacts.Arch> arch = facts.architecture();
        Architecture architecture = arch.map(ImageFacts.Arch::architecture).orElse(Architecture.AMD64);
        String port = architecture.serialConsole();
        Pattern consolePattern = console(architecture.serialConsoleNames());
        Evidence architectureEvidence = arch.map(
                        a -> a.evidence().withText(a.evidence().text() + ": its serial console is " + port))
                .orElse(Evidence.of("/bin/sh", "architecture unknown (no ELF program, no dpkg): expecting " + port));
        String grubCfg = Stream.of("/boot/grub/grub.cfg", "/boot/grub2/grub.cfg")
                .filter(tree::isFile)
                .findFirst()
                .orElse(null);
        // s390x: zipl has no generated file; its zipl.conf is both the boot configuration and its source.
        if (grubCfg == null && tree.isFile(ZIPL_CONF)) {
            Evidence parameters = consoleOnLine(ZIPL_CONF, "parameters", consolePattern, " in zipl's parameters");
            ev.add(parameters != null ? parameters : Evidence.of(ZIPL_CONF, "no parameters line with console=" + port));
            ev.add(architectureEvidence);
            return of(parameters != null, id, title, ev);
        }
        Evidence cfg = grubCfg == null ? null : consoleOnLine(grubCfg, "linux", consolePattern, " on the kernel line");
        if (cfg != null) {
            ev.add(cfg);
        } else {
            ev.add(Evidence.of(
                    grubCfg != null ? grubCfg : "/boot/grub/grub.cfg",
                    grubCfg == null ? "absent" : "no kernel line with console=" + port));
        }
        Evidence source = null;
        List<String> defaults = new ArrayList<>(List.of("/etc/default/grub"));
        defaults.addAll(tree.list("/etc/default/grub.d", "*.cfg"));
        for (String file : defaults) {
            for (Map.Entry<String, Setting> e : facts.shellAssignments(file).entrySet()) {
                if (e.getKey().startsWith("GRUB_CMDLINE_LINUX")) {
                    Matcher m = consolePattern.matcher(e.getValue().value().toString());
                    if (m.find()) {
                        source = e.getValue().evidence(e.getKey() + " has " + m.group());
                    }
                }
            }
        }
        if (source != null) {
            ev.add(source);
        } else {
            ev.add(Evidence.of(
                    "/etc/default/grub",
                    "no GRUB_CMDLINE_LINUX with console=" + port
                            + " (here or in grub.d): grub-mkconfig would drop it"));
        }
        ev.add(architectureEvidence);
        return of(cfg != null && source != null, id, title, ev);
    }

    private static final String ZIPL_CONF = "/etc/zipl.conf";

    /** The first line of {@code file} that starts with {@code prefix} and has a console, or null. */
    private Evidence consoleOnLine(String file, String prefix, Pattern consolePattern, String where) {
        List<String> lines = tree.lines(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            Matcher m = consolePattern.matcher(l);
            if (l.startsWith(prefix) && m.find()) {
                return Evidence.at(file, i + 1, m.group() + where);
            }
        }
        return null;
    }

    // ---- compressed copy-on-write, trimmed

    RuleResult compressedImage() {
        String id = "compressed-image";
        String title = "compressed copy-on-write format (qcow2 -c)";
        String tool = "qemu-img check";
        switch (disk.format()) {
            case "qcow2" -> {
                DiskFacts.Qcow2Clusters c = disk.qcow2();
                if (c == null) {
                    return fail(id, title, List.of(Evidence.of(tool, "cluster counts unavailable")));
                }
                String text = c.compressed() + " of " + c.allocated() + " allocated clusters compressed";
                // qemu-img convert -c leaves clusters that do not shrink uncompressed; most must be compressed.
                return of(
                        c.allocated() == 0 || c.compressed() * 2 >= c.allocated(),
                        id,
                        title,
                        List.of(Evidence.of(tool, text)));
            }
            case "raw" -> {
                return fail(
                        id,
                        title,
                        List.of(Evidence.of(
                                "qemu-img info",
                                "format raw: neither copy-on-write nor"
                                        + " compressed; convert with qemu-img convert -c -O qcow2")));
            }
            default -> {
                return notApplicable(
                        id,
                        title,
                        List.of(Evidence.of(
                                "qemu-img info",
                                "format " + disk.format()
                                        + ": made for a particular hypervisor, whose format rules apply")));
            }
        }
    }

    RuleResult trimmed() {
        String id = "trimmed";
        String title = "free space trimmed (allocated data close to what the filesystems use)";
        if (disk.allocatedBytes() < 0 || disk.usedBytes() < 0) {
            return notApplicable(id, title, List.of(Evidence.of("qemu-img map", "allocation unknown")));
        }
        long slack = disk.usedBytes() / 10 + 64L * 1024 * 1024;
        String text = String.format(
                "%d MiB of data allocated; filesystems use %d MiB",
                disk.allocatedBytes() >> 20, disk.usedBytes() >> 20);
        return of(
                disk.allocatedBytes() <= disk.usedBytes() + slack,
                id,
                title,
                List.of(Evidence.of("qemu-img map", text)));
    }

    // ---- datasource_list

    RuleResult datasourceList() {
        String id = "datasource-list";
        String title = "cloud-init datasource_list set in /etc/cloud/cloud.cfg.d";
        if (facts.installed("cloud-init", "/usr/bin/cloud-init").isEmpty()) {
            return fail(id, title, List.of(Evidence.of(ImageFacts.DPKG_STATUS, "cloud-init is not installed")));
        }
        Setting found = null;
        for (String file : tree.list("/etc/cloud/cloud.cfg.d", "*.cfg")) {
            Object v = facts.yaml(file).get("datasource_list");
            if (v != null) {
                found = new Setting(file, facts.lineOf(file, "^datasource_list\\s*:"), v);
            }
        }
        if (found == null) {
            return fail(
                    id,
                    title,
                    List.of(Evidence.of(
                            "/etc/cloud/cloud.cfg.d",
                            "no datasource_list: cloud-init" + " probes every data source at first boot")));
        }
        if (!(found.value() instanceof List<?> l) || l.isEmpty()) {
            return fail(id, title, List.of(found.evidence("datasource_list is empty or not a list")));
        }
        return pass(id, title, List.of(found.evidence("datasource_list: " + found.value())));
    }
}
