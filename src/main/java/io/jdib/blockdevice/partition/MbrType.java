package io.jdib.blockdevice.partition;

import java.util.Locale;
import java.util.Set;

/** MBR partition type bytes, written as DIB accepts them ("83", "0x83", "c"). */
final class MbrType {
    static final String DEFAULT = "83";
    static final int EXTENDED_LBA = 0x0f;
    static final int EXTENDED_CHS = 0x05;
    static final int GPT_PROTECTIVE = 0xee;

    /** Types jdib writes itself (the extended container) or that would make the table empty. */
    private static final Set<Integer> RESERVED = Set.of(0x00, EXTENDED_CHS, EXTENDED_LBA, 0x85);

    private MbrType() {}

    /** Returns the type as two lower-case hex digits, or throws naming the partition. */
    static String normalize(String partition, String type) {
        if (type == null) {
            return DEFAULT;
        }
        String hex = type.strip().toLowerCase(Locale.ROOT);
        if (hex.startsWith("0x")) {
            hex = hex.substring(2);
        }
        if (!hex.matches("[0-9a-f]{1,2}")) {
            throw new PartitionSpecException("partition '" + partition + "' has MBR type '" + type
                    + "', which is not one hex byte; use a code like 83 (Linux), 82 (swap), 8e (LVM),"
                    + " ef (EFI) or 0c (FAT32)");
        }
        int value = Integer.parseInt(hex, 16);
        if (RESERVED.contains(value)) {
            throw new PartitionSpecException("partition '" + partition + "' has MBR type '" + type
                    + "', which is empty or extended; jdib makes the extended partition itself,"
                    + " so give a data type like 83");
        }
        return String.format(Locale.ROOT, "%02x", value);
    }

    static int value(String normalized) {
        return Integer.parseInt(normalized, 16);
    }
}
