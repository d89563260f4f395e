package dev.totem.locks;

import java.util.List;

/**
 * The messages lock replicas multicast to their group, encoded by {@link LockCodec}. The sender
 * (node, pid) comes from the CPG delivery, not from the message.
 */
public sealed interface LockMessage {
    /** A request for {@code name}, number {@code seq} of its sender; a try is refused rather than queued. */
    record Acquire(String name, long seq, boolean tryOnly) implements LockMessage {}

    /** The sender gives up request {@code seq} on {@code name}: releases it, or stops waiting. */
    record Release(String name, long seq) implements LockMessage {}

    /**
     * Requests of the sender ({@link Acquire}s and {@link Release}s, at least one) in one CPG
     * message: every member applies them in this order at the batch's place in the total order,
     * as if they had been delivered one after the other. A process sends the requests it makes
     * while handling one callback as one batch, so that the group pays the per-message costs
     * (CPG, the ring, the decoding) once for all of them.
     */
    record Batch(List<LockMessage> requests) implements LockMessage {
        public Batch {
            requests = List.copyOf(requests);
            if (requests.isEmpty()) {
                throw new IllegalArgumentException("a batch holds at least one request");
            }
            for (LockMessage m : requests) {
                if (!(m instanceof Acquire) && !(m instanceof Release)) {
                    throw new IllegalArgumentException("a batch holds acquires and releases only, not " + m);
                }
            }
        }
    }

    /**
     * The sender had a confchg: the delivery of this message opens sync round {@code round} at
     * every member, and every member answers with its {@link Snapshot}.
     */
    record SyncRequest(long round) implements LockMessage {}

    /**
     * The sender's table at the delivery of round {@code round}'s {@link SyncRequest}; {@code stale}
     * if the sender had a confchg since its last completed sync (its table may lack requests the
     * others applied).
     */
    record Snapshot(long round, boolean stale, Image table) implements LockMessage {}

    /**
     * A lock table as values.
     *
     * @param fence the last fencing token the table handed out
     * @param locks the locks, by name ascending; only locks with a holder or waiters
     */
    record Image(long fence, List<LockImage> locks) {
        public Image {
            locks = List.copyOf(locks);
        }
    }

    /**
     * One lock of an {@link Image}.
     *
     * @param holder the request that holds it, or null
     * @param holderFence the holder's fencing token (0 without a holder)
     * @param waiters the waiting requests, first in line first
     */
    record LockImage(String name, RequestId holder, long holderFence, List<RequestId> waiters) {
        public LockImage {
            waiters = List.copyOf(waiters);
        }
    }
}
