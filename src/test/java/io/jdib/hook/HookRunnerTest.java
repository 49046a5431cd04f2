package io.jdib.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.event.BuildEvent;
import io.jdib.event.RecordingSink;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookRunnerTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private Path element(String name) throws Exception {
        return Files.createDirectories(dir.resolve("elements").resolve(name));
    }

    private static void script(Path file, String body) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private HookTree merge(String... names) {
        List<HookTree.Source> sources = new ArrayList<>();
        for (String n : names) {
            sources.add(new HookTree.Source(n, dir.resolve("elements").resolve(n)));
        }
        return HookTree.merge(sources, dir.resolve("hooks"), warnings::add);
    }

    private HookRunner.Launcher outside(HookTree tree) {
        return (hook, env) -> Exec.Command.of(
                        "/bin/bash",
                        tree.root().resolve(HookRunner.wrapperPath()).toString(),
                        hook.path().toString())
                .withCleanEnv(env);
    }

    @Test
    void sourcedEnvironmentIsWhatHooksSeeAfterEnvironmentD() throws Exception {
        Path a = element("a");
        Files.createDirectories(a.resolve("environment.d"));
        Files.writeString(
                a.resolve("environment.d/10-flag.bash"), "export JDIB_NO_FINAL_IMAGE=1\nexport BASE=\"$BASE+a\"\n");
        Path broken = element("broken");
        Files.createDirectories(broken.resolve("environment.d"));
        HookTree tree = merge("a");
        Ledger ledger = Ledger.create(dir.resolve("ledger"), s -> {});
        HookRunner runner = new HookRunner(tree, ledger, new RecordingSink());

        Map<String, String> sourced = runner.sourcedEnvironment(Map.of("PATH", "/usr/bin:/bin", "BASE", "x"));

        assertThat(sourced)
                .containsEntry("JDIB_NO_FINAL_IMAGE", "1")
                .containsEntry("BASE", "x+a")
                .containsEntry("PATH", "/usr/bin:/bin");

        Files.writeString(broken.resolve("environment.d/10-fails.bash"), "false\n");
        HookTree failing = HookTree.merge(
                List.of(new HookTree.Source("broken", broken)), dir.resolve("hooks-broken"), warnings::add);
        Map<String, String> given = Map.of("PATH", "/usr/bin:/bin");
        assertThat(new HookRunner(failing, ledger, new RecordingSink()).sourcedEnvironment(given))
                .isEqualTo(given);
    }

    @Test
    void mergesElementsAndRunsHooksInRunPartsOrderWithEnvironment() throws Exception {
        Path a = element("a");
        Path b = element("b");
        script(a.resolve("install.d/10-second"), "echo second $GREETING");
        script(b.resolve("install.d/2-first"), "echo first $GREETING");
        script(b.resolve("install.d/50-third"), "echo third");
        script(a.resolve("install.d/60-has.dot"), "echo never");
        Files.writeString(b.resolve("install.d/70-not-executable"), "echo never");
        Files.createDirectories(a.resolve("environment.d"));
        Files.writeString(a.resolve("environment.d/20-late.bash"), "export GREETING=\"$GREETING world\"\n");
        Files.createDirectories(b.resolve("environment.d"));
        Files.writeString(b.resolve("environment.d/10-early.bash"), "export GREETING=hello\n");
        HookTree tree = merge("a", "b");
        RecordingSink events = new RecordingSink();
        Ledger ledger = Ledger.create(dir.resolve("ledger"), s -> {});

        new HookRunner(tree, ledger, events).run(Phase.INSTALL, Map.of("PATH", "/usr/bin:/bin"), outside(tree));

        assertThat(events.ofType(BuildEvent.OutputLine.class))
                .extracting(l -> l.source() + ": " + l.line())
                .containsExactly(
                        "b/2-first: first hello world", "a/10-second: second hello world", "b/50-third: third");
        BuildEvent.PhaseTimings timings =
                events.ofType(BuildEvent.PhaseTimings.class).get(0);
        assertThat(timings.phase()).isEqualTo("install.d");
        assertThat(timings.scripts())
                .extracting(BuildEvent.ScriptTiming::script)
                .containsExactly("2-first", "10-second", "50-third");
        assertThat(events.ofType(BuildEvent.Warning.class))
                .extracting(BuildEvent.Warning::message)
                .anyMatch(m -> m.contains("60-has.dot") && m.contains("may only hold"))
                .anyMatch(m -> m.contains("70-not-executable") && m.contains("chmod +x"));
        assertThat(Ledger.pending(ledger.file())).isEmpty();
    }

    @Test
    void failureNamesElementPhaseScriptCodeAndLastLines() throws Exception {
        script(element("broken").resolve("post-root.d/30-explode"), "echo line one\necho line two >&2\nexit 7");
        script(element("broken").resolve("post-root.d/40-after"), "echo should not run");
        HookTree tree = merge("broken");
        RecordingSink events = new RecordingSink();

        assertThatThrownBy(() -> new HookRunner(tree, null, events).run(Phase.POST_ROOT, Map.of(), outside(tree)))
                .isInstanceOf(HookFailed.class)
                .hasMessage("hook failed: element broken, phase post-root.d, script 30-explode exited with code 7;"
                        + " its last lines:\n    line one\n    line two");
        assertThat(events.ofType(BuildEvent.OutputLine.class))
                .noneMatch(l -> l.line().contains("should not run"));
    }

    @Test
    void failingEnvironmentFileStopsTheHook() throws Exception {
        Path e = element("env");
        Files.createDirectories(e.resolve("environment.d"));
        Files.writeString(e.resolve("environment.d/10-bad.bash"), "return 1\n");
        script(e.resolve("root.d/10-hook"), "echo ran");
        HookTree tree = merge("env");

        assertThatThrownBy(
                        () -> new HookRunner(tree, null, new RecordingSink()).run(Phase.ROOT, Map.of(), outside(tree)))
                .hasMessageContaining("exited with code 97")
                .hasMessageContaining("environment.d/10-bad.bash failed while being sourced");
    }

    @Test
    void twoElementsShippingOneHookIsAnError() throws Exception {
        script(element("one").resolve("install.d/50-same"), "true");
        script(element("two").resolve("install.d/50-same"), "true");

        assertThatThrownBy(() -> merge("one", "two"))
                .hasMessage("elements one and two both ship install.d/50-same; rename one of the files");
    }

    @Test
    void overlappingStaticFilesWarnAndLaterWins() throws Exception {
        Files.createDirectories(element("one").resolve("static/etc"));
        Files.writeString(element("one").resolve("static/etc/x.conf"), "one");
        Files.createDirectories(element("two").resolve("static/etc"));
        Files.writeString(element("two").resolve("static/etc/x.conf"), "two");

        HookTree tree = merge("one", "two");

        assertThat(Files.readString(tree.root().resolve("static/etc/x.conf"))).isEqualTo("two");
        assertThat(warnings).containsExactly("static/etc/x.conf of element two replaces the one of one");
    }

    @Test
    void runPartsOrderMatchesSortNumeric() {
        List<String> names = new ArrayList<>(List.of("b", "10-x", "9-y", "01-z", "a", "100-last", "10-a"));
        names.sort(RunPartsOrder.INSTANCE);
        assertThat(names).containsExactly("a", "b", "01-z", "9-y", "10-a", "10-x", "100-last");
    }
}
