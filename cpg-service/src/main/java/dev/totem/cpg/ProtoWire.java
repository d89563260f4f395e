package dev.totem.cpg;

import java.nio.ByteBuffer;

/**
 * Protobuf's varints, read and written byte by byte, for the hand-written codecs of the messages
 * a busy node and client handle most (a multicast on the ring, a multicast request, a delivery).
 * At 64-byte messages these run millions of times a second, where a {@code CodedInputStream} or
 * {@code CodedOutputStream} per message and its bookkeeping cost more than the bytes themselves.
 *
 * <p>A reader gives a varint as one {@code long}: its value in the low 32 bits and the position
 * after it in the high ones ({@link #value}, {@link #position}), or {@link #MALFORMED} when it is
 * cut off or is not a uint32 in at most 5 bytes. Protobuf takes the longer ones too (it
 * truncates them to 32 bits); the hand-written readers leave those messages to the generated
 * code instead.
 */
public final class ProtoWire {
    /** What a reader returns for a varint it does not take. */
    public static final long MALFORMED = -1;

    private ProtoWire() {}

    /** Bytes of {@code value} as an unsigned varint: 1 to 10. */
    public static int varintSize(long value) {
        // 7 bits a byte; 64 - numberOfLeadingZeros is the bits used (at least 1 byte for 0).
        return value == 0 ? 1 : (63 - Long.numberOfLeadingZeros(value)) / 7 + 1;
    }

    /** Bytes of {@code value} as a uint32 varint (protobuf's uint32: unsigned, at most 5). */
    public static int uint32Size(int value) {
        return varintSize(value & 0xFFFFFFFFL);
    }

    /** Writes {@code value} as an unsigned varint at {@code at}; returns the position after it. */
    public static int putVarint(byte[] array, int at, long value) {
        while ((value & ~0x7FL) != 0) {
            array[at++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        array[at++] = (byte) value;
        return at;
    }

    /**
     * Writes a varint field, its tag (of one byte: field numbers below 16) and {@code value} as
     * an unsigned varint, at {@code at}; returns the position after it.
     */
    public static int putVarintField(byte[] array, int at, int tag, long value) {
        array[at] = (byte) tag;
        return putVarint(array, at + 1, value);
    }

    /**
     * Writes a length-delimited field, its tag (of one byte), the length and the {@code length}
     * bytes of {@code src} from {@code offset}, at {@code at}; returns the position after it.
     */
    public static int putBytesField(byte[] array, int at, int tag, byte[] src, int offset, int length) {
        at = putVarintField(array, at, tag, length);
        System.arraycopy(src, offset, array, at, length);
        return at + length;
    }

    /** The uint32 varint at {@code p}, before {@code end}; see the class comment for the result. */
    public static long varint32(byte[] array, int p, int end) {
        int value = 0;
        for (int shift = 0; shift <= 28 && p < end; shift += 7) {
            int b = array[p++];
            value |= (b & 0x7F) << shift;
            if (b >= 0) {
                return shift == 28 && b > 0x0F ? MALFORMED : ((long) p << 32) | (value & 0xFFFFFFFFL);
            }
        }
        return MALFORMED;
    }

    /** As {@link #varint32(byte[], int, int)}, at absolute position {@code p} of {@code buffer}. */
    public static long varint32(ByteBuffer buffer, int p, int end) {
        int value = 0;
        for (int shift = 0; shift <= 28 && p < end; shift += 7) {
            int b = buffer.get(p++);
            value |= (b & 0x7F) << shift;
            if (b >= 0) {
                return shift == 28 && b > 0x0F ? MALFORMED : ((long) p << 32) | (value & 0xFFFFFFFFL);
            }
        }
        return MALFORMED;
    }

    /**
     * The position after the varint of up to 10 bytes at {@code p} of {@code buffer}, before
     * {@code end}; -1 when it is cut off or longer. {@link #varint64} then reads its value.
     */
    public static int skipVarint64(ByteBuffer buffer, int p, int end) {
        for (int n = 0; n < 10 && p < end; n++) {
            if (buffer.get(p++) >= 0) {
                return p;
            }
        }
        return -1;
    }

    /** The value of the varint at {@code p} of {@code buffer}, which {@link #skipVarint64} took. */
    public static long varint64(ByteBuffer buffer, int p) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int b = buffer.get(p++);
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    /** The value of a varint a reader returned (not {@link #MALFORMED}). */
    public static int value(long varint) {
        return (int) varint;
    }

    /** The position after a varint a reader returned (not {@link #MALFORMED}). */
    public static int position(long varint) {
        return (int) (varint >>> 32);
    }
}
