package io.jdib.image;

import io.jdib.sys.Exec;
import io.jdib.sys.Tools;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tree as a squashfs filesystem ({@code NAME.squash}), with mksquashfs: owners, modes, xattrs,
 * device nodes and hard links kept. Compressed with xz unless {@code DIB_SQUASHFS_COMPRESSION}
 * names another of mksquashfs's compressors.
 */
public final class SquashfsOutput {
    public static final String COMPRESSION_VARIABLE = "DIB_SQUASHFS_COMPRESSION";
    public static final String DEFAULT_COMPRESSION = "xz";
    public static final Set<String> COMPRESSIONS = Set.of("gzip", "lzo", "lz4", "xz", "zstd", "lzma");

    private SquashfsOutput() {}

    /** The compressor to use: {@code value} (from the environment) checked, or xz when null or empty. */
    public static String compression(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_COMPRESSION;
        }
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        if (!COMPRESSIONS.contains(wanted)) {
            throw new UserError(COMPRESSION_VARIABLE + "=" + value + " is not a squashfs compressor; use one of: "
                    + String.join(", ", new java.util.TreeSet<>(COMPRESSIONS)));
        }
        return wanted;
    }

    /** The mksquashfs command line; {@code excludes} are paths relative to the tree. */
    static List<String> args(Path tree, Path output, String compression, List<String> excludes) {
        List<String> argv = new ArrayList<>(List.of(
                Tools.require("mksquashfs").toString(),
                tree.toString(),
                output.toString(),
                "-noappend",
                "-no-progress",
                "-quiet",
                "-comp",
                compression));
        if (!excludes.isEmpty()) {
            argv.add("-e");
            argv.addAll(excludes);
        }
        return argv;
    }

    /** Writes {@code tree} to {@code target} under a temporary name, renamed when complete. */
    public static void write(Path tree, Path target, String compression, List<String> excludes) {
        Path partial = TarOutput.partial(target);
        TarOutput.deleteQuietly(partial);
        Exec.Result result = Exec.capture(Exec.Command.of(args(tree, partial, compression, excludes)));
        if (!result.ok()) {
            TarOutput.deleteQuietly(partial);
            throw new UserError("writing " + target + " failed: mksquashfs exited " + result.exitCode() + ": "
                    + String.join(" | ", result.tail()));
        }
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            TarOutput.deleteQuietly(partial);
            throw new UncheckedIOException(e);
        }
    }
}
