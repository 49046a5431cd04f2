package io.jdib.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jdib.check.BootCheck;
import io.jdib.check.CheckReport;
import io.jdib.check.Datasource;
import io.jdib.check.Guide;
import io.jdib.check.ImageCheck;
import io.jdib.check.Profile;
import io.jdib.check.RuleResult;
import io.jdib.check.RuleResult.Evidence;
import io.jdib.sys.UserError;
import io.jdib.sys.Workspace;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Check that a disk image is cloud-ready, without booting it: one root partition that grows, no MAC"
                    + " addresses, DHCP everywhere, sshd without host keys or passwords, no firewall, cloud-init"
                    + " with a data source list and a default user, a serial console, a compressed trimmed image.",
            "The image is opened read-only (a non-raw image is converted to a temporary raw copy); what jdib"
                    + " attaches and mounts is undone before it exits."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every required rule passed",
            "1:a required rule failed, or the image could not be read",
            "2:bad usage"
        })
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Disk image: qcow2, raw, vhd (vpc) or vmdk.")
    Path image;

    @Option(names = "--json", description = "Print the report as JSON instead of a table.")
    boolean json;

    @Option(
            names = "--profile",
            paramLabel = "NAME",
            defaultValue = "openstack",
            description = "Whose requirements decide the exit code: openstack (default), egi, opennebula or generic."
                    + " A failed rule the profile calls advice is printed but does not fail the check.")
    String profileName;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description = "Where the scratch directory goes (default: $JDIB_WORK_DIR or /var/tmp/jdib).")
    Path workDir;

    @Option(names = "-x", description = "Trace: show progress and stack traces.")
    boolean trace;

    @Option(
            names = "--boot",
            description = "Also boot it under QEMU: once on a disk of exactly its built size (to the login prompt),"
                    + " then a copy on a larger disk: hand it a hostname, an ssh"
                    + " key jdib just made and user data the way --datasource says, log in over ssh, and check the data"
                    + " source, hostname, user-data, growroot, fresh host keys and the serial log.")
    boolean boot;

    @Option(
            names = "--datasource",
            paramLabel = "NAME",
            defaultValue = "nocloud",
            description = "With --boot: how the guest gets its key, hostname and user data: nocloud (default),"
                    + " configdrive, openstack-metadata, ec2-metadata, opennebula, or all (one boot each).")
    String datasourceName;

    @Option(
            names = "--no-built-size-boot",
            description = "With --boot: leave out the boot on a disk of exactly the image's built size (one boot"
                    + " to the login prompt, whatever --datasource says).")
    boolean noBuiltSizeBoot;

    @Option(names = "--uefi", description = "With --boot: boot with UEFI (OVMF) instead of BIOS.")
    boolean uefi;

    @Option(
            names = {"-a", "--arch"},
            paramLabel = "ARCH",
            description = "With --boot: the image's architecture, which picks the emulator and firmware (default: this"
                    + " host's; arm64 boots qemu-system-aarch64 -M virt with AAVMF, armhf qemu-system-arm with"
                    + " AAVMF32, ppc64el qemu-system-ppc64 -M pseries).")
    String arch;

    @Option(
            names = "--boot-timeout",
            paramLabel = "SECONDS",
            defaultValue = "420",
            description = "With --boot: how long to wait for the login prompt (default: ${DEFAULT-VALUE}).")
    int bootTimeout;

    @Option(
            names = "--console-log",
            paramLabel = "FILE",
            description =
                    "With --boot: keep the guest's serial console in FILE (default: discarded with the scratch files).")
    Path consoleLog;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root = workDir != null ? workDir : Path.of(System.getenv().getOrDefault("JDIB_WORK_DIR", "/var/tmp/jdib"));
        Profile profile;
        List<Datasource> datasources;
        try {
            profile = Profile.parse(profileName);
            datasources = Datasource.parse(datasourceName);
        } catch (UserError e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        }
        CheckReport report;
        try (Workspace workspace = Workspace.open(root, "check", err::println)) {
            report = new ImageCheck(workspace.work(), workspace.ledger(), line -> {
                        if (trace) {
                            err.println("  " + line);
                            err.flush();
                        }
                    })
                    .check(image)
                    .withProfile(profile);
        }
        List<BootCheck.Run> runs = new ArrayList<>();
        List<BootCheck.BuiltSize> builtSize = new ArrayList<>();
        if (boot) {
            report = withBootChecks(report, root, err, datasources, runs, builtSize);
        }
        if (json) {
            java.util.Map<String, Object> doc = report.toJson();
            if (boot) {
                List<Object> boots = new ArrayList<>();
                for (BootCheck.Run run : runs) {
                    java.util.Map<String, Object> b = new java.util.LinkedHashMap<>();
                    b.put("datasource", run.datasource().id());
                    b.put("passed", run.passed());
                    b.put("login_seconds", Math.round(run.loginSeconds() * 10) / 10.0);
                    b.put("seconds", Math.round(run.seconds() * 10) / 10.0);
                    b.put("metadata_requests", BootCheck.summarize(run.requests()));
                    boots.add(b);
                }
                doc.put("boots", boots);
                for (BootCheck.BuiltSize b : builtSize) {
                    java.util.Map<String, Object> at = new java.util.LinkedHashMap<>();
                    at.put("passed", b.result().outcome() == RuleResult.Outcome.PASS);
                    at.put("login_seconds", Math.round(b.loginSeconds() * 10) / 10.0);
                    doc.put("built_size_boot", at);
                }
            }
            out.println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(doc));
        } else {
            printTable(out, report);
            if (boot) {
                printBootTable(out, runs);
            }
        }
        out.flush();
        return report.passed() ? 0 : 1;
    }

    private CheckReport withBootChecks(
            CheckReport report,
            Path root,
            PrintWriter err,
            List<Datasource> datasources,
            List<BootCheck.Run> runs,
            List<BootCheck.BuiltSize> builtSize) {
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
            BootCheck boot = new BootCheck(workspace.work(), workspace.ledger(), progress);
            io.jdib.sys.Architecture guest = arch == null ? null : io.jdib.sys.Architecture.parse(arch);
            if (!noBuiltSizeBoot) {
                err.println("boot check on a disk of the image's own size (no data source)");
                err.flush();
                BootCheck.BuiltSize at = boot.builtSize(
                        image,
                        uefi,
                        guest,
                        java.time.Duration.ofSeconds(bootTimeout),
                        consoleLog == null
                                ? null
                                : consoleLog.resolveSibling(consoleLog.getFileName() + ".built-size"));
                builtSize.add(at);
                results.add(at.result());
            }
            for (Datasource datasource : datasources) {
                err.println("boot check with " + datasource.id() + ": " + datasource.how());
                err.flush();
                Path log = consoleLog == null
                        ? null
                        : datasources.size() == 1
                                ? consoleLog
                                : consoleLog.resolveSibling(consoleLog.getFileName() + "." + datasource.id());
                BootCheck.Run run =
                        boot.check(image, datasource, uefi, guest, java.time.Duration.ofSeconds(bootTimeout), log);
                runs.add(run);
                results.addAll(run.results());
            }
        }
        return new CheckReport(
                report.image(),
                report.format(),
                report.profile(),
                results,
                report.seconds() + (System.nanoTime() - start) / 1e9);
    }

    /** One row per data source: its boot time, each boot rule, and how many metadata requests the guest made. */
    private static void printBootTable(PrintWriter out, List<BootCheck.Run> runs) {
        List<String> columns = new ArrayList<>(BootCheck.RULES);
        StringBuilder header = new StringBuilder(String.format("%-18s  %7s  %7s", "DATASOURCE", "LOGIN", "TOTAL"));
        for (String c : columns) {
            header.append("  ").append(c.substring("boot-".length()));
        }
        out.println();
        out.println(header.append("  METADATA REQUESTS"));
        for (BootCheck.Run run : runs) {
            StringBuilder row = new StringBuilder(
                    String.format("%-18s  %6.0fs  %6.0fs", run.datasource().id(), run.loginSeconds(), run.seconds()));
            for (String c : columns) {
                String result = run.results().stream()
                        .filter(r -> r.id().equals(c + ":" + run.datasource().id()))
                        .map(r -> r.outcome() == RuleResult.Outcome.PASS ? "pass" : "FAIL")
                        .findFirst()
                        .orElse("-");
                row.append("  ").append(String.format("%-" + (c.length() - "boot-".length()) + "s", result));
            }
            row.append("  ")
                    .append(run.requests().isEmpty() ? "-" : run.requests().size() + "");
            out.println(row);
        }
    }

    private static void printTable(PrintWriter out, CheckReport report) {
        int width = Math.max(
                "RULE".length(),
                report.results().stream().mapToInt(r -> r.id().length()).max().orElse(4));
        int guideWidth = Math.max(
                "GUIDES".length(),
                report.results().stream()
                        .mapToInt(r -> guides(r).length())
                        .max()
                        .orElse(6));
        String format = "%-" + width + "s  %-8s  %-6s  %-" + guideWidth + "s  %s%n";
        out.printf("profile: %s (%s)%n", report.profile().id(), report.profile().summary());
        out.printf(format, "RULE", "SEVERITY", "RESULT", "GUIDES", "EVIDENCE");
        for (RuleResult r : report.results()) {
            String result = switch (r.outcome()) {
                case PASS -> "pass";
                case FAIL -> r.required() ? "FAIL" : "warn";
                case NOT_APPLICABLE -> "n/a";
            };
            List<Evidence> evidence = r.evidence();
            out.printf(
                    format,
                    r.id(),
                    r.severity().label(),
                    result,
                    guides(r),
                    evidence.isEmpty() ? "" : evidence.get(0).render());
            for (int i = 1; i < evidence.size(); i++) {
                out.printf(format, "", "", "", "", evidence.get(i).render());
            }
        }
        out.println();
        if (!report.warnings().isEmpty()) {
            out.printf(
                    "advice (not required by %s): %s%n", report.profile().id(), String.join(", ", report.warnings()));
        }
        out.printf(
                "%s: %s under %s (%.1f s)%n",
                report.image(),
                report.passed() ? "cloud-ready" : "not cloud-ready; failed: " + String.join(", ", report.failed()),
                report.profile().id(),
                report.seconds());
    }

    private static String guides(RuleResult r) {
        return r.guides().stream().map(Guide::id).collect(java.util.stream.Collectors.joining(","));
    }
}
