package io.jdib.blockdevice.partition;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Writes a planned layout's table at absolute offsets. Only the table areas are written: MBR
 * bytes 440-511 (boot code before them is kept), EBRs, and the GPT headers and entry arrays.
 */
public sealed interface PartitionTableWriter permits MbrWriter, GptWriter {

    void write(FileChannel channel, Layout layout) throws IOException;

    static PartitionTableWriter forLabel(Label label, IdSource ids) {
        return label == Label.MBR ? new MbrWriter(ids) : new GptWriter(ids);
    }
}
