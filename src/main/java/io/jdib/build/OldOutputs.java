package io.jdib.build;

import io.jdib.event.EventSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * As DIB: an image already at an output's path is kept under a dated name (NAME-YYYY.MM.DD-hh.mm.ss.EXT,
 * with its .md5 and .sha256) unless OVERWRITE_OLD_IMAGE is set to something other than 0.
 */
final class OldOutputs {
    private OldOutputs() {}

    static void keep(List<Path> targets, Map<String, String> environment, EventSink events) {
        String overwrite = environment.getOrDefault("OVERWRITE_OLD_IMAGE", "0").trim();
        if (!overwrite.isEmpty() && !overwrite.equals("0")) {
            return;
        }
        String stamp = java.time.LocalDateTime.now(java.time.ZoneId.systemDefault())
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy.MM.dd-HH.mm.ss"));
        for (Path target : targets) {
            if (!Files.isRegularFile(target)) {
                continue;
            }
            String name = target.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String old = dot > 0 ? name.substring(0, dot) + "-" + stamp + name.substring(dot) : name + "-" + stamp;
            try {
                Files.move(target, target.resolveSibling(old));
                for (String sum : List.of(".md5", ".sha256")) {
                    Path checksum = target.resolveSibling(name + sum);
                    if (Files.isRegularFile(checksum)) {
                        Files.move(checksum, target.resolveSibling(old + sum));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            events.info("old image found: kept as " + target.resolveSibling(old)
                    + " (set OVERWRITE_OLD_IMAGE=1 to replace it)");
        }
    }
}
