package dev.totem.protocol.wire;

import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A membership join, multicast while gathering; with {@code leave}, the sender announces that it
 * leaves on purpose. {@code 32 + 4(P + F) + 12H} bytes:
 * <pre>
 *  off   size field
 *   0    12   header (type JOIN, flag LEAVE when leaving, flag BOOT before the sender's first ring)
 *  12     4   ringRep     the sender's current ring (0:0 before its first ring)
 *  16     8   ringSeq
 *  24     2   procCount P   at most {@link Frames#MAX_PROCESSORS}
 *  26     2   failedCount F at most {@link Frames#MAX_PROCESSORS}
 *  28     2   heldCount H   at most {@link Frames#MAX_PROCESSORS}
 *  30     2   reserved, 0
 *  32    4P   proc list: node ids the sender believes reachable, none 0
 *  32+4P 4F   failed list: node ids the sender considers failed, none 0
 *  ..   12H   held list: a node id (none 0) the sender holds off merging with, the hold's
 *             milliseconds left (1..{@link #HOLD_MILLIS_MAX}), the node's exclusions in a row
 *             (u16, 2..{@link #EXCLUSIONS_MAX}) and a reserved u16, 0
 * </pre>
 * The arrays are not copied; treat them as immutable.
 *
 * @param sender node id of the sender, non-zero
 * @param leave whether the sender leaves on purpose (header flag LEAVE)
 * @param boot whether the sender has installed no ring since it (re)started (header flag BOOT):
 *     a node that held it off lets it in, as a restart is what an operator does after a repair
 * @param ring the sender's current ring, {@link RingId#NONE} before its first ring
 * @param procList node ids the sender believes reachable
 * @param failedList node ids the sender considers failed
 * @param heldList node ids the sender holds off merging with (they are in its failed list too)
 * @param heldMillis for each of {@code heldList}, the milliseconds its hold has left
 * @param heldExclusions for each of {@code heldList}, how many rings in a row shut it out (the
 *     hold's length follows from it), so that ring-mates double their next holds alike
 */
public record JoinMessage(int sender, boolean leave, boolean boot, RingId ring, int[] procList, int[] failedList, int[] heldList,
        int[] heldMillis, int[] heldExclusions) {
    /** The longest hold a join may carry: an hour. */
    public static final int HOLD_MILLIS_MAX = 3_600_000;
    /** The most exclusions in a row a join may carry for a held node (a u16); a hold starts at two. */
    public static final int EXCLUSIONS_MAX = 0xFFFF;
    private static final int HELD_ENTRY = 12;
    private static final int PROC_COUNT = 24;
    private static final int FAILED_COUNT = 26;
    private static final int HELD_COUNT = 28;
    private static final int RESERVED = 30;
    private static final int LISTS = 32;
    private static final int[] NONE = new int[0];

    public JoinMessage {
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(procList, "procList");
        Objects.requireNonNull(failedList, "failedList");
        Objects.requireNonNull(heldList, "heldList");
        Objects.requireNonNull(heldMillis, "heldMillis");
        Objects.requireNonNull(heldExclusions, "heldExclusions");
        if (heldList.length != heldMillis.length || heldList.length != heldExclusions.length) {
            throw new IllegalArgumentException("a hold time and an exclusion count for each held node: " + heldList.length
                    + " nodes, " + heldMillis.length + " times, " + heldExclusions.length + " counts");
        }
    }

    /** A join of a node that has been in a ring since it started, and holds nobody off. */
    public JoinMessage(int sender, boolean leave, RingId ring, int[] procList, int[] failedList) {
        this(sender, leave, false, ring, procList, failedList, NONE, NONE, NONE);
    }

    /** Bytes of a join with these list sizes. */
    public static int length(int procCount, int failedCount, int heldCount) {
        return FrameType.JOIN.fixedLength() + 4 * (procCount + failedCount) + HELD_ENTRY * heldCount;
    }

    /**
     * The whole frame.
     *
     * @throws IllegalArgumentException when it would fail {@link Frames#check} (zero sender or
     *     list entry, a list longer than {@link Frames#MAX_PROCESSORS})
     */
    public byte[] encode() {
        if (heldList.length > Frames.MAX_PROCESSORS) {
            throw new IllegalArgumentException("more than " + Frames.MAX_PROCESSORS + " held nodes: " + heldList.length);
        }
        for (int i = 0; i < heldList.length; i++) {
            if (heldList[i] == 0 || heldMillis[i] < 1 || heldMillis[i] > HOLD_MILLIS_MAX || heldExclusions[i] < 2
                    || heldExclusions[i] > EXCLUSIONS_MAX) {
                throw new IllegalArgumentException("held node " + heldList[i] + " for " + heldMillis[i] + " ms after "
                        + heldExclusions[i] + " exclusions: a non-zero node for 1.." + HOLD_MILLIS_MAX + " ms after 2.."
                        + EXCLUSIONS_MAX);
            }
        }
        ByteBuffer frame = Frames.newFrame(FrameType.JOIN, (leave ? Frames.FLAG_LEAVE : 0) | (boot ? Frames.FLAG_BOOT : 0),
                length(procList.length, failedList.length, heldList.length), sender, ring);
        Bytes.putU16(frame, PROC_COUNT, procList.length);
        Bytes.putU16(frame, FAILED_COUNT, failedList.length);
        Bytes.putU16(frame, HELD_COUNT, heldList.length);
        Bytes.putI32s(frame, LISTS, procList);
        Bytes.putI32s(frame, LISTS + 4 * procList.length, failedList);
        int held = LISTS + 4 * (procList.length + failedList.length);
        for (int i = 0; i < heldList.length; i++) {
            Bytes.putI32(frame, held + HELD_ENTRY * i, heldList[i]);
            Bytes.putI32(frame, held + HELD_ENTRY * i + 4, heldMillis[i]);
            Bytes.putU16(frame, held + HELD_ENTRY * i + 8, heldExclusions[i]);
        }
        return Frames.finish(frame);
    }

    /** Decodes the join at {@code offset}; {@link Frames#check} must have returned OK for it. */
    public static JoinMessage decode(ByteBuffer buf, int offset) {
        Frames.requireType(buf, offset, FrameType.JOIN);
        int procCount = Bytes.u16(buf, offset + PROC_COUNT);
        int failedCount = Bytes.u16(buf, offset + FAILED_COUNT);
        int heldCount = Bytes.u16(buf, offset + HELD_COUNT);
        int held = offset + LISTS + 4 * (procCount + failedCount);
        int[] heldList = heldCount == 0 ? NONE : new int[heldCount];
        int[] heldMillis = heldCount == 0 ? NONE : new int[heldCount];
        int[] heldExclusions = heldCount == 0 ? NONE : new int[heldCount];
        for (int i = 0; i < heldCount; i++) {
            heldList[i] = Bytes.i32(buf, held + HELD_ENTRY * i);
            heldMillis[i] = Bytes.i32(buf, held + HELD_ENTRY * i + 4);
            heldExclusions[i] = Bytes.u16(buf, held + HELD_ENTRY * i + 8);
        }
        int flags = Frames.flags(buf, offset);
        return new JoinMessage(Frames.sender(buf, offset), (flags & Frames.FLAG_LEAVE) != 0,
                (flags & Frames.FLAG_BOOT) != 0, Frames.ringId(buf, offset), Bytes.i32s(buf, offset + LISTS, procCount),
                Bytes.i32s(buf, offset + LISTS + 4 * procCount, failedCount), heldList, heldMillis, heldExclusions);
    }

    /** The JOIN-specific part of {@link Frames#check}; header and fixed length already checked. */
    static DecodeStatus checkBody(ByteBuffer buf, int offset, int length) {
        int procCount = Bytes.u16(buf, offset + PROC_COUNT);
        int failedCount = Bytes.u16(buf, offset + FAILED_COUNT);
        int heldCount = Bytes.u16(buf, offset + HELD_COUNT);
        if (procCount > Frames.MAX_PROCESSORS || failedCount > Frames.MAX_PROCESSORS || heldCount > Frames.MAX_PROCESSORS) {
            return DecodeStatus.COUNT_OVER_LIMIT;
        }
        if (length != length(procCount, failedCount, heldCount)) {
            return DecodeStatus.LENGTH_MISMATCH;
        }
        if (Bytes.u16(buf, offset + RESERVED) != 0) {
            return DecodeStatus.BAD_FIELD;
        }
        int held = offset + LISTS + 4 * (procCount + failedCount);
        for (int at = offset + LISTS; at < held; at += 4) {
            if (Bytes.i32(buf, at) == 0) {
                return DecodeStatus.BAD_FIELD;
            }
        }
        for (int at = held; at < offset + length; at += HELD_ENTRY) {
            int millis = Bytes.i32(buf, at + 4);
            if (Bytes.i32(buf, at) == 0 || millis < 1 || millis > HOLD_MILLIS_MAX || Bytes.u16(buf, at + 8) < 2
                    || Bytes.u16(buf, at + 10) != 0) {
                return DecodeStatus.BAD_FIELD;
            }
        }
        return DecodeStatus.OK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JoinMessage j && j.sender == sender && j.leave == leave && j.boot == boot && j.ring.equals(ring)
                && Arrays.equals(j.procList, procList) && Arrays.equals(j.failedList, failedList)
                && Arrays.equals(j.heldList, heldList) && Arrays.equals(j.heldMillis, heldMillis)
                && Arrays.equals(j.heldExclusions, heldExclusions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sender, leave, boot, ring, Arrays.hashCode(procList), Arrays.hashCode(failedList),
                Arrays.hashCode(heldList), Arrays.hashCode(heldMillis), Arrays.hashCode(heldExclusions));
    }

    @Override
    public String toString() {
        return "JoinMessage[sender=" + sender + (leave ? ", LEAVE" : "") + (boot ? ", BOOT" : "") + ", ring=" + ring
                + ", procList=" + Arrays.toString(procList) + ", failedList=" + Arrays.toString(failedList)
                + (heldList.length == 0 ? "" : ", heldList=" + Arrays.toString(heldList) + ", heldMillis="
                        + Arrays.toString(heldMillis) + ", heldExclusions=" + Arrays.toString(heldExclusions)) + "]";
    }
}
