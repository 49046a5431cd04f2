package io.jdib.blockdevice.partition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Positional reads and writes, and the size of an image file or block device. */
final class DiskIo {
    static final Path SYS_CLASS_BLOCK = Path.of("/sys/class/block");

    private DiskIo() {}

    static void writeAt(FileChannel ch, long offset, ByteBuffer buf) throws IOException {
        buf.rewind();
        long pos = offset;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    static ByteBuffer readAt(FileChannel ch, long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        long pos = offset;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                break; // past the end reads as zeros
            }
            pos += n;
        }
        return buf.rewind();
    }

    /**
     * The size in bytes. fstat reports 0 for a block device on some JDKs, so for a non-regular file
     * the kernel's count of 512-byte sectors in sysfs is used.
     */
    static long size(FileChannel ch, Path path) throws IOException {
        long size = ch.size();
        if (size > 0 || Files.isRegularFile(path)) {
            return size;
        }
        return blockDeviceSize(SYS_CLASS_BLOCK, path.toRealPath().getFileName().toString());
    }

    static long blockDeviceSize(Path sysClassBlock, String device) throws IOException {
        Path sectors = sysClassBlock.resolve(device).resolve("size");
        if (!Files.isReadable(sectors)) {
            throw new IOException("cannot tell the size of " + device + ": " + sectors + " is missing");
        }
        return Long.parseLong(Files.readString(sectors).strip()) * 512;
    }

    /** Refuses a layout planned for a larger disk, so writing never grows an image file. */
    static void checkFits(FileChannel ch, Layout layout) throws IOException {
        long size = ch.size();
        if (size > 0 && size < layout.diskBytes()) {
            throw new PartitionFitException("the layout is for a " + Sizes.human(layout.diskBytes())
                    + " disk but this one holds " + Sizes.human(size) + "; plan the layout for the disk's real size");
        }
    }
}
