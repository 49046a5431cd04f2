package io.jdib.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Signals whole process groups, so the grandchildren of a hook stop with it. */
public final class ProcessGroups {
    private ProcessGroups() {}

    /** TERM, a short grace period, then KILL; a group that is already gone is fine. */
    public static void kill(long pgid) {
        if (!alive(pgid)) {
            return;
        }
        signal(pgid, "TERM");
        for (int i = 0; i < 30 && alive(pgid); i++) {
            sleep(100);
        }
        if (alive(pgid)) {
            signal(pgid, "KILL");
            for (int i = 0; i < 50 && alive(pgid); i++) {
                sleep(100);
            }
        }
    }

    /** Whether any process in the group still runs (zombies count as gone). */
    public static boolean alive(long pgid) {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .anyMatch(p -> {
                        try {
                            String stat = Files.readString(p.resolve("stat"));
                            String[] fields =
                                    stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            return !fields[0].equals("Z") && Long.parseLong(fields[2]) == pgid;
                        } catch (IOException | RuntimeException e) {
                            return false;
                        }
                    });
        } catch (IOException e) {
            return false;
        }
    }

    private static void signal(long pgid, String sig) {
        try {
            Process p = new ProcessBuilder("kill", "-" + sig, "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // kill(1) missing is not recoverable here; the caller's checks will report what is left.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
