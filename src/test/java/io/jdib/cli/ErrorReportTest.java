package io.jdib.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.sys.EnvironmentError;
import io.jdib.sys.Interrupted;
import io.jdib.sys.MissingToolError;
import io.jdib.sys.UserError;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Each kind of failure has its own exit code and form, decided in one place. */
class ErrorReportTest {
    private record Reported(int code, String err) {}

    private static Reported report(Exception ex, boolean trace) {
        StringWriter err = new StringWriter();
        int code = Main.report(ex, trace, new PrintWriter(err));
        return new Reported(code, err.toString());
    }

    @Test
    void aUserErrorIsOneLineAndExitsOne() {
        Reported r = report(new UserError("unknown element 'vmm'; did you mean vm?"), false);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: unknown element 'vmm'; did you mean vm?\n");
    }

    @Test
    void anEnvironmentErrorIsOneLineAndExitsThree() {
        Reported missing = report(new MissingToolError("mkfs.xfs", "xfsprogs"), false);
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err())
                .isEqualTo("error: mkfs.xfs is not installed; install it with: apt-get install xfsprogs\n");
        assertThat(report(new EnvironmentError("mount -t ext4 ... failed: no space"), false)
                        .code())
                .isEqualTo(3);
    }

    @Test
    void anInterruptionSaysSoAndExits130() {
        Reported r = report(new Interrupted("build is stopping; not starting anything new"), false);
        assertThat(r.code()).isEqualTo(130);
        assertThat(r.err()).startsWith("interrupted: build is stopping").doesNotContain("\tat ");
    }

    @Test
    void anythingElseIsABugWithItsStackTrace() {
        Reported r = report(new IllegalStateException("graph has a cycle"), false);
        assertThat(r.code()).isEqualTo(70);
        assertThat(r.err())
                .startsWith("internal error: java.lang.IllegalStateException: graph has a cycle")
                .contains("please report")
                .contains("\tat ");
    }

    @Test
    void traceAddsTheStackTraceToKnownErrors() {
        assertThat(report(new UserError("bad"), true).err()).contains("\tat ");
        assertThat(report(new UserError("bad"), false).err()).doesNotContain("\tat ");
    }
}
