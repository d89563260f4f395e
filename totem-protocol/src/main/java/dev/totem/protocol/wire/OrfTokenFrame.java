package dev.totem.protocol.wire;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Flyweight over an ORF (ordering, reliability, flow control) token frame, {@code 64 + 8n} bytes
 * for {@code n} retransmit requests:
 * <pre>
 *  off size field
 *   0  12   header (type ORF_TOKEN)
 *  12   4   ringRep
 *  16   8   ringSeq
 *  24   8   tokenSeq     token instance, +1 per hop; a receiver drops tokens it has seen
 *  32   8   seq          highest message seq assigned on this ring
 *  40   8   aru          all received up to, lowest around the ring
 *  48   4   aruAddr      node that last lowered aru, 0 = none
 *  52   4   backlog      u32, sum of the members' send queues
 *  56   4   fcc          u32, messages broadcast during the last rotation
 *  60   2   retransFlag  0 or 1: some node still re-sends old-ring messages (recovery)
 *  62   2   rtrCount n   at most {@link Frames#MAX_RTR_ENTRIES}
 *  64  8n   retransmit list: message seqs, u64 each
 * </pre>
 * Sequence numbers are u64 read as Java longs; see the module README for why they never wrap.
 */
public final class OrfTokenFrame extends FrameFlyweight<OrfTokenFrame> {
    private static final int TOKEN_SEQ = 24;
    private static final int SEQ = 32;
    private static final int ARU = 40;
    private static final int ARU_ADDR = 48;
    private static final int BACKLOG = 52;
    private static final int FCC = 56;
    private static final int RETRANS_FLAG = 60;
    private static final int RTR_COUNT = 62;
    private static final int RTR_LIST = 64;

    @Override
    OrfTokenFrame self() {
        return this;
    }

    /** Bytes of a token carrying {@code rtrCount} retransmit requests. */
    public static int length(int rtrCount) {
        return FrameType.ORF_TOKEN.fixedLength() + 8 * rtrCount;
    }

    /**
     * Starts a token in the wrapped buffer, which must hold {@link #length}{@code (rtrCount)}
     * bytes from the offset: writes the header, zeroes every field and sets rtrCount. The caller
     * then sets the ring id (a token with ring rep 0 fails the check) and the other fields.
     */
    public OrfTokenFrame init(int sender, int rtrCount) {
        requireRtrCount(rtrCount);
        start(FrameType.ORF_TOKEN, length(rtrCount), sender);
        return putU16(RTR_COUNT, rtrCount);
    }

    /** Token instance counter, +1 per hop; a receiver drops a token it has already seen. */
    public long tokenSeq() {
        return i64(TOKEN_SEQ);
    }

    public OrfTokenFrame tokenSeq(long tokenSeq) {
        return putI64(TOKEN_SEQ, tokenSeq);
    }

    /** Highest message seq assigned on this ring; a sender takes {@code seq + 1} per message. */
    public long seq() {
        return i64(SEQ);
    }

    public OrfTokenFrame seq(long seq) {
        return putI64(SEQ, seq);
    }

    /** All received up to: the lowest contiguously received seq seen around the ring. */
    public long aru() {
        return i64(ARU);
    }

    public OrfTokenFrame aru(long aru) {
        return putI64(ARU, aru);
    }

    /** Node id that last lowered aru, or 0 when nobody is behind. */
    public int aruAddr() {
        return i32(ARU_ADDR);
    }

    public OrfTokenFrame aruAddr(int aruAddr) {
        return putI32(ARU_ADDR, aruAddr);
    }

    /** u32 in an int: use {@link Integer#toUnsignedLong} for values past 2^31 - 1. */
    public int backlog() {
        return i32(BACKLOG);
    }

    public OrfTokenFrame backlog(int backlog) {
        return putI32(BACKLOG, backlog);
    }

    /** u32 in an int: use {@link Integer#toUnsignedLong} for values past 2^31 - 1. */
    public int fcc() {
        return i32(FCC);
    }

    public OrfTokenFrame fcc(int fcc) {
        return putI32(FCC, fcc);
    }

    /** Recovery: some node still has old-ring messages to re-send. */
    public boolean retransFlag() {
        return u16(RETRANS_FLAG) != 0;
    }

    public OrfTokenFrame retransFlag(boolean retransFlag) {
        return putU16(RETRANS_FLAG, retransFlag ? 1 : 0);
    }

    /** Number of retransmit requests, 0..{@link Frames#MAX_RTR_ENTRIES}. */
    public int rtrCount() {
        return u16(RTR_COUNT);
    }

    /**
     * Sets the number of retransmit requests and the header's frameLength to match, so a token
     * can shrink or grow its list in place. The buffer must hold {@link #length}{@code (n)} bytes.
     */
    public OrfTokenFrame rtrCount(int rtrCount) {
        requireRtrCount(rtrCount);
        putU16(Frames.FRAME_LENGTH_OFFSET, length(rtrCount));
        return putU16(RTR_COUNT, rtrCount);
    }

    /** The message seq of retransmit request {@code i}, {@code 0 <= i < rtrCount()}. */
    public long rtrSeq(int i) {
        return i64(RTR_LIST + 8 * Objects.checkIndex(i, rtrCount()));
    }

    public OrfTokenFrame rtrSeq(int i, long seq) {
        return putI64(RTR_LIST + 8 * Objects.checkIndex(i, rtrCount()), seq);
    }

    private static void requireRtrCount(int rtrCount) {
        if (rtrCount < 0 || rtrCount > Frames.MAX_RTR_ENTRIES) {
            throw new IllegalArgumentException("rtrCount " + rtrCount + " outside 0.." + Frames.MAX_RTR_ENTRIES);
        }
    }

    /** The ORF-specific part of {@link Frames#check}; header and fixed length already checked. */
    static DecodeStatus checkBody(ByteBuffer buf, int offset, int length) {
        int rtrCount = Bytes.u16(buf, offset + RTR_COUNT);
        if (rtrCount > Frames.MAX_RTR_ENTRIES) {
            return DecodeStatus.COUNT_OVER_LIMIT;
        }
        if (length != length(rtrCount)) {
            return DecodeStatus.LENGTH_MISMATCH;
        }
        return Bytes.u16(buf, offset + RETRANS_FLAG) > 1 ? DecodeStatus.BAD_FIELD : DecodeStatus.OK;
    }
}
