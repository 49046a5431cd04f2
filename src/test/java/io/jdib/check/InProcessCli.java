package io.jdib.check;

import io.jdib.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a jdib command in this JVM and keeps its exit code, stdout and stderr. */
final class InProcessCli {
    private InProcessCli() {}

    record Run(int exit, String out, String err) {}

    static Run jdib(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
