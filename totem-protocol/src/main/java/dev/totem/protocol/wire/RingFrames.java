package dev.totem.protocol.wire;

import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;

/**
 * The two frames that carry nothing but a ring id, MERGE_DETECT and TOKEN_HOLD_CANCEL: one
 * layout, 24 bytes, header then ringRep (u32) at 12 and ringSeq (u64) at 16.
 */
final class RingFrames {
    static final int LENGTH = 24;

    /** Makes the record of one of the two types. */
    @FunctionalInterface
    interface Factory<T> {
        T make(int sender, RingId ring);
    }

    private RingFrames() {}

    static byte[] encode(FrameType type, int sender, RingId ring) {
        return Frames.finish(Frames.newFrame(type, 0, LENGTH, sender, ring));
    }

    static <T> T decode(ByteBuffer buf, int offset, FrameType type, Factory<T> factory) {
        Frames.requireType(buf, offset, type);
        return factory.make(Frames.sender(buf, offset), Frames.ringId(buf, offset));
    }

    /** The rest of {@link Frames#check}: the fixed part was there, so only extra bytes are wrong. */
    static DecodeStatus checkBody(int length) {
        return length == LENGTH ? DecodeStatus.OK : DecodeStatus.LENGTH_MISMATCH;
    }
}
