package io.jdib.cli;

import io.jdib.sys.JdibError;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Entry point. The launcher passes the name it was called by ({@code disk-image-create},
 * {@code element-info}, ...) as the first argument, so one jar serves every command.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // The terminal's charset: what the user's console decodes.
        java.nio.charset.Charset console = java.nio.charset.Charset.defaultCharset();
        System.exit(run(
                args,
                new PrintWriter(new java.io.OutputStreamWriter(System.out, console), true),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, console), true)));
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(out, err);
        return cli.execute(args);
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new JdibCommand());
        cli.setOut(out);
        cli.setErr(err);
        BuildCommand.describeKeys(cli.getSubcommands().get("build"));
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean trace =
                    parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("-x");
            return report(ex, trace, commandLine.getErr());
        });
        return cli;
    }

    /**
     * The one place a failure becomes output and an exit code ({@link JdibError.Kind}): user and
     * environment errors are one line, an interruption says what was undone, anything else is a
     * bug and shows its stack trace.
     */
    static int report(Exception ex, boolean trace, PrintWriter e) {
        JdibError.Kind kind = ex instanceof JdibError known ? known.kind() : JdibError.Kind.INTERNAL;
        switch (kind) {
            case USER, ENVIRONMENT -> e.println("error: " + ex.getMessage());
            case INTERRUPTED -> e.println("interrupted: " + ex.getMessage() + "; what was done is undone");
            case INTERNAL ->
                e.println(
                        "internal error: " + ex + " (a bug in jdib: please report it with the" + " stack trace below)");
        }
        if (trace || kind == JdibError.Kind.INTERNAL) {
            ex.printStackTrace(e);
        }
        e.flush();
        return kind.exitCode();
    }
}
