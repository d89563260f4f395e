package dev.totem.protocol.wire;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Flyweight over an MCAST frame, one ring-ordered message, {@code 40 + payload} bytes:
 * <pre>
 *  off size field
 *   0  12   header (type MCAST)
 *  12   4   ringRep       ring the message was sent in
 *  16   8   ringSeq
 *  24   8   seq           the message's place in the ring's total order
 *  32   4   originator    node id of the node that first sent it
 *  36   1   guarantee     0 agreed, 1 safe
 *  37   1   encapsulated  0 no; 1 the payload is one whole old-ring MCAST frame (recovery)
 *  38   2   reserved, 0
 *  40   ..  payload, frameLength - 40 bytes (may be empty)
 * </pre>
 * The sender in the header is the node that put this copy on the wire; it differs from the
 * originator when a member retransmits another's message.
 */
public final class McastFrame extends FrameFlyweight<McastFrame> {
    /** Offset of the payload in the frame. */
    public static final int PAYLOAD_OFFSET = 40;
    /** Largest payload that fits the u16 frameLength. */
    public static final int MAX_PAYLOAD_LENGTH = Frames.MAX_FRAME_LENGTH - PAYLOAD_OFFSET;

    private static final int SEQ = 24;
    private static final int ORIGINATOR = 32;
    private static final int GUARANTEE = 36;
    private static final int ENCAPSULATED = 37;
    private static final int RESERVED = 38;

    @Override
    McastFrame self() {
        return this;
    }

    /** Bytes of an MCAST frame with {@code payloadLength} bytes of payload. */
    public static int length(int payloadLength) {
        return PAYLOAD_OFFSET + payloadLength;
    }

    /**
     * Encodes a whole MCAST frame into a new array.
     *
     * @throws IllegalArgumentException when the frame would fail {@link Frames#check} (for example
     *     a zero sender, ring rep or originator, or an encapsulated payload that is no plain MCAST)
     */
    public static byte[] encode(int sender, RingId ring, long seq, int originator, Guarantee guarantee,
            boolean encapsulated, byte[] payload, int payloadOff, int payloadLen) {
        Objects.checkFromIndexSize(payloadOff, payloadLen, payload.length);
        ByteBuffer frame = ByteBuffer.allocate(length(payloadLen));
        new McastFrame().wrap(frame, 0).init(sender, payloadLen).ringId(ring).seq(seq).originator(originator)
                .guarantee(guarantee).encapsulated(encapsulated).payload(payload, payloadOff, payloadLen);
        return Frames.finish(frame);
    }

    /**
     * Starts an MCAST frame in the wrapped buffer, which must hold {@link #length}{@code
     * (payloadLength)} bytes from the offset: writes the header and zeroes the fixed fields. The
     * caller sets ring id, seq, originator and guarantee, and writes the payload.
     */
    public McastFrame init(int sender, int payloadLength) {
        if (payloadLength < 0 || payloadLength > MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("payloadLength " + payloadLength + " outside 0.." + MAX_PAYLOAD_LENGTH);
        }
        start(FrameType.MCAST, length(payloadLength), sender);
        return this;
    }

    /** The message's place in the ring's total order. */
    public long seq() {
        return i64(SEQ);
    }

    public McastFrame seq(long seq) {
        return putI64(SEQ, seq);
    }

    /** Node id of the node that first sent the message. */
    public int originator() {
        return i32(ORIGINATOR);
    }

    public McastFrame originator(int originator) {
        return putI32(ORIGINATOR, originator);
    }

    /** Agreed or safe delivery; never null for a checked frame. */
    public Guarantee guarantee() {
        return Guarantee.ofCode(Bytes.u8(buf, offset + GUARANTEE));
    }

    public McastFrame guarantee(Guarantee guarantee) {
        Bytes.putU8(buf, offset + GUARANTEE, guarantee.code());
        return this;
    }

    /** Whether the payload is a whole MCAST frame of the old ring, re-sent during recovery. */
    public boolean encapsulated() {
        return Bytes.u8(buf, offset + ENCAPSULATED) != 0;
    }

    public McastFrame encapsulated(boolean encapsulated) {
        Bytes.putU8(buf, offset + ENCAPSULATED, encapsulated ? 1 : 0);
        return this;
    }

    /** Bytes of payload: frameLength - 40. */
    public int payloadLength() {
        return frameLength() - PAYLOAD_OFFSET;
    }

    /** Absolute offset of the payload in {@link #buffer()}. */
    public int payloadOffset() {
        return offset + PAYLOAD_OFFSET;
    }

    /**
     * The payload without copying: a slice of the buffer from position 0 to its length, big-endian.
     * It shares the bytes, so it is valid only while the buffer holds this frame.
     */
    public ByteBuffer payload() {
        return buf.slice(payloadOffset(), payloadLength());
    }

    /** A copy of the payload. */
    public byte[] copyPayload() {
        byte[] copy = new byte[payloadLength()];
        buf.get(payloadOffset(), copy);
        return copy;
    }

    /** Copies {@code len} bytes of {@code src} into the payload; {@code len} must equal payloadLength(). */
    public McastFrame payload(byte[] src, int srcOff, int len) {
        if (len != payloadLength()) {
            throw new IllegalArgumentException("payload of " + len + " bytes for a frame made for " + payloadLength());
        }
        buf.put(payloadOffset(), src, srcOff, len);
        return this;
    }

    /** The MCAST-specific part of {@link Frames#check}; header, fixed length and ring rep checked. */
    static DecodeStatus checkBody(ByteBuffer buf, int offset, int length) {
        int encapsulated = Bytes.u8(buf, offset + ENCAPSULATED);
        if (Guarantee.ofCode(Bytes.u8(buf, offset + GUARANTEE)) == null || encapsulated > 1
                || Bytes.u16(buf, offset + RESERVED) != 0 || Bytes.i32(buf, offset + ORIGINATOR) == 0) {
            return DecodeStatus.BAD_FIELD;
        }
        if (encapsulated == 1 && !isPlainFrame(buf, offset + PAYLOAD_OFFSET, length - PAYLOAD_OFFSET)) {
            return DecodeStatus.BAD_FIELD;
        }
        return DecodeStatus.OK;
    }

    /**
     * Whether the region is exactly one valid MCAST frame that is not itself encapsulated. Recovery
     * wraps an old-ring message once, never twice; testing the inner flag first keeps the check
     * from recursing.
     */
    private static boolean isPlainFrame(ByteBuffer buf, int offset, int length) {
        return length >= PAYLOAD_OFFSET
                && Bytes.u8(buf, offset + Frames.TYPE_OFFSET) == FrameType.MCAST.code()
                && Bytes.u8(buf, offset + ENCAPSULATED) == 0
                && Frames.check(buf, offset, length) == DecodeStatus.OK;
    }
}
