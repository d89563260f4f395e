package dev.totem.membership;

import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.RingSeqStore;

/**
 * The ring seqs this node saw and committed to, so that every ring id it creates is above all it
 * knows of, across restarts too: the seq of each ring it commits to is persisted in the
 * {@link RingSeqStore}.
 */
final class RingSeqs {
    private final RingSeqStore store;
    /** The highest ring seq of any join, token or frame seen. */
    private long highestRingSeq;
    /** The seq of the ring last committed to, or the boot ring's before the first commit. */
    private long committedRingSeq;

    RingSeqs(RingSeqStore store) {
        this.store = store;
    }

    /** The seq of this node's boot ring, stored at once. */
    long boot() {
        // A restarted node never reuses a ring id: its boot ring seq is above all it stored.
        long bootSeq = store.load() + 1;
        store.store(bootSeq);
        highestRingSeq = bootSeq;
        committedRingSeq = bootSeq;
        return bootSeq;
    }

    void saw(RingId ring) {
        highestRingSeq = Math.max(highestRingSeq, ring.seq());
    }

    /** The seq of a new ring this node creates: above every one seen, committed to or been in (+4 as corosync). */
    long next(RingId myRingId) {
        return Math.max(Math.max(highestRingSeq, myRingId.seq()), committedRingSeq) + 4;
    }

    /** Whether {@code ring} is newer than the ring last committed to. */
    boolean isAboveCommitted(RingId ring) {
        return ring.seq() > committedRingSeq;
    }

    /** This node commits to {@code ring}: its seq is stored, unless a higher one is already. */
    void commit(RingId ring) {
        committedRingSeq = ring.seq();
        highestRingSeq = Math.max(highestRingSeq, committedRingSeq);
        if (store.load() < committedRingSeq) {
            store.store(committedRingSeq);
        }
    }
}
