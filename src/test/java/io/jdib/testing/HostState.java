package io.jdib.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a build may leak on the host: mounts under a directory, loop devices on its files, processes. */
public final class HostState {
    private HostState() {}

    /** Mount points at or below {@code dir}. */
    public static List<String> mountsUnder(Path dir) {
        List<String> found = new ArrayList<>();
        String base = dir.toAbsolutePath().normalize().toString();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String point = line.split(" ")[4].replace("\\040", " ");
                if (point.equals(base) || point.startsWith(base + "/")) {
                    found.add(point);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    /** Loop devices whose backing file lies under {@code dir}. */
    public static List<String> loopsUnder(Path dir) {
        List<String> found = new ArrayList<>();
        String base = dir.toAbsolutePath().normalize().toString();
        for (String line : run("losetup", "--noheadings", "--output", "NAME,BACK-FILE", "--list")
                .split("\n")) {
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2 && f[1].startsWith(base + "/")) {
                found.add(line.trim());
            }
        }
        return found;
    }

    /**
     * Processes whose command line contains {@code marker}, anywhere on the host: other classes run
     * at the same time, so the marker must be one that only this class's processes carry (a path
     * under its own directory, or a test element only it uses).
     */
    public static List<String> processes(String marker) {
        List<String> found = new ArrayList<>();
        for (String line : run("ps", "-eo", "pid,args").split("\n")) {
            if (line.contains(marker) && !line.contains("ps -eo")) {
                found.add(line.trim());
            }
        }
        return found;
    }

    /** Build directories jdib left under a work root. */
    public static List<Path> buildDirs(Path workRoot) {
        if (!Files.isDirectory(workRoot)) {
            return List.of();
        }
        try (var list = Files.list(workRoot)) {
            return list.filter(p -> p.getFileName().toString().startsWith("build-"))
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String run(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
