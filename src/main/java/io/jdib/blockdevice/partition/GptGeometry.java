package io.jdib.blockdevice.partition;

/**
 * Fixed GPT positions for a disk: protective MBR at LBA 0, header at LBA 1, 128 entries of 128
 * bytes from LBA 2, and the mirror image (entries, then header in the last LBA) at the end.
 */
record GptGeometry(int sectorSize, long diskSectors) {
    static final int ENTRY_COUNT = 128;
    static final int ENTRY_SIZE = 128;
    static final int ENTRIES_BYTES = ENTRY_COUNT * ENTRY_SIZE;

    long entrySectors() {
        return ENTRIES_BYTES / sectorSize;
    }

    long primaryEntriesLba() {
        return 2;
    }

    long firstUsableLba() {
        return primaryEntriesLba() + entrySectors();
    }

    long backupHeaderLba() {
        return diskSectors - 1;
    }

    long backupEntriesLba() {
        return backupHeaderLba() - entrySectors();
    }

    long lastUsableLba() {
        return backupEntriesLba() - 1;
    }

    /** Sectors the two tables take, i.e. the smallest disk that holds an empty GPT. */
    long overheadSectors() {
        return 2 * (1 + entrySectors()) + 1;
    }
}
