package io.jdib.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jdib.sys.Exec;
import io.jdib.sys.Tools;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a file given as a disk image is, as {@code qemu-img info} and {@code blkid -p} see it. qemu-img
 * calls anything it does not recognise {@code raw}; a raw file with neither a partition table nor a
 * filesystem (a text file, say) is refused here, at once, instead of booting into a long timeout.
 *
 * @param format      qemu-img's name of the format (qcow2, raw, vpc, vmdk...)
 * @param virtualSize the size of the disk the guest sees, in bytes
 * @param content     what blkid found at the start of a raw disk ({@code PTTYPE=gpt}, {@code TYPE=ext4}), or ""
 */
public record DiskImage(Path path, String format, long virtualSize, String content) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The image at {@code file}, or a {@link UserError} in one line saying why it is not one. */
    public static DiskImage probe(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new UserError("no image at " + file + "; give the path of a qcow2, raw, vhd or vmdk file");
        }
        Exec.Result info = Exec.capture(
                Exec.Command.of(Tools.require("qemu-img").toString(), "info", "-U", "--output=json", file.toString()));
        if (!info.ok()) {
            throw new UserError(
                    "qemu-img cannot read " + file + " as a disk image: " + String.join(" | ", info.tail()));
        }
        String format;
        long size;
        try {
            JsonNode node = JSON.readTree(info.stdout());
            format = node.path("format").asText("");
            size = node.path("virtual-size").asLong(-1);
        } catch (IOException e) {
            throw new UserError("cannot parse qemu-img info for " + file + ": " + e.getMessage(), e);
        }
        if (format.isEmpty()) {
            throw new UserError("qemu-img info did not report a format for " + file);
        }
        if (!format.equals("raw")) {
            return new DiskImage(file, format, size, "");
        }
        String content = rawContent(file);
        if (content.isEmpty()) {
            throw new UserError(file + " is not a disk image: qemu-img sees " + size + " bytes of raw data with no"
                    + " partition table or filesystem; give a qcow2, raw, vhd or vmdk disk image");
        }
        return new DiskImage(file, format, size, content);
    }

    /** {@code PTTYPE=...} or {@code TYPE=...} from {@code blkid -p}, or "" when it finds neither. */
    private static String rawContent(Path file) {
        Exec.Result blkid =
                Exec.capture(Exec.Command.of(Tools.require("blkid").toString(), "-p", "-o", "export", file.toString()));
        if (!blkid.ok()) {
            return "";
        }
        for (String line : blkid.stdout().split("\n")) {
            if (line.startsWith("PTTYPE=") || line.startsWith("TYPE=")) {
                return line.strip();
            }
        }
        return "";
    }
}
