package io.jdib.cli;

import io.jdib.sys.Workspace;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "cleanup",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Undo what killed builds left behind: their processes, mounts and loop devices.")
final class CleanupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--work-dir", description = "Build work root (default: $JDIB_WORK_DIR or /var/tmp/jdib).")
    Path workDir;

    @Override
    public Integer call() {
        Path root = workDir != null ? workDir : Path.of(System.getenv().getOrDefault("JDIB_WORK_DIR", "/var/tmp/jdib"));
        var out = spec.commandLine().getOut();
        List<Path> cleaned = Workspace.cleanStale(root, line -> out.println("  " + line));
        out.println(
                cleaned.isEmpty()
                        ? "nothing to clean up under " + root
                        : "cleaned up " + cleaned.size() + " unfinished build(s) under " + root);
        out.flush();
        return 0;
    }
}
