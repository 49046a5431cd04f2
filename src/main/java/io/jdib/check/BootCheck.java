package io.jdib.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.check.RuleResult.Evidence;
import io.jdib.check.RuleResult.Outcome;
import io.jdib.event.EventSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Tools;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Proves an image cloud-ready by booting it as a cloud would: a copy-on-write overlay on a larger
 * disk, an {@link Instance} (a hostname, an ssh key it just generated, a user-data script that leaves
 * a marker) handed over the way one {@link Datasource} does it (a NoCloud seed, a config drive, a
 * metadata service at 169.254.169.254, an OpenNebula context CD), and user-mode networking forwarding
 * a local port to the guest's ssh. Then it logs in with that key and checks what cloud-init should
 * have done. The image is never written.
 */
public final class BootCheck {
    /** Rule ids, in report order. */
    public static final List<String> RULES = List.of(
            "boot-login",
            "boot-ssh",
            "boot-datasource",
            "boot-hostname",
            "boot-user-data",
            "boot-growroot",
            "boot-ssh-host-keys",
            "boot-serial-log");
    /** Added for the metadata-service data sources: what the guest asked 169.254.169.254 for. */
    public static final String METADATA_RULE = "boot-metadata";
    /**
     * Added for OpenNebula (advice): whether the context's START_SCRIPT ran. cloud-init's OpenNebula data
     * source runs USER_DATA and only passes START_SCRIPT on as metadata; OpenNebula's one-context runs it.
     */
    public static final String START_SCRIPT_RULE = "boot-start-script";
    /** One boot per check: the image on a disk of exactly its own size, as built. */
    public static final String BUILT_SIZE_RULE = "boot-built-size";

    private static final long GROW_BYTES = 2L << 30;
    private static final String USER = "jdibcheck";
    private static final Duration SSH_WAIT = Duration.ofMinutes(4);

    private final Path scratch;
    private final Ledger ledger;
    private final EventSink events;

    /** {@code scratch} is a private, empty directory; {@code ledger} records QEMU while it runs. */
    public BootCheck(Path scratch, Ledger ledger, EventSink events) {
        this.scratch = scratch;
        this.ledger = ledger;
        this.events = events;
    }

    /** One boot with one data source: its rules, how long it took, and what the guest asked the metadata service. */
    public record Run(
            Datasource datasource,
            List<RuleResult> results,
            double loginSeconds,
            double seconds,
            List<MetadataServer.Request> requests) {
        public Run {
            results = List.copyOf(results);
            requests = List.copyOf(requests);
        }

        /** Every required rule passed (advice, such as {@value #START_SCRIPT_RULE}, may fail). */
        public boolean passed() {
            return results.stream().noneMatch(r -> r.required() && r.outcome() != Outcome.PASS);
        }
    }

