package dev.totem.protocol.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Big-endian absolute access to a buffer, whatever order the buffer object was set to: a caller
 * may hand us a little-endian view and the wire format must not change with it.
 */
final class Bytes {
    private Bytes() {}

    private static boolean swap(ByteBuffer b) {
        return b.order() != ByteOrder.BIG_ENDIAN;
    }

    static int u8(ByteBuffer b, int index) {
        return b.get(index) & 0xFF;
    }

    static int u16(ByteBuffer b, int index) {
        short v = b.getShort(index);
        return (swap(b) ? Short.reverseBytes(v) : v) & 0xFFFF;
    }

    static int i32(ByteBuffer b, int index) {
        int v = b.getInt(index);
        return swap(b) ? Integer.reverseBytes(v) : v;
    }

    static long i64(ByteBuffer b, int index) {
        long v = b.getLong(index);
        return swap(b) ? Long.reverseBytes(v) : v;
    }

    static void putU8(ByteBuffer b, int index, int value) {
        b.put(index, (byte) value);
    }

    static void putU16(ByteBuffer b, int index, int value) {
        short v = (short) value;
        b.putShort(index, swap(b) ? Short.reverseBytes(v) : v);
    }

    static void putI32(ByteBuffer b, int index, int value) {
        b.putInt(index, swap(b) ? Integer.reverseBytes(value) : value);
    }

    static void putI64(ByteBuffer b, int index, long value) {
        b.putLong(index, swap(b) ? Long.reverseBytes(value) : value);
    }

    /** Zeroes bytes {@code from} (inclusive) to {@code to} (exclusive). */
    static void zero(ByteBuffer b, int from, int to) {
        for (int i = from; i < to; i++) {
            b.put(i, (byte) 0);
        }
    }

    /** Reads {@code count} consecutive u32 values (node ids) starting at {@code index}. */
    static int[] i32s(ByteBuffer b, int index, int count) {
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = i32(b, index + 4 * i);
        }
        return values;
    }

    /** Writes {@code values} as consecutive u32 values starting at {@code index}. */
    static void putI32s(ByteBuffer b, int index, int[] values) {
        for (int i = 0; i < values.length; i++) {
            putI32(b, index + 4 * i, values[i]);
        }
    }
}
