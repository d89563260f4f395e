package dev.totem.protocol.wire;

import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One member's old-ring state in a {@link CommitToken}, filled in by that member as the token
 * passes. 32 bytes:
 * <pre>
 *  off size field
 *   0   4   old ring rep    ring the member comes from (0:0 = unfilled, or never in a ring)
 *   4   8   old ring seq
 *  12   8   aru             the member's aru on its old ring
 *  20   8   highDelivered   highest old-ring seq it delivered
 *  28   4   receivedFlag    0 or 1: it had received everything up to its highest seq seen
 * </pre>
 *
 * @param oldRing the member's old ring, {@link RingId#NONE} for an unfilled entry
 * @param aru all received up to, on the old ring
 * @param highDelivered highest seq delivered on the old ring
 * @param received whether the member held every old-ring message up to the highest it saw
 */
public record CommitEntry(RingId oldRing, long aru, long highDelivered, boolean received) {
    /** Bytes of one entry. */
    public static final int LENGTH = 32;
    /** An entry no member has filled in yet. */
    public static final CommitEntry UNFILLED = new CommitEntry(RingId.NONE, 0, 0, false);

    private static final int OLD_REP = 0;
    private static final int OLD_SEQ = 4;
    private static final int ARU = 12;
    private static final int HIGH_DELIVERED = 20;
    private static final int RECEIVED = 28;

    public CommitEntry {
        Objects.requireNonNull(oldRing, "oldRing");
    }

    void writeTo(ByteBuffer buf, int at) {
        Bytes.putI32(buf, at + OLD_REP, oldRing.rep());
        Bytes.putI64(buf, at + OLD_SEQ, oldRing.seq());
        Bytes.putI64(buf, at + ARU, aru);
        Bytes.putI64(buf, at + HIGH_DELIVERED, highDelivered);
        Bytes.putI32(buf, at + RECEIVED, received ? 1 : 0);
    }

    static CommitEntry readFrom(ByteBuffer buf, int at) {
        return new CommitEntry(new RingId(Bytes.i32(buf, at + OLD_REP), Bytes.i64(buf, at + OLD_SEQ)),
                Bytes.i64(buf, at + ARU), Bytes.i64(buf, at + HIGH_DELIVERED), Bytes.i32(buf, at + RECEIVED) != 0);
    }

    /** Whether the entry at {@code at} is well formed: only the received flag is restricted. */
    static boolean isValid(ByteBuffer buf, int at) {
        return (Bytes.i32(buf, at + RECEIVED) & ~1) == 0;
    }
}