    /**
     * Boots {@code image} once, handing the guest its instance data the way {@code datasource} does;
     * {@code arch} picks the emulator and firmware (null: this host's).
     */
    public Run check(
            Path image,
            Datasource datasource,
            boolean uefi,
            io.jdib.sys.Architecture arch,
            Duration bootTimeout,
            Path consoleLog) {
        for (String tool : List.of("ssh", "ssh-keygen", "ssh-keyscan", "qemu-img")) {
            Tools.require(tool);
        }
        long start = System.nanoTime();
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String hostname = "jdib-check-" + id;
        String marker = "jdib-check-marker-" + id;
        try {
            Path dir = Files.createDirectories(scratch.resolve(datasource.id()));
            Path key = dir.resolve("id_ed25519");
            Exec.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "jdib-check", "-f", key.toString());
            String publicKey = Files.readString(dir.resolve("id_ed25519.pub")).strip();
            String mac = datasource == Datasource.OPENNEBULA ? OPENNEBULA_MAC : DEFAULT_MAC;
            Instance instance = new Instance(id, hostname, publicKey, userData(publicKey, marker), mac);
            Image disk = overlay(image, dir);
            int port = freePort();
            Provision provision = provision(datasource, instance, dir, port);
            try {
                BootRequest request = BootRequest.ofImage(disk.overlay())
                        .withUefi(uefi)
                        .withArch(arch)
                        .withTimeout(bootTimeout)
                        .withConsoleLog(consoleLog != null ? consoleLog : dir.resolve("console.log"))
                        .withExtraQemuArgs(provision.qemuArgs());
                Map<String, String> facts = new HashMap<>();
                List<Evidence> sshEvidence = new ArrayList<>();
                BootResult booted =
                        new QemuBoot(events, ledger).boot(request, up -> facts.putAll(probe(port, key, sshEvidence)));
                List<MetadataServer.Request> requests = provision.server() == null
                        ? List.of()
                        : provision.server().requests();
                List<RuleResult> results =
                        rules(booted, facts, sshEvidence, hostname, marker, disk, datasource, requests, request.arch());
                return new Run(
                        datasource,
                        results,
                        booted.matched() ? booted.seconds() : -1,
                        (System.nanoTime() - start) / 1e9,
                        requests);
            } finally {
                if (provision.server() != null) {
                    provision.server().close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The boot on a disk of the image's own size: its rule and the seconds to the login prompt (-1: none). */
    public record BuiltSize(RuleResult result, double loginSeconds) {}

    /**
     * Boots {@code image} itself (snapshot: never written), so the guest's disk is exactly the size the
     * image was built at, with no data source, and waits for the login prompt: the guides ask that an
     * image boot at its built size as well as on a larger disk. Passes on a login prompt with no
     * "No space left on device" on the console.
     */
    public BuiltSize builtSize(
            Path image, boolean uefi, io.jdib.sys.Architecture arch, Duration bootTimeout, Path consoleLog) {
        try {
            Path dir = Files.createDirectories(scratch.resolve("built-size"));
            long bytes = virtualSize(image);
            BootRequest request = BootRequest.ofImage(image)
                    .withUefi(uefi)
                    .withArch(arch)
                    .withTimeout(bootTimeout)
                    .withConsoleLog(consoleLog != null ? consoleLog : dir.resolve("console.log"));
            BootResult booted = new QemuBoot(events, ledger).boot(request);
            String console = new String(Files.readAllBytes(booted.consoleLog()), StandardCharsets.ISO_8859_1);
            boolean full = console.contains("No space left on device");
            List<Evidence> ev = new ArrayList<>();
            ev.add(Evidence.of(
                    "serial console",
                    booted.matched()
                            ? String.format(
                                    "'%s' after %.1f s on a disk of %d bytes (%d MiB), the image's own size",
                                    booted.matchedLine().strip(), booted.seconds(), bytes, bytes >> 20)
                            : booted.outcome() + " on a disk of " + bytes + " bytes; last lines: "
                                    + String.join(" | ", booted.lastLines())));
            if (full) {
                ev.add(Evidence.of("serial console", "'No space left on device' while booting at the built size"));
            }
            RuleResult result =
                    rule(BUILT_SIZE_RULE, "boots on a disk of exactly its built size", booted.matched() && !full, ev);
            return new BuiltSize(result, booted.matched() ? booted.seconds() : -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long virtualSize(Path image) {
        try {
            return new ObjectMapper()
                    .readTree(Exec.check("qemu-img", "info", "-U", "--output=json", image.toString()))
                    .path("virtual-size")
                    .asLong();
        } catch (IOException e) {
            throw new UserError("cannot read " + image + " with qemu-img: " + e.getMessage());
        }
    }

    private static final String DEFAULT_MAC = "52:54:00:12:34:56";
    /** OpenNebula derives a card's address from its MAC: 02:00 then the IPv4 bytes (10.0.2.15, QEMU's first lease). */
    private static final String OPENNEBULA_MAC = "02:00:0a:00:02:0f";

    private static final String METADATA_NET = "169.254.0.0/16";

    /** What QEMU is given for one data source, and the metadata service when there is one. */
    record Provision(List<String> qemuArgs, MetadataServer server) {}

    private Provision provision(Datasource datasource, Instance instance, Path dir, int sshPort) throws IOException {
        String nic = "user,model=virtio-net-pci,mac=" + instance.mac() + ",hostfwd=tcp:127.0.0.1:" + sshPort + "-:22";
        List<String> args = new ArrayList<>();
        MetadataServer server = null;
        switch (datasource) {
            case NOCLOUD -> args.addAll(drive(noCloudSeed(instance, dir)));
            case CONFIGDRIVE -> args.addAll(drive(configDrive(instance, dir)));
            case OPENNEBULA -> args.addAll(drive(contextCd(instance, dir)));
            case OPENSTACK_METADATA, EC2_METADATA -> {
                Tools.require("socat");
                server = MetadataServer.start(instance);
                // QEMU only forwards to addresses inside the guest's network, so the network is link-local;
                // each connection to 169.254.169.254:80 becomes a socat to the server on the host.
                nic += ",net=" + METADATA_NET + ",guestfwd=tcp:169.254.169.254:80-cmd:socat - TCP:127.0.0.1:"
                        + server.port();
                if (datasource == Datasource.OPENSTACK_METADATA) {
                    args.addAll(List.of("-smbios", "type=1,manufacturer=OpenStack Foundation,product=OpenStack Nova"));
                } else {
                    String uuid = "ec2" + instance.uuid().substring(3);
                    args.addAll(List.of(
                            "-smbios",
                            "type=1,manufacturer=Amazon EC2,product=t3.small,serial=" + uuid + ",uuid=" + uuid));
                }
            }
            default -> throw new IllegalStateException(datasource.id());
        }
        args.addAll(0, List.of("-nic", nic));
        return new Provision(args, server);
    }

    private static List<String> drive(Path file) {
        return List.of("-drive", "file=" + QemuBoot.escape(file.toString()) + ",format=raw,if=virtio,readonly=on");
    }

    private static String userData(String publicKey, String marker) {
        return String.join(
                "\n",
                "#cloud-config",
                "users:",
                "  - default",
                "  - name: " + USER,
                "    shell: /bin/bash",
                "    lock_passwd: true",
                "    ssh_authorized_keys:",
                "      - " + publicKey,
                "runcmd:",
                "  - [ sh, -c, 'echo " + marker + " > /var/tmp/jdib-check-marker' ]",
                "");
    }

    /** A NoCloud seed: a small vfat filesystem labelled CIDATA holding meta-data and user-data. */
    private static Path noCloudSeed(Instance instance, Path dir) throws IOException {
        Tools.require("mkfs.vfat");
        Tools.require("mcopy");
        Path metaData = Files.writeString(
                dir.resolve("meta-data"),
                "instance-id: jdib-check-" + instance.id() + "\nlocal-hostname: " + instance.hostname() + "\n");
        Path userData = Files.writeString(dir.resolve("user-data"), instance.userData());
        Path seed = dir.resolve("seed.img");
        // mkfs.vfat -C makes the file; mtools fills it, since the host kernel may not mount vfat.
        Exec.check("mkfs.vfat", "-n", "CIDATA", "-C", seed.toString(), "2048");
        Exec.check(Exec.Command.of("mcopy", "-i", seed.toString(), metaData.toString(), userData.toString(), "::/")
                .withEnv(Map.of("MTOOLS_SKIP_CHECK", "1")));
        return seed;
    }

    /** OpenStack's config drive: ISO 9660 labelled config-2 (xorriso writes it; no mount needed). */
    private static Path configDrive(Instance instance, Path dir) throws IOException {
        Path tree = dir.resolve("config-drive");
        Path latest = Files.createDirectories(tree.resolve("openstack/latest"));
        Files.writeString(latest.resolve("meta_data.json"), instance.openStackMetaData());
        Files.writeString(latest.resolve("user_data"), instance.userData());
        Files.writeString(latest.resolve("network_data.json"), instance.openStackNetworkData());
        Files.writeString(latest.resolve("vendor_data.json"), "{}\n");
        return iso(tree, "config-2", dir.resolve("config-drive.iso"));
    }

    /** OpenNebula's context CD: ISO 9660 labelled CONTEXT holding context.sh. */
    private static Path contextCd(Instance instance, Path dir) throws IOException {
        Path tree = Files.createDirectories(dir.resolve("context"));
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        String startScript = "#!/bin/sh\necho " + instance.hostname() + " > /var/tmp/jdib-check-start-script\n";
        Files.writeString(
                tree.resolve("context.sh"),
                String.join(
                        "\n",
                        "# Context variables generated by jdib check --boot",
                        "DISK_ID='1'",
                        "ETH0_MAC='" + instance.mac() + "'",
                        "NETWORK='YES'",
                        "SET_HOSTNAME='" + instance.hostname() + "'",
                        "SSH_PUBLIC_KEY='" + instance.publicKey() + "'",
                        "START_SCRIPT_BASE64='" + b64.encodeToString(startScript.getBytes(StandardCharsets.UTF_8))
                                + "'",
                        "USER_DATA='" + b64.encodeToString(instance.userData().getBytes(StandardCharsets.UTF_8)) + "'",
                        "USERDATA_ENCODING='base64'",
                        ""));
        return iso(tree, "CONTEXT", dir.resolve("context.iso"));
    }

    private static Path iso(Path tree, String label, Path iso) {
        Tools.require("xorriso");
        Exec.check(
                "xorriso", "-as", "mkisofs", "-quiet", "-V", label, "-J", "-r", "-o", iso.toString(), tree.toString());
        return iso;
    }

    /** The image as QEMU sees it, behind a qcow2 overlay 2 GiB larger, so growroot has room. */
    record Image(Path overlay, long originalBytes, long overlayBytes, String format) {}

    private Image overlay(Path image, Path dir) {
        JsonNode info;
        try {
            info = new ObjectMapper().readTree(Exec.check("qemu-img", "info", "--output=json", image.toString()));
        } catch (IOException e) {
            throw new UserError("cannot read " + image + " with qemu-img: " + e.getMessage());
        }
        String format = info.path("format").asText();
        long size = info.path("virtual-size").asLong();
        Path overlay = dir.resolve("overlay.qcow2");
        Exec.check(
                "qemu-img",
                "create",
                "-q",
                "-f",
                "qcow2",
                "-F",
                format,
                "-b",
                image.toAbsolutePath().toString(),
                overlay.toString(),
                Long.toString(size + GROW_BYTES));
        return new Image(overlay, size, size + GROW_BYTES, format);
    }

    /** Waits for ssh with the seeded key, lets cloud-init finish, and reads what the rules need. */
    private Map<String, String> probe(int port, Path key, List<Evidence> evidence) {
        String script = String.join(
                "; ",
                "cloud-init status --wait >/dev/null 2>&1 || true",
                "echo hostname=$(hostname)",
                "echo marker=$(cat /var/tmp/jdib-check-marker 2>/dev/null)",
                "echo rootsize=$(df -B1 --output=size / | tail -1)",
                "echo rootdev=$(findmnt -n -o SOURCE /)",
                "echo btime=$(awk '/^btime/ {print $2}' /proc/stat)",
                "echo hostkeys=$(stat -c '%n:%Y' /etc/ssh/ssh_host_*_key | tr '\\n' ' ')",
                "echo ds=$(grep -o '\"datasource\": *\"[^\"]*' /run/cloud-init/result.json | sed 's/.*\"//')",
                "echo startscript=$(cat /var/tmp/jdib-check-start-script 2>/dev/null)",
                // cloud-init keeps every context variable as metadata (readable, secrets redacted).
                "echo startmeta=$(grep -o 'START_SCRIPT[A-Z0-9_]*' /run/cloud-init/instance-data.json 2>/dev/null"
                        + " | sort -u | tr '\\n' ' ')");
        long start = System.nanoTime();
        long deadline = start + SSH_WAIT.toNanos();
        Exec.Result last = null;
        while (System.nanoTime() < deadline) {
            last = Exec.capture(Exec.Command.of(
                            "ssh",
                            "-i",
                            key.toString(),
                            "-p",
                            Integer.toString(port),
                            "-o",
                            "StrictHostKeyChecking=no",
                            "-o",
                            "UserKnownHostsFile=/dev/null",
                            "-o",
                            "BatchMode=yes",
                            "-o",
                            "ConnectTimeout=10",
                            "-o",
                            "LogLevel=ERROR",
                            USER + "@127.0.0.1",
                            script)
                    .timeout(Duration.ofMinutes(3)));
            if (last.ok()) {
                evidence.add(Evidence.of(
                        "ssh",
                        String.format(
                                "logged in as %s with the key from user-data after %.0f s",
                                USER, (System.nanoTime() - start) / 1e9)));
                Map<String, String> facts = new HashMap<>();
                for (String line : last.stdout().split("\n")) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        facts.put(line.substring(0, eq), line.substring(eq + 1).strip());
                    }
                }
                Exec.Result scan = Exec.capture(
                        Exec.Command.of("ssh-keyscan", "-p", Integer.toString(port), "-t", "ed25519", "127.0.0.1"));
                facts.put("keyscan", scan.stdout().strip());
                facts.put("ssh", "ok");
                return facts;
            }
            sleep();
        }
        evidence.add(Evidence.of(
                "ssh",
                "no login with the seeded key within " + SSH_WAIT.toSeconds() + " s"
                        + (last == null ? "" : ": " + String.join(" ", last.tail()))));
        return Map.of();
    }

    private List<RuleResult> rules(
            BootResult booted,
            Map<String, String> facts,
            List<Evidence> sshEvidence,
            String hostname,
            String marker,
            Image disk,
            Datasource datasource,
            List<MetadataServer.Request> requests,
            io.jdib.sys.Architecture arch)
            throws IOException {
        String at = ":" + datasource.id();
        List<RuleResult> results = new ArrayList<>();
        String console = new String(Files.readAllBytes(booted.consoleLog()), StandardCharsets.ISO_8859_1);
        results.add(rule(
                "boot-login" + at,
                "boots to a login prompt",
                booted.matched(),
                List.of(Evidence.of(
                        "serial console",
                        booted.matched()
                                ? String.format(
                                        "'%s' after %.1f s",
                                        booted.matchedLine().strip(), booted.seconds())
                                : booted.outcome() + "; last lines: " + String.join(" | ", booted.lastLines())))));
        boolean ssh = "ok".equals(facts.get("ssh"));
        results.add(rule("boot-ssh" + at, "sshd accepts the key handed over by " + datasource.id(), ssh, sshEvidence));
        if (!ssh) {
            for (String id : List.of(
                    "boot-datasource", "boot-hostname", "boot-user-data", "boot-growroot", "boot-ssh-host-keys")) {
                results.add(new RuleResult(
                        id + at, id, Outcome.FAIL, true, List.of(Evidence.of("ssh", "not checked: no ssh login"))));
            }
        } else {
            String found = facts.getOrDefault("ds", "");
            results.add(rule(
                    "boot-datasource" + at,
                    "cloud-init read its data from " + datasource.cloudInitName(),
                    found.startsWith("DataSource" + datasource.cloudInitName()),
                    List.of(Evidence.of(
                            "/run/cloud-init/result.json",
                            "datasource '" + found + "', expected DataSource" + datasource.cloudInitName()))));
            results.add(rule(
                    "boot-hostname" + at,
                    "hostname set from metadata",
                    hostname.equals(facts.get("hostname")),
                    List.of(Evidence.of(
                            "hostname", "'" + facts.get("hostname") + "', metadata said '" + hostname + "'"))));
            List<Evidence> userData = new ArrayList<>(List.of(Evidence.of(
                    "/var/tmp/jdib-check-marker", "'" + facts.get("marker") + "', expected '" + marker + "'")));
            results.add(
                    rule("boot-user-data" + at, "user-data script ran", marker.equals(facts.get("marker")), userData));
            long root = parseLong(facts.get("rootsize"));
            results.add(rule(
                    "boot-growroot" + at,
                    "root filesystem grew to the larger disk",
                    root > disk.originalBytes(),
                    List.of(Evidence.of(
                            "df /",
                            String.format(
                                    "%s is %d MiB on a %d MiB disk; the image was %d MiB",
                                    facts.get("rootdev"),
                                    root >> 20,
                                    disk.overlayBytes() >> 20,
                                    disk.originalBytes() >> 20)))));
            long btime = parseLong(facts.get("btime"));
            List<Evidence> keyEvidence = new ArrayList<>();
            boolean fresh = !facts.getOrDefault("hostkeys", "").isBlank();
            for (String entry : facts.getOrDefault("hostkeys", "").split("\\s+")) {
                int colon = entry.lastIndexOf(':');
                if (colon > 0) {
                    long made = parseLong(entry.substring(colon + 1));
                    fresh &= made >= btime;
                    keyEvidence.add(Evidence.of(entry.substring(0, colon), "made " + (made - btime) + " s after boot"));
                }
            }
            keyEvidence.add(
                    Evidence.of("ssh-keyscan", facts.getOrDefault("keyscan", "").replaceFirst("^\\S+ ", "")));
            results.add(rule(
                    "boot-ssh-host-keys" + at,
                    "ssh host keys made at this boot, so no two instances share" + " them",
                    fresh,
                    keyEvidence));
        }
        boolean kernelLog = console.contains("Linux version") && console.contains("Kernel command line");
        results.add(rule(
                "boot-serial-log" + at,
                "kernel boot messages on the serial console",
                kernelLog,
                List.of(Evidence.of(
                        booted.consoleLog().toString(),
                        kernelLog
                                ? "holds 'Linux version' and the kernel command line"
                                : "no kernel messages: is console=" + arch.serialConsole()
                                        + " on the kernel command line?"))));
        if (datasource == Datasource.OPENSTACK_METADATA || datasource == Datasource.EC2_METADATA) {
            results.add(metadataRule(at, datasource, requests));
        }
        if (datasource == Datasource.OPENNEBULA) {
            results.add(startScriptRule(at, facts, ssh));
        }
        return results;
    }

    /**
     * Whether the context CD's START_SCRIPT_BASE64 ran. OpenNebula users expect it to (OpenNebula's own
     * one-context packages run it at every boot); cloud-init's OpenNebula data source runs USER_DATA and
     * keeps every other context variable as metadata without running it. Advice, so the evidence tells a
     * user of a cloud-init image where the script went and how to hand it over instead.
     */
    static RuleResult startScriptRule(String at, Map<String, String> facts, boolean ssh) {
        String id = START_SCRIPT_RULE + at;
        String title = "OpenNebula's START_SCRIPT ran";
        if (!ssh) {
            return new RuleResult(
                    id, title, Outcome.FAIL, false, List.of(Evidence.of("ssh", "not checked: no ssh login")));
        }
        String ran = facts.getOrDefault("startscript", "");
        if (!ran.isEmpty()) {
            return new RuleResult(
                    id,
                    title,
                    Outcome.PASS,
                    false,
                    List.of(Evidence.of("/var/tmp/jdib-check-start-script", "START_SCRIPT_BASE64 ran: '" + ran + "'")));
        }
        String meta = facts.getOrDefault("startmeta", "").strip();
        List<Evidence> ev = new ArrayList<>();
        ev.add(Evidence.of(
                "/var/tmp/jdib-check-start-script",
                "absent: START_SCRIPT_BASE64 did not run; cloud-init's OpenNebula data source runs USER_DATA, and"
                        + " only OpenNebula's one-context packages run START_SCRIPT"));
        ev.add(Evidence.of(
                "/run/cloud-init/instance-data.json",
                meta.isEmpty()
                        ? "no START_SCRIPT variable among cloud-init's metadata"
                        : meta + " kept as metadata (ds.meta_data), not run"));
        ev.add(Evidence.of(
                "context.sh",
                "for a cloud-init image, give the script as USER_DATA (a #! script or #cloud-config runcmd,"
                        + " USERDATA_ENCODING=base64), as the user data of this boot was"));
        return new RuleResult(id, title, Outcome.FAIL, false, ev);
    }

    /** The guest fetched its key and its user data from the metadata service; the evidence lists what it asked. */
    private static RuleResult metadataRule(String at, Datasource datasource, List<MetadataServer.Request> requests) {
        boolean openstack = datasource == Datasource.OPENSTACK_METADATA;
        boolean key = requests.stream()
                .anyMatch(r -> r.status() == 200
                        && (openstack
                                ? r.path().matches("/openstack/[^/]+/meta_data\\.json")
                                : r.path().matches("/[^/]+/meta-data/public-keys/0/openssh-key")));
        boolean user = requests.stream()
                .anyMatch(r -> r.status() == 200
                        && (openstack
                                ? r.path().matches("/openstack/[^/]+/user_data")
                                : r.path().matches("/[^/]+/user-data")));
        List<Evidence> ev = new ArrayList<>();
        ev.add(Evidence.of(
                "metadata service",
                requests.size() + " requests; key " + (key ? "fetched" : "NOT fetched") + ", user data "
                        + (user ? "fetched" : "NOT fetched")));
        for (String line : summarize(requests)) {
            ev.add(Evidence.of("metadata service", line));
        }
        return rule("boot-metadata" + at, "the guest asked 169.254.169.254 for its key and user data", key && user, ev);
    }

    /** Each distinct request once, in first-asked order, with how often it came: {@code GET /path 200 (x3)}. */
    public static List<String> summarize(List<MetadataServer.Request> requests) {
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        for (MetadataServer.Request r : requests) {
            counts.merge(r.render(), 1, Integer::sum);
        }
        List<String> lines = new ArrayList<>();
        counts.forEach((line, n) -> lines.add(n > 1 ? line + " (x" + n + ")" : line));
        return lines;
    }

    private static RuleResult rule(String id, String title, boolean ok, List<Evidence> evidence) {
        return new RuleResult(id, title, ok ? Outcome.PASS : Outcome.FAIL, true, evidence);
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while waiting for ssh");
        }
    }
}
