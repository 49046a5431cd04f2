package io.jdib.cli;

import io.jdib.sys.UserError;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Entry point. The launcher passes the name it was called by ({@code disk-image-create},
 * {@code element-info}, ...) as the first argument, so one jar serves every command.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(out, err);
        return cli.execute(args);
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new JdibCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean trace = parseResult.subcommand() != null
                    && parseResult.subcommand().hasMatchedOption("-x");
            PrintWriter e = commandLine.getErr();
            if (ex instanceof UserError user) {
                e.println("error: " + user.getMessage());
                if (trace) {
                    user.printStackTrace(e);
                }
                e.flush();
                return user.exitCode();
            }
            e.println("internal error: " + ex + " (please report it; rerun with -x for the stack trace)");
            if (trace) {
                ex.printStackTrace(e);
            }
            e.flush();
            return 70;
        });
        return cli;
    }
}
