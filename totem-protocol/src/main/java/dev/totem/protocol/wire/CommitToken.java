package dev.totem.protocol.wire;

import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The commit token that forms a new ring: it goes round the new members twice, each filling in
 * its {@link CommitEntry} on the first lap. {@code 36 + 36N} bytes for {@code N} members:
 * <pre>
 *  off    size field
 *   0     12   header (type COMMIT_TOKEN)
 *  12      4   ringRep      the NEW ring
 *  16      8   ringSeq
 *  24      8   tokenSeq     +1 per hop
 *  32      2   memberCount N  1..{@link Frames#MAX_PROCESSORS}
 *  34      2   membIndex    0..N, the next member to fill in its entry
 *  36     4N   member node ids, strictly ascending as u32: the ring order
 *  36+4N 32N   entries, one per member in the same order
 * </pre>
 * The arrays are not copied; treat them as immutable.
 *
 * @param sender node id of the member that passes the token on
 * @param ring the new ring
 * @param tokenSeq hop counter of this token
 * @param membIndex index of the next member to fill in its entry (N after the first lap)
 * @param members node ids, strictly ascending in unsigned order
 * @param entries one per member, {@link CommitEntry#UNFILLED} until that member filled it in
 */
public record CommitToken(int sender, RingId ring, long tokenSeq, int membIndex, int[] members, CommitEntry[] entries) {
    private static final int TOKEN_SEQ = 24;
    private static final int MEMBER_COUNT = 32;
    private static final int MEMB_INDEX = 34;
    private static final int MEMBERS = 36;

    public CommitToken {
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(entries, "entries");
        if (members.length != entries.length) {
            throw new IllegalArgumentException(members.length + " members but " + entries.length + " entries");
        }
    }

    /** Bytes of a commit token for {@code memberCount} members. */
    public static int length(int memberCount) {
        return FrameType.COMMIT_TOKEN.fixedLength() + (4 + CommitEntry.LENGTH) * memberCount;
    }

    /**
     * The whole frame.
     *
     * @throws IllegalArgumentException when it would fail {@link Frames#check} (no members or more
     *     than {@link Frames#MAX_PROCESSORS}, members not strictly ascending, zero ids, membIndex
     *     past N)
     */
    public byte[] encode() {
        int n = members.length;
        ByteBuffer frame = Frames.newFrame(FrameType.COMMIT_TOKEN, 0, length(n), sender, ring);
        Bytes.putI64(frame, TOKEN_SEQ, tokenSeq);
        Bytes.putU16(frame, MEMBER_COUNT, n);
        Bytes.putU16(frame, MEMB_INDEX, membIndex);
        Bytes.putI32s(frame, MEMBERS, members);
        for (int i = 0; i < n; i++) {
            entries[i].writeTo(frame, entryAt(0, n, i));
        }
        return Frames.finish(frame);
    }

    /** Decodes the commit token at {@code offset}; {@link Frames#check} must have returned OK for it. */
    public static CommitToken decode(ByteBuffer buf, int offset) {
        Frames.requireType(buf, offset, FrameType.COMMIT_TOKEN);
        int n = Bytes.u16(buf, offset + MEMBER_COUNT);
        CommitEntry[] entries = new CommitEntry[n];
        for (int i = 0; i < n; i++) {
            entries[i] = CommitEntry.readFrom(buf, entryAt(offset, n, i));
        }
        return new CommitToken(Frames.sender(buf, offset), Frames.ringId(buf, offset),
                Bytes.i64(buf, offset + TOKEN_SEQ), Bytes.u16(buf, offset + MEMB_INDEX),
                Bytes.i32s(buf, offset + MEMBERS, n), entries);
    }

    private static int entryAt(int offset, int memberCount, int i) {
        return offset + MEMBERS + 4 * memberCount + CommitEntry.LENGTH * i;
    }

    /** The COMMIT_TOKEN-specific part of {@link Frames#check}; header, fixed length and ring rep checked. */
    static DecodeStatus checkBody(ByteBuffer buf, int offset, int length) {
        int n = Bytes.u16(buf, offset + MEMBER_COUNT);
        if (n > Frames.MAX_PROCESSORS) {
            return DecodeStatus.COUNT_OVER_LIMIT;
        }
        if (length != length(n)) {
            return DecodeStatus.LENGTH_MISMATCH;
        }
        if (n == 0 || Bytes.u16(buf, offset + MEMB_INDEX) > n) {
            return DecodeStatus.BAD_FIELD;
        }
        // Starting from 0, "strictly ascending" also rules out a zero id.
        int previous = 0;
        for (int i = 0; i < n; i++) {
            int member = Bytes.i32(buf, offset + MEMBERS + 4 * i);
            if (Integer.compareUnsigned(member, previous) <= 0 || !CommitEntry.isValid(buf, entryAt(offset, n, i))) {
                return DecodeStatus.BAD_FIELD;
            }
            previous = member;
        }
        return DecodeStatus.OK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommitToken c && c.sender == sender && c.ring.equals(ring) && c.tokenSeq == tokenSeq
                && c.membIndex == membIndex && Arrays.equals(c.members, members) && Arrays.equals(c.entries, entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sender, ring, tokenSeq, membIndex, Arrays.hashCode(members), Arrays.hashCode(entries));
    }

    @Override
    public String toString() {
        return "CommitToken[sender=" + sender + ", ring=" + ring + ", tokenSeq=" + tokenSeq + ", membIndex=" + membIndex
                + ", members=" + Arrays.toString(members) + ", entries=" + Arrays.toString(entries) + "]";
    }
}
