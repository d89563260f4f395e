package dev.totem.protocol.wire;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Valid random frames for seeded tests, leaning on boundary values: 0, -1 as u64/u32, the signed
 * extremes, node id 0xFFFFFFFF, empty and full lists. Sizes lean small so that many cases stay
 * cheap, with the maximum drawn often enough to be covered in every run.
 */
final class RandomFrames {
    private static final long[] EDGE_LONGS = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFF_FFFFL, 1L << 32};
    private static final int[] EDGE_INTS = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFF, 0x10000};
    private static final int[] EDGE_NODE_IDS = {1, 2, -1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE};

    private RandomFrames() {}

    static long u64(SplittableRandom r) {
        return r.nextInt(4) == 0 ? EDGE_LONGS[r.nextInt(EDGE_LONGS.length)] : r.nextLong();
    }

    static int u32(SplittableRandom r) {
        return r.nextInt(4) == 0 ? EDGE_INTS[r.nextInt(EDGE_INTS.length)] : r.nextInt();
    }

    /** A non-zero node id; -1 stands for 0xFFFFFFFF. */
    static int nodeId(SplittableRandom r) {
        if (r.nextInt(4) == 0) {
            return EDGE_NODE_IDS[r.nextInt(EDGE_NODE_IDS.length)];
        }
        int id;
        do {
            id = r.nextBoolean() ? r.nextInt() : 1 + r.nextInt(1000);
        } while (id == 0);
        return id;
    }

    /** 0..max: 0 and max each 1 in 16, small counts half of the time, else uniform. */
    static int count(SplittableRandom r, int max) {
        int pick = r.nextInt(16);
        if (pick == 0) {
            return 0;
        }
        if (pick == 1) {
            return max;
        }
        return pick < 9 ? r.nextInt(Math.min(5, max) + 1) : r.nextInt(max + 1);
    }

    /** A formed ring: non-zero rep. */
    static RingId ring(SplittableRandom r) {
        return new RingId(nodeId(r), u64(r));
    }

    /** A ring as a join or commit entry may carry it: sometimes {@link RingId#NONE}. */
    static RingId ringOrNone(SplittableRandom r) {
        return r.nextInt(8) == 0 ? RingId.NONE : ring(r);
    }

    static int[] nodeIds(SplittableRandom r, int count) {
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = nodeId(r);
        }
        return ids;
    }

    /** Distinct non-zero ids, ascending as u32 (so -1 = 0xFFFFFFFF sorts last). */
    static int[] ascendingNodeIds(SplittableRandom r, int count) {
        TreeSet<Integer> ids = new TreeSet<>(Integer::compareUnsigned);
        while (ids.size() < count) {
            ids.add(nodeId(r));
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    static byte[] bytes(SplittableRandom r, int length) {
        byte[] b = new byte[length];
        r.nextBytes(b);
        return b;
    }

    static JoinMessage join(SplittableRandom r) {
        int held = r.nextBoolean() ? 0 : count(r, Frames.MAX_PROCESSORS);
        int[] heldMillis = new int[held];
        int[] heldExclusions = new int[held];
        for (int i = 0; i < held; i++) {
            heldMillis[i] = r.nextBoolean() ? 1 + r.nextInt(JoinMessage.HOLD_MILLIS_MAX) : JoinMessage.HOLD_MILLIS_MAX;
            heldExclusions[i] = r.nextBoolean() ? 2 + r.nextInt(JoinMessage.EXCLUSIONS_MAX - 1) : JoinMessage.EXCLUSIONS_MAX;
        }
        return new JoinMessage(nodeId(r), r.nextBoolean(), r.nextBoolean(), ringOrNone(r),
                nodeIds(r, count(r, Frames.MAX_PROCESSORS)), nodeIds(r, count(r, Frames.MAX_PROCESSORS)),
                nodeIds(r, held), heldMillis, heldExclusions);
    }

    static CommitEntry entry(SplittableRandom r) {
        return r.nextInt(8) == 0 ? CommitEntry.UNFILLED
                : new CommitEntry(ringOrNone(r), u64(r), u64(r), r.nextBoolean());
    }

    static CommitToken commit(SplittableRandom r) {
        int n = Math.max(1, count(r, Frames.MAX_PROCESSORS));
        CommitEntry[] entries = new CommitEntry[n];
        for (int i = 0; i < n; i++) {
            entries[i] = entry(r);
        }
        int membIndex = r.nextInt(4) == 0 ? (r.nextBoolean() ? 0 : n) : r.nextInt(n + 1);
        return new CommitToken(nodeId(r), ring(r), u64(r), membIndex, ascendingNodeIds(r, n), entries);
    }

    static MergeDetect mergeDetect(SplittableRandom r) {
        return new MergeDetect(nodeId(r), ring(r));
    }

    static TokenHoldCancel tokenHoldCancel(SplittableRandom r) {
        return new TokenHoldCancel(nodeId(r), ring(r));
    }

    static OrfToken orfToken(SplittableRandom r) {
        long[] rtr = new long[count(r, Frames.MAX_RTR_ENTRIES)];
        for (int i = 0; i < rtr.length; i++) {
            rtr[i] = u64(r);
        }
        return new OrfToken(nodeId(r), ring(r), u64(r), u64(r), u64(r), r.nextInt(4) == 0 ? 0 : nodeId(r),
                u32(r), u32(r), r.nextBoolean(), rtr);
    }

    /** An MCAST; one in eight encapsulates a whole plain MCAST frame, as recovery does. */
    static Mcast mcast(SplittableRandom r) {
        boolean encapsulated = r.nextInt(8) == 0;
        byte[] payload = encapsulated ? plainMcast(r, McastFrame.MAX_PAYLOAD_LENGTH - McastFrame.PAYLOAD_OFFSET).encode()
                : bytes(r, payloadLength(r, McastFrame.MAX_PAYLOAD_LENGTH));
        return new Mcast(nodeId(r), ring(r), u64(r), nodeId(r),
                r.nextBoolean() ? Guarantee.AGREED : Guarantee.SAFE, encapsulated, payload);
    }

    private static Mcast plainMcast(SplittableRandom r, int maxPayload) {
        return new Mcast(nodeId(r), ring(r), u64(r), nodeId(r), r.nextBoolean() ? Guarantee.AGREED : Guarantee.SAFE,
                false, bytes(r, payloadLength(r, maxPayload)));
    }

    private static int payloadLength(SplittableRandom r, int max) {
        int pick = r.nextInt(32);
        return pick == 0 ? 0 : pick == 1 ? max : r.nextInt(pick < 24 ? 64 : 2048);
    }

    /** A valid frame of a random type. */
    static byte[] anyFrame(SplittableRandom r) {
        FrameType type = FrameType.values()[r.nextInt(FrameType.values().length)];
        return switch (type) {
            case ORF_TOKEN -> orfToken(r).encode();
            case MCAST -> mcast(r).encode();
            case MERGE_DETECT -> mergeDetect(r).encode();
            case JOIN -> join(r).encode();
            case COMMIT_TOKEN -> commit(r).encode();
            case TOKEN_HOLD_CANCEL -> tokenHoldCancel(r).encode();
        };
    }
}
