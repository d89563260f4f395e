package dev.totem.protocol.wire;

import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The representative of an idle ring multicasts its ring id so that a partition which hears it
 * starts a merge. 24 bytes: header, ringRep (u32) at 12, ringSeq (u64) at 16.
 *
 * @param sender node id of the sender, non-zero
 * @param ring the ring concerned; its rep is non-zero
 */
public record MergeDetect(int sender, RingId ring) {
    public MergeDetect {
        Objects.requireNonNull(ring, "ring");
    }

    /** The whole frame; throws IllegalArgumentException for a zero sender or ring rep. */
    public byte[] encode() {
        return RingFrames.encode(FrameType.MERGE_DETECT, sender, ring);
    }

    /** Decodes the frame at {@code offset}; {@link Frames#check} must have returned OK for it. */
    public static MergeDetect decode(ByteBuffer buf, int offset) {
        return RingFrames.decode(buf, offset, FrameType.MERGE_DETECT, MergeDetect::new);
    }
}
