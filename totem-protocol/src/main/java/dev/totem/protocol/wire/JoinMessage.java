package dev.totem.protocol.wire;

import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A membership join, multicast while gathering; with {@code leave}, the sender announces that it
 * leaves on purpose. {@code 28 + 4(P + F)} bytes:
 * <pre>
 *  off   size field
 *   0    12   header (type JOIN, flag LEAVE when leaving)
 *  12     4   ringRep     the sender's current ring (0:0 before its first ring)
 *  16     8   ringSeq
 *  24     2   procCount P   at most {@link Frames#MAX_PROCESSORS}
 *  26     2   failedCount F at most {@link Frames#MAX_PROCESSORS}
 *  28    4P   proc list: node ids the sender believes reachable, none 0
 *  28+4P 4F   failed list: node ids the sender considers failed, none 0
 * </pre>
 * The arrays are not copied; treat them as immutable.
 *
 * @param sender node id of the sender, non-zero
 * @param leave whether the sender leaves on purpose (header flag LEAVE)
 * @param ring the sender's current ring, {@link RingId#NONE} before its first ring
 * @param procList node ids the sender believes reachable
 * @param failedList node ids the sender considers failed
 */
public record JoinMessage(int sender, boolean leave, RingId ring, int[] procList, int[] failedList) {
    private static final int PROC_COUNT = 24;
    private static final int FAILED_COUNT = 26;
    private static final int LISTS = 28;

    public JoinMessage {
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(procList, "procList");
        Objects.requireNonNull(failedList, "failedList");
    }

    /** Bytes of a join with these list sizes. */
    public static int length(int procCount, int failedCount) {
        return FrameType.JOIN.fixedLength() + 4 * (procCount + failedCount);
    }

    /**
     * The whole frame.
     *
     * @throws IllegalArgumentException when it would fail {@link Frames#check} (zero sender or
     *     list entry, a list longer than {@link Frames#MAX_PROCESSORS})
     */
    public byte[] encode() {
        ByteBuffer frame = Frames.newFrame(FrameType.JOIN, leave ? Frames.FLAG_LEAVE : 0,
                length(procList.length, failedList.length), sender, ring);
        Bytes.putU16(frame, PROC_COUNT, procList.length);
        Bytes.putU16(frame, FAILED_COUNT, failedList.length);
        Bytes.putI32s(frame, LISTS, procList);
        Bytes.putI32s(frame, LISTS + 4 * procList.length, failedList);
        return Frames.finish(frame);
    }

    /** Decodes the join at {@code offset}; {@link Frames#check} must have returned OK for it. */
    public static JoinMessage decode(ByteBuffer buf, int offset) {
        Frames.requireType(buf, offset, FrameType.JOIN);
        int procCount = Bytes.u16(buf, offset + PROC_COUNT);
        int failedCount = Bytes.u16(buf, offset + FAILED_COUNT);
        return new JoinMessage(Frames.sender(buf, offset), (Frames.flags(buf, offset) & Frames.FLAG_LEAVE) != 0,
                Frames.ringId(buf, offset), Bytes.i32s(buf, offset + LISTS, procCount),
                Bytes.i32s(buf, offset + LISTS + 4 * procCount, failedCount));
    }

    /** The JOIN-specific part of {@link Frames#check}; header and fixed length already checked. */
    static DecodeStatus checkBody(ByteBuffer buf, int offset, int length) {
        int procCount = Bytes.u16(buf, offset + PROC_COUNT);
        int failedCount = Bytes.u16(buf, offset + FAILED_COUNT);
        if (procCount > Frames.MAX_PROCESSORS || failedCount > Frames.MAX_PROCESSORS) {
            return DecodeStatus.COUNT_OVER_LIMIT;
        }
        if (length != length(procCount, failedCount)) {
            return DecodeStatus.LENGTH_MISMATCH;
        }
        for (int at = offset + LISTS; at < offset + length; at += 4) {
            if (Bytes.i32(buf, at) == 0) {
                return DecodeStatus.BAD_FIELD;
            }
        }
        return DecodeStatus.OK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JoinMessage j && j.sender == sender && j.leave == leave && j.ring.equals(ring)
                && Arrays.equals(j.procList, procList) && Arrays.equals(j.failedList, failedList);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sender, leave, ring, Arrays.hashCode(procList), Arrays.hashCode(failedList));
    }

    @Override
    public String toString() {
        return "JoinMessage[sender=" + sender + (leave ? ", LEAVE" : "") + ", ring=" + ring
                + ", procList=" + Arrays.toString(procList) + ", failedList=" + Arrays.toString(failedList) + "]";
    }
}
