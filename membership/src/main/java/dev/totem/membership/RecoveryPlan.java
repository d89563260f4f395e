package dev.totem.membership;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.srp.OperationalRing;
import dev.totem.protocol.srp.SendQueue;
import dev.totem.protocol.wire.CommitEntry;
import dev.totem.protocol.wire.CommitToken;
import dev.totem.protocol.wire.McastFrame;
import java.util.Arrays;

/**
 * What one node does in recovery, read from the commit token that completed its first lap: who
 * is in its transitional configuration, up to which seq the old ring's messages are delivered in
 * the old regular configuration, and which old-ring frames it resends (encapsulated).
 *
 * <p>Every member of the transitional configuration resends what it holds above the lowest aru
 * among them, except that a frame every one of them holds by aru is resent only by the lowest
 * such member: the union reaches everybody with few duplicates.
 */
final class RecoveryPlan {
    /** Members of the new ring that come from our old ring, ascending. */
    final int[] transMembers;
    /** The highest seq any of them delivered: everything up to it is delivered in the old regular configuration. */
    final long regularUpTo;
    /** The encapsulated old-ring frames to send in the new ring. */
    final SendQueue queue;
    /** How many frames {@link #queue} holds. */
    final int originated;

    private RecoveryPlan(int[] transMembers, long regularUpTo, SendQueue queue, int originated) {
        this.transMembers = transMembers;
        this.regularUpTo = regularUpTo;
        this.queue = queue;
        this.originated = originated;
    }

    /**
     * @param oldRingId the ring this node comes from (its boot ring id before it had one)
     * @param oldRing that ring's frames, or null when this node had no ring
     * @param capacityFrames the most frames the recovery queue holds
     * @param resend false only for the planted bug that skips recovery
     */
    static RecoveryPlan of(int myId, RingId oldRingId, CommitToken token, OperationalRing oldRing, int capacityFrames,
            boolean resend) {
        CommitEntry[] entries = token.entries();
        int[] members = token.members();
        int transCount = 0;
        int[] trans = new int[members.length];
        long lowRingAru = Long.MAX_VALUE;
        long highDeliveredMax = 0;
        long aruMax = 0;
        for (int i = 0; i < members.length; i++) {
            if (entries[i].oldRing().equals(oldRingId)) {
                trans[transCount++] = members[i];
                lowRingAru = Math.min(lowRingAru, entries[i].aru());
                highDeliveredMax = Math.max(highDeliveredMax, entries[i].highDelivered());
                aruMax = Math.max(aruMax, entries[i].aru());
            }
        }
        SendQueue queue = new SendQueue(capacityFrames, false);
        int originated = 0;
        if (oldRing != null && resend) {
            for (long s = lowRingAru + 1; s <= oldRing.highSeqReceived() && queue.free() > 0; s++) {
                byte[] f = oldRing.frame(s);
                if (f != null && (s > aruMax || lowestHolder(oldRingId, members, entries, s) == myId)) {
                    byte[] wrapped = new byte[McastFrame.PAYLOAD_OFFSET + f.length];
                    System.arraycopy(f, 0, wrapped, McastFrame.PAYLOAD_OFFSET, f.length);
                    queue.accept(wrapped, Guarantee.AGREED);
                    originated++;
                }
            }
        }
        return new RecoveryPlan(Arrays.copyOf(trans, transCount), highDeliveredMax, queue, originated);
    }

    /** The lowest id of the transitional members whose aru covers {@code seq}: the one that resends it. */
    private static int lowestHolder(RingId oldRingId, int[] members, CommitEntry[] entries, long seq) {
        for (int i = 0; i < members.length; i++) {
            if (entries[i].oldRing().equals(oldRingId) && entries[i].aru() >= seq) {
                return members[i];
            }
        }
        return 0;
    }
}
