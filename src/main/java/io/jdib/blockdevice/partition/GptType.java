package io.jdib.blockdevice.partition;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * GPT partition type GUIDs under the 4-hex-digit codes that sgdisk (and so DIB's YAML) uses. A
 * full type GUID is accepted too, for types this table lacks.
 */
final class GptType {
    static final String DEFAULT = "8300";

    private static final Map<String, UUID> CODES = codes();

    private GptType() {}

    private static Map<String, UUID> codes() {
        Map<String, UUID> m = new LinkedHashMap<>();
        m.put("8300", UUID.fromString("0fc63daf-8483-4772-8e79-3d69d8477de4")); // Linux filesystem
        m.put("8200", UUID.fromString("0657fd6d-a4ab-43c4-84e5-0933c84b4f4f")); // Linux swap
        m.put("8E00", UUID.fromString("e6d6d379-f507-44c2-a23c-238f2a3df928")); // Linux LVM
        m.put("FD00", UUID.fromString("a19d880f-05fc-4d3b-a006-743f0f84911e")); // Linux RAID
        m.put("EF00", UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")); // EFI system
        m.put("EF02", UUID.fromString("21686148-6449-6e6f-744e-656564454649")); // BIOS boot
        m.put("EA00", UUID.fromString("bc13c2ff-59e6-4262-a352-b275fd6f7172")); // XBOOTLDR
        m.put("0700", UUID.fromString("ebd0a0a2-b9e5-4433-87c0-68b6b72699c7")); // basic data
        m.put("0C01", UUID.fromString("e3c9e316-0b5c-4db8-817d-f92df00215ae")); // MS reserved
        m.put("8301", UUID.fromString("8da63339-0007-60c0-c436-083ac8230908")); // Linux reserved
        m.put("8302", UUID.fromString("933ac7e1-2eb4-4f13-b844-0e14e2aef915")); // Linux /home
        m.put("8303", UUID.fromString("44479540-f297-41b2-9af7-d131d5f0458a")); // root x86
        m.put("8304", UUID.fromString("4f68bce3-e8cd-4db1-96e7-fbcaf984b709")); // root x86-64
        m.put("8305", UUID.fromString("b921b045-1df0-41c3-af44-4c6f280d3fae")); // root arm64
        m.put("8306", UUID.fromString("3b8f8425-20e0-4f3b-907f-1a25a76f98e8")); // Linux /srv
        m.put("8307", UUID.fromString("69dad710-2ce4-4e3c-b16c-21a1d49abed3")); // root arm32
        m.put("8309", UUID.fromString("ca7d7ccb-63ed-4c53-861c-1742536059cc")); // LUKS
        m.put("8310", UUID.fromString("4d21b016-b534-45c2-a9fb-5c16e091fd2d")); // Linux /var
        m.put("8311", UUID.fromString("7ec6f557-3bc5-4aca-b293-16ef5df639d1")); // Linux /var/tmp
        m.put("4100", UUID.fromString("9e1a2d38-c612-4316-aa26-8b49521e5a8b")); // PReP boot
        return Collections.unmodifiableMap(m);
    }

    /** The known codes, in a stable order (for messages and tests). */
    static Map<String, UUID> known() {
        return CODES;
    }

    /** Returns the code upper-cased ("EF00") or the GUID lower-cased, or throws naming the partition. */
    static String normalize(String partition, String type) {
        if (type == null) {
            return DEFAULT;
        }
        String code = type.strip().toUpperCase(Locale.ROOT);
        if (CODES.containsKey(code)) {
            return code;
        }
        if (code.matches("[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")) {
            return code.toLowerCase(Locale.ROOT);
        }
        throw new PartitionSpecException("partition '" + partition + "' has unknown GPT type '" + type
                + "'; use one of " + String.join(", ", CODES.keySet()) + " or a type GUID");
    }

    static UUID guid(String normalized) {
        UUID known = CODES.get(normalized);
        return known != null ? known : UUID.fromString(normalized);
    }
}
