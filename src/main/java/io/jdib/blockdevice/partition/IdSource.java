package io.jdib.blockdevice.partition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Where disk signatures and GUIDs come from: random for real builds, or derived from a seed so a
 * build (and a test fixture) is reproducible. Seeded values hash the seed with what they are for,
 * so they do not depend on any JDK random-number algorithm.
 */
public final class IdSource {
    private final String seed;
    private final SecureRandom random;

    private IdSource(String seed) {
        this.seed = seed;
        this.random = seed == null ? new SecureRandom() : null;
    }

    public static IdSource random() {
        return new IdSource(null);
    }

    public static IdSource seeded(String seed) {
        if (seed == null) {
            throw new IllegalArgumentException("seed");
        }
        return new IdSource(seed);
    }

    /** MBR disk signature (bytes 440-443), never 0 so tools do not take it for "unset". */
    public int diskSignature() {
        int value = ByteBuffer.wrap(bytes("disk-signature")).getInt();
        return value == 0 ? 1 : value;
    }

    public UUID diskGuid() {
        return uuid("disk-guid");
    }

    public UUID partitionGuid(int number) {
        return uuid("partition-guid-" + number);
    }

    private UUID uuid(String purpose) {
        byte[] b = bytes(purpose);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
        b[8] = (byte) ((b[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new UUID(buf.getLong(), buf.getLong());
    }

    private byte[] bytes(String purpose) {
        byte[] out = new byte[16];
        if (random != null) {
            random.nextBytes(out);
            return out;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((seed + "\0" + purpose).getBytes(StandardCharsets.UTF_8));
            System.arraycopy(digest, 0, out, 0, out.length);
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
