package io.jdib.blockdevice.partition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/** GUIDs as GPT stores them: the first three fields little-endian, the last eight bytes as-is. */
final class Guids {
    private Guids() {}

    static void put(ByteBuffer buf, UUID uuid) {
        long msb = uuid.getMostSignificantBits();
        long lsb = uuid.getLeastSignificantBits();
        ByteOrder order = buf.order();
        buf.order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt((int) (msb >>> 32));
        buf.putShort((short) (msb >>> 16));
        buf.putShort((short) msb);
        buf.order(ByteOrder.BIG_ENDIAN);
        buf.putLong(lsb);
        buf.order(order);
    }

    static UUID get(ByteBuffer buf) {
        ByteOrder order = buf.order();
        buf.order(ByteOrder.LITTLE_ENDIAN);
        long d1 = buf.getInt() & 0xffff_ffffL;
        long d2 = buf.getShort() & 0xffffL;
        long d3 = buf.getShort() & 0xffffL;
        buf.order(ByteOrder.BIG_ENDIAN);
        long lsb = buf.getLong();
        buf.order(order);
        return new UUID(d1 << 32 | d2 << 16 | d3, lsb);
    }
}
