package dev.totem.protocol.wire;

import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A member with something to send multicasts this to make the representative release the token it
 * holds on an idle ring. 24 bytes: header, ringRep (u32) at 12, ringSeq (u64) at 16.
 *
 * @param sender node id of the sender, non-zero
 * @param ring the ring concerned; its rep is non-zero
 */
public record TokenHoldCancel(int sender, RingId ring) {
    public TokenHoldCancel {
        Objects.requireNonNull(ring, "ring");
    }

    /** The whole frame; throws IllegalArgumentException for a zero sender or ring rep. */
    public byte[] encode() {
        return RingFrames.encode(FrameType.TOKEN_HOLD_CANCEL, sender, ring);
    }

    /** Decodes the frame at {@code offset}; {@link Frames#check} must have returned OK for it. */
    public static TokenHoldCancel decode(ByteBuffer buf, int offset) {
        return RingFrames.decode(buf, offset, FrameType.TOKEN_HOLD_CANCEL, TokenHoldCancel::new);
    }
}
