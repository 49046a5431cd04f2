package io.jdib.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jdib.check.CheckReport;
import io.jdib.check.ImageCheck;
import io.jdib.check.RuleResult;
import io.jdib.check.RuleResult.Evidence;
import io.jdib.sys.Workspace;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {
            "Check that a disk image is cloud-ready, without booting it: one root partition that grows, no MAC"
                    + " addresses, DHCP everywhere, sshd without host keys or passwords, no firewall, cloud-init"
                    + " with a data source list and a default user, a serial console, a compressed trimmed image.",
            "The image is opened read-only (a non-raw image is converted to a temporary raw copy); what jdib"
                    + " attaches and mounts is undone before it exits."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every required rule passed", "1:a required rule failed, or the image could not be read",
            "2:bad usage"})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Disk image: qcow2, raw, vhd (vpc) or vmdk.")
    Path image;

    @Option(names = "--json", description = "Print the report as JSON instead of a table.")
    boolean json;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the scratch directory goes (default: $JDIB_WORK_DIR or /var/tmp/jdib).")
    Path workDir;

    @Option(names = "-x", description = "Trace: show progress and stack traces.")
    boolean trace;

    @Option(names = "--boot", description = "Also boot a copy on a larger disk under QEMU with a NoCloud seed, log in"
            + " over ssh with a key jdib just made, and check hostname, user-data, growroot, fresh host keys and the"
            + " serial log.")
    boolean boot;

    @Option(names = "--uefi", description = "With --boot: boot with UEFI (OVMF) instead of BIOS.")
    boolean uefi;

    @Option(names = {"-a", "--arch"}, paramLabel = "ARCH",
            description = "With --boot: the image's architecture, which picks the emulator and firmware (default: this"
                    + " host's; arm64 boots qemu-system-aarch64 -M virt with AAVMF).")
    String arch;

    @Option(names = "--boot-timeout", paramLabel = "SECONDS", defaultValue = "420",
            description = "With --boot: how long to wait for the login prompt (default: ${DEFAULT-VALUE}).")
    int bootTimeout;

    @Option(names = "--console-log", paramLabel = "FILE",
            description = "With --boot: keep the guest's serial console in FILE (default: discarded with the scratch files).")
    Path consoleLog;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root = workDir != null ? workDir
                : Path.of(System.getenv().getOrDefault("JDIB_WORK_DIR", "/var/tmp/jdib"));
        CheckReport report;
        try (Workspace workspace = Workspace.open(root, "check", err::println)) {
            report = new ImageCheck(workspace.work(), workspace.ledger(), line -> {
                if (trace) {
                    err.println("  " + line);
                    err.flush();
                }
            }).check(image);
        }
        if (boot) {
            report = withBootChecks(report, root, err);
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(report)));
        } else {
            printTable(out, report);
        }
        out.flush();
        return report.passed() ? 0 : 1;
    }

    private CheckReport withBootChecks(CheckReport report, Path root, PrintWriter err) {
        long start = System.nanoTime();
        io.jdib.event.EventSink progress = event -> {
            if (event instanceof io.jdib.event.BuildEvent.Info info) {
                err.println(info.message());
            } else if (event instanceof io.jdib.event.BuildEvent.Debug debug && trace) {
                err.println("  " + debug.message());
            }
            err.flush();
        };
        List<RuleResult> results = new ArrayList<>(report.results());
        try (Workspace workspace = Workspace.open(root, "check-boot", err::println)) {
            results.addAll(new io.jdib.check.BootCheck(workspace.work(), workspace.ledger(), progress)
                    .check(image, uefi, arch == null ? null : io.jdib.sys.Architecture.parse(arch),
                            java.time.Duration.ofSeconds(bootTimeout), consoleLog));
        }
        return new CheckReport(report.image(), report.format(), results,
                report.seconds() + (System.nanoTime() - start) / 1e9);
    }

    private static Map<String, Object> toJson(CheckReport report) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("image", report.image().toString());
        doc.put("format", report.format());
        doc.put("passed", report.passed());
        doc.put("seconds", Math.round(report.seconds() * 10) / 10.0);
        List<Map<String, Object>> rules = new ArrayList<>();
        for (RuleResult r : report.results()) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("id", r.id());
            rule.put("title", r.title());
            rule.put("result", r.outcome().name().toLowerCase().replace('_', '-'));
            rule.put("required", r.required());
            List<Map<String, Object>> evidence = new ArrayList<>();
            for (Evidence e : r.evidence()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("file", e.file());
                if (e.line() > 0) {
                    item.put("line", e.line());
                }
                item.put("text", e.text());
                evidence.add(item);
            }
            rule.put("evidence", evidence);
            rules.add(rule);
        }
        doc.put("rules", rules);
        doc.put("failed", report.failed());
        return doc;
    }

    private static void printTable(PrintWriter out, CheckReport report) {
        int width = Math.max("RULE".length(), report.results().stream().mapToInt(r -> r.id().length()).max().orElse(4));
        String format = "%-" + width + "s  %-6s  %s%n";
        out.printf(format, "RULE", "RESULT", "EVIDENCE");
        for (RuleResult r : report.results()) {
            String result = switch (r.outcome()) {
                case PASS -> "pass";
                case FAIL -> r.required() ? "FAIL" : "warn";
                case NOT_APPLICABLE -> "n/a";
            };
            List<Evidence> evidence = r.evidence();
            out.printf(format, r.id(), result, evidence.isEmpty() ? "" : evidence.get(0).render());
            for (int i = 1; i < evidence.size(); i++) {
                out.printf(format, "", "", evidence.get(i).render());
            }
        }
        out.printf("%n%s: %s (%.1f s)%n", report.image(), report.passed() ? "cloud-ready"
                : "not cloud-ready; failed: " + String.join(", ", report.failed()), report.seconds());
    }
}
