package dev.totem.protocol.wire;

/**
 * Small valid frames of each type, made with {@link RawFrame} from the layout tables: sender 7,
 * ring 1:5 (a join's ring is 0:0, as before a node's first ring).
 */
final class HandMadeFrames {
    static final int SENDER = 7;
    static final int REP = 1;
    static final long RING_SEQ = 5;

    private HandMadeFrames() {}

    /** An ORF token with {@code rtrCount} requests; its length fits the count. */
    static RawFrame orfToken(int rtrCount) {
        RawFrame f = RawFrame.withRing(FrameType.ORF_TOKEN, 64 + 8 * rtrCount, SENDER, REP, RING_SEQ)
                .u64(24, 9).u64(32, 20).u64(40, 18).u32(48, 3).u16(62, rtrCount);
        for (int i = 0; i < rtrCount; i++) {
            f.u64(64 + 8 * i, 19 - i);
        }
        return f;
    }

    static RawFrame mcast(int payloadLength) {
        return RawFrame.withRing(FrameType.MCAST, 40 + payloadLength, SENDER, REP, RING_SEQ).u64(24, 21).u32(32, 8);
    }

    static RawFrame mergeDetect() {
        return RawFrame.withRing(FrameType.MERGE_DETECT, 24, SENDER, REP, RING_SEQ);
    }

    static RawFrame tokenHoldCancel() {
        return RawFrame.withRing(FrameType.TOKEN_HOLD_CANCEL, 24, SENDER, REP, RING_SEQ);
    }

    /** A join proposing processors 1..P and failed 101..100+F. */
    static RawFrame join(int procCount, int failedCount) {
        return join(procCount, failedCount, 0);
    }

    /** A join proposing processors 1..P, failed 101..100+F, and holding 201..200+H off for 1000 ms each after 2 exclusions. */
    static RawFrame join(int procCount, int failedCount, int heldCount) {
        RawFrame f = RawFrame.withRing(FrameType.JOIN, 32 + 4 * (procCount + failedCount) + 12 * heldCount, SENDER, 0, 0)
                .u16(24, procCount).u16(26, failedCount).u16(28, heldCount);
        for (int i = 0; i < procCount + failedCount; i++) {
            f.u32(32 + 4 * i, i < procCount ? 1 + i : 101 + i - procCount);
        }
        int held = 32 + 4 * (procCount + failedCount);
        for (int i = 0; i < heldCount; i++) {
            f.u32(held + 12 * i, 201 + i).u32(held + 12 * i + 4, 1000).u16(held + 12 * i + 8, 2);
        }
        return f;
    }

    /** A commit token with members 1..N and unfilled entries. */
    static RawFrame commitToken(int memberCount) {
        RawFrame f = RawFrame.withRing(FrameType.COMMIT_TOKEN, 36 + 36 * memberCount, SENDER, REP, RING_SEQ)
                .u64(24, 1).u16(32, memberCount);
        for (int i = 0; i < memberCount; i++) {
            f.u32(36 + 4 * i, 1 + i);
        }
        return f;
    }

    /** Offset of commit entry {@code i} in a token of {@code memberCount} members. */
    static int entryOffset(int memberCount, int i) {
        return 36 + 4 * memberCount + 32 * i;
    }
}
