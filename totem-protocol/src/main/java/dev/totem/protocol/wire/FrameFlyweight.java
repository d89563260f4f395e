package dev.totem.protocol.wire;

import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What the two high-rate flyweights share: a window on one frame in a caller's buffer, the
 * header's sender and the ring id. A flyweight allocates nothing per frame, so one instance per
 * engine serves every token and message; it is not thread safe.
 *
 * <p>Getters assume {@link Frames#check} returned {@link DecodeStatus#OK} for the wrapped frame.
 * Setters return this so that a frame is written in one chain.
 */
abstract class FrameFlyweight<T extends FrameFlyweight<T>> {
    ByteBuffer buf;
    int offset;

    abstract T self();

    /** Points this flyweight at the frame starting at {@code offset} of {@code buf}. */
    public T wrap(ByteBuffer buf, int offset) {
        this.buf = Objects.requireNonNull(buf, "buf");
        this.offset = offset;
        return self();
    }

    /** The buffer last wrapped. */
    public ByteBuffer buffer() {
        return buf;
    }

    /** The offset in {@link #buffer()} where the frame starts. */
    public int offset() {
        return offset;
    }

    /** The frame's length as its header says. */
    public int frameLength() {
        return Frames.frameLength(buf, offset);
    }

    /** Node id of the node that put the frame on the wire. */
    public int sender() {
        return Frames.sender(buf, offset);
    }

    /** Sets the header's sender. */
    public T sender(int sender) {
        Bytes.putI32(buf, offset + Frames.SENDER_OFFSET, sender);
        return self();
    }

    /** Representative (lowest node id) of the ring the frame belongs to. */
    public int ringRep() {
        return Frames.ringRep(buf, offset);
    }

    /** Sets the ring rep; a frame of ring rep 0 fails the check (except a join). */
    public T ringRep(int rep) {
        Bytes.putI32(buf, offset + Frames.RING_REP_OFFSET, rep);
        return self();
    }

    /** Sequence number of the ring the frame belongs to. */
    public long ringSeq() {
        return Frames.ringSeq(buf, offset);
    }

    /** Sets the ring seq. */
    public T ringSeq(long seq) {
        Bytes.putI64(buf, offset + Frames.RING_SEQ_OFFSET, seq);
        return self();
    }

    /** The ring id (allocates a {@link RingId}). */
    public RingId ringId() {
        return Frames.ringId(buf, offset);
    }

    /** Sets ring rep and ring seq. */
    public T ringId(RingId ring) {
        Frames.writeRingId(buf, offset, ring);
        return self();
    }

    /**
     * Writes the header for a frame of {@code length} bytes and zeroes the rest of the type's
     * fixed part, so that nothing of a previous frame in a reused buffer survives.
     */
    final void start(FrameType type, int length, int sender) {
        Frames.writeHeader(buf, offset, type, 0, length, sender);
        Bytes.zero(buf, offset + Frames.HEADER_LENGTH, offset + type.fixedLength());
    }

    final int u16(int field) {
        return Bytes.u16(buf, offset + field);
    }

    final int i32(int field) {
        return Bytes.i32(buf, offset + field);
    }

    final long i64(int field) {
        return Bytes.i64(buf, offset + field);
    }

    final T putU16(int field, int value) {
        Bytes.putU16(buf, offset + field, value);
        return self();
    }

    final T putI32(int field, int value) {
        Bytes.putI32(buf, offset + field, value);
        return self();
    }

    final T putI64(int field, long value) {
        Bytes.putI64(buf, offset + field, value);
        return self();
    }
}
