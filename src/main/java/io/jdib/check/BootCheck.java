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
 * disk, a NoCloud seed jdib makes (a hostname, an ssh key it just generated, a user-data script that
 * leaves a marker), and user-mode networking forwarding a local port to the guest's ssh. Then it
 * logs in with that key and checks what cloud-init should have done. The image is never written.
 */
public final class BootCheck {
    /** Rule ids, in report order. */
    public static final List<String> RULES = List.of("boot-login", "boot-ssh", "boot-hostname", "boot-user-data",
            "boot-growroot", "boot-ssh-host-keys", "boot-serial-log");
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

    public List<RuleResult> check(Path image, boolean uefi, Duration bootTimeout, Path consoleLog) {
        return check(image, uefi, null, bootTimeout, consoleLog);
    }

    /** As {@link #check(Path, boolean, Duration, Path)} for a guest of {@code arch} (null: this host's). */
    public List<RuleResult> check(Path image, boolean uefi, io.jdib.sys.Architecture arch, Duration bootTimeout,
            Path consoleLog) {
        for (String tool : List.of("ssh", "ssh-keygen", "ssh-keyscan", "mkfs.vfat", "mcopy", "qemu-img")) {
            Tools.require(tool.startsWith("ssh") ? tool : tool);
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        String hostname = "jdib-check-" + id;
        String marker = "jdib-check-marker-" + id;
        try {
            Path key = scratch.resolve("id_ed25519");
            Exec.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "jdib-check", "-f", key.toString());
            String publicKey = Files.readString(scratch.resolve("id_ed25519.pub")).strip();
            Path seed = seed(hostname, marker, publicKey, id);
            Image disk = overlay(image);
            int port = freePort();
            BootRequest request = BootRequest.ofImage(disk.overlay()).withUefi(uefi).withArch(arch).withTimeout(bootTimeout)
                    .withConsoleLog(consoleLog != null ? consoleLog : scratch.resolve("console.log")).withSshForwardPort(port)
                    .withExtraQemuArgs(List.of("-drive", "file=" + seed + ",format=raw,if=virtio,readonly=on"));
            Map<String, String> facts = new HashMap<>();
            List<Evidence> sshEvidence = new ArrayList<>();
            BootResult booted = new QemuBoot(events, ledger).boot(request,
                    up -> facts.putAll(probe(port, key, sshEvidence)));
            return rules(booted, facts, sshEvidence, hostname, marker, disk, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A NoCloud seed: a small vfat filesystem labelled CIDATA holding meta-data and user-data. */
    private Path seed(String hostname, String marker, String publicKey, String id) throws IOException {
        Path metaData = Files.writeString(scratch.resolve("meta-data"),
                "instance-id: jdib-check-" + id + "\nlocal-hostname: " + hostname + "\n");
        Path userData = Files.writeString(scratch.resolve("user-data"), String.join("\n",
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
                ""));
        Path seed = scratch.resolve("seed.img");
        // mkfs.vfat -C makes the file; mtools fills it, since the host kernel may not mount vfat.
        Exec.check("mkfs.vfat", "-n", "CIDATA", "-C", seed.toString(), "2048");
        Exec.check(Exec.Command.of("mcopy", "-i", seed.toString(), metaData.toString(), userData.toString(), "::/")
                .withEnv(Map.of("MTOOLS_SKIP_CHECK", "1")));
        return seed;
    }

    /** The image as QEMU sees it, behind a qcow2 overlay 2 GiB larger, so growroot has room. */
    record Image(Path overlay, long originalBytes, long overlayBytes, String format) {}

    private Image overlay(Path image) {
        JsonNode info;
        try {
            info = new ObjectMapper().readTree(Exec.check("qemu-img", "info", "--output=json", image.toString()));
        } catch (IOException e) {
            throw new UserError("cannot read " + image + " with qemu-img: " + e.getMessage());
        }
        String format = info.path("format").asText();
        long size = info.path("virtual-size").asLong();
        Path overlay = scratch.resolve("overlay.qcow2");
        Exec.check("qemu-img", "create", "-q", "-f", "qcow2", "-F", format, "-b",
                image.toAbsolutePath().toString(), overlay.toString(), Long.toString(size + GROW_BYTES));
        return new Image(overlay, size, size + GROW_BYTES, format);
    }

    /** Waits for ssh with the seeded key, lets cloud-init finish, and reads what the rules need. */
    private Map<String, String> probe(int port, Path key, List<Evidence> evidence) {
        String script = String.join("; ",
                "cloud-init status --wait >/dev/null 2>&1 || true",
                "echo hostname=$(hostname)",
                "echo marker=$(cat /var/tmp/jdib-check-marker 2>/dev/null)",
                "echo rootsize=$(df -B1 --output=size / | tail -1)",
                "echo rootdev=$(findmnt -n -o SOURCE /)",
                "echo btime=$(awk '/^btime/ {print $2}' /proc/stat)",
                "echo hostkeys=$(stat -c '%n:%Y' /etc/ssh/ssh_host_*_key | tr '\\n' ' ')");
        long start = System.nanoTime();
        long deadline = start + SSH_WAIT.toNanos();
        Exec.Result last = null;
        while (System.nanoTime() < deadline) {
            last = Exec.capture(Exec.Command.of("ssh", "-i", key.toString(), "-p", Integer.toString(port),
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                    "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR", USER + "@127.0.0.1", script)
                    .timeout(Duration.ofMinutes(3)));
            if (last.ok()) {
                evidence.add(Evidence.of("ssh", String.format("logged in as %s with the key from user-data after %.0f s",
                        USER, (System.nanoTime() - start) / 1e9)));
                Map<String, String> facts = new HashMap<>();
                for (String line : last.stdout().split("\n")) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        facts.put(line.substring(0, eq), line.substring(eq + 1).strip());
                    }
                }
                Exec.Result scan = Exec.capture(Exec.Command.of("ssh-keyscan", "-p", Integer.toString(port), "-t",
                        "ed25519", "127.0.0.1"));
                facts.put("keyscan", scan.stdout().strip());
                facts.put("ssh", "ok");
                return facts;
            }
            sleep();
        }
        evidence.add(Evidence.of("ssh", "no login with the seeded key within " + SSH_WAIT.toSeconds() + " s"
                + (last == null ? "" : ": " + String.join(" ", last.tail()))));
        return Map.of();
    }

    private List<RuleResult> rules(BootResult booted, Map<String, String> facts, List<Evidence> sshEvidence,
            String hostname, String marker, Image disk, int port) throws IOException {
        List<RuleResult> results = new ArrayList<>();
        String console = new String(Files.readAllBytes(booted.consoleLog()), StandardCharsets.ISO_8859_1);
        results.add(rule("boot-login", "boots to a login prompt", booted.matched(), List.of(Evidence.of("serial console",
                booted.matched() ? String.format("'%s' after %.1f s", booted.matchedLine().strip(), booted.seconds())
                        : booted.outcome() + "; last lines: " + String.join(" | ", booted.lastLines())))));
        boolean ssh = "ok".equals(facts.get("ssh"));
        results.add(rule("boot-ssh", "sshd accepts the key from the metadata", ssh, sshEvidence));
        if (!ssh) {
            for (String id : RULES.subList(2, RULES.size() - 1)) {
                results.add(new RuleResult(id, id, Outcome.FAIL, true,
                        List.of(Evidence.of("ssh", "not checked: no ssh login"))));
            }
        } else {
            results.add(rule("boot-hostname", "hostname set from metadata", hostname.equals(facts.get("hostname")),
                    List.of(Evidence.of("hostname", "'" + facts.get("hostname") + "', metadata said '" + hostname + "'"))));
            results.add(rule("boot-user-data", "user-data script ran", marker.equals(facts.get("marker")),
                    List.of(Evidence.of("/var/tmp/jdib-check-marker", "'" + facts.get("marker") + "', expected '"
                            + marker + "'"))));
            long root = parseLong(facts.get("rootsize"));
            results.add(rule("boot-growroot", "root filesystem grew to the larger disk", root > disk.originalBytes(),
                    List.of(Evidence.of("df /", String.format("%s is %d MiB on a %d MiB disk; the image was %d MiB",
                            facts.get("rootdev"), root >> 20, disk.overlayBytes() >> 20, disk.originalBytes() >> 20)))));
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
            keyEvidence.add(Evidence.of("ssh-keyscan", facts.getOrDefault("keyscan", "").replaceFirst("^\\S+ ", "")));
            results.add(rule("boot-ssh-host-keys", "ssh host keys made at this boot, so no two instances share them",
                    fresh, keyEvidence));
        }
        boolean kernelLog = console.contains("Linux version") && console.contains("Kernel command line");
        results.add(rule("boot-serial-log", "kernel boot messages on the serial console", kernelLog, List.of(
                Evidence.of(booted.consoleLog().toString(), kernelLog ? "holds 'Linux version' and the kernel command line"
                        : "no kernel messages: is console=ttyS0 on the kernel command line?"))));
        return results;
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
