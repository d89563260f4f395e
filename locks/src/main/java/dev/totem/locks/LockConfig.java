package dev.totem.locks;

import dev.totem.protocol.api.Guarantee;

/**
 * The limits and guarantees of a lock service.
 *
 * @param group the CPG group the replicas join
 * @param requestsMax the most requests (holders and waiters) a table holds; a snapshot of a full
 *     table must fit in one CPG message (128-byte names: about 150 bytes a request)
 * @param bufferedMax the most requests a replica holds back while its group synchronises; past
 *     it requests are dropped alike at every member and their senders send them again
 * @param outboxMax the most messages a process keeps while CPG answers TRY_AGAIN; past it new
 *     requests fail at once
 * @param requestGuarantee how acquires and releases travel: {@link Guarantee#SAFE} by default (see
 *     the README: a grant is then known to every member of the configuration before its holder
 *     learns of it; releases go the same way so that the engine packs them into the acquires' frames)
 * @param batchBytesMax the largest {@link LockMessage.Batch} a process sends: the requests it makes
 *     while handling one callback go out together in batches up to this size (a request larger
 *     than it alone goes alone)
 */
public record LockConfig(String group, int requestsMax, int bufferedMax, int outboxMax, Guarantee requestGuarantee,
        int batchBytesMax) {
    /** The default {@link #batchBytesMax}: about 300 requests on short names, a few frames of a 1500-byte netmtu. */
    public static final int BATCH_BYTES_DEFAULT = 8192;

    public LockConfig {
        LockCodec.nameBytes(group);
        if (requestsMax < 1 || bufferedMax < 1 || outboxMax < 1 || batchBytesMax < 1) {
            throw new IllegalArgumentException("limits must be positive: requestsMax " + requestsMax + ", bufferedMax "
                    + bufferedMax + ", outboxMax " + outboxMax + ", batchBytesMax " + batchBytesMax);
        }
        if (requestGuarantee == null) {
            throw new IllegalArgumentException("requestGuarantee is required");
        }
    }

    /** Group {@code locks}, 4096 requests, 65,536 held back or waiting to be sent, safe requests, batches of 8 KiB. */
    public static LockConfig defaults() {
        return new LockConfig("locks", 4096, 65_536, 65_536, Guarantee.SAFE, BATCH_BYTES_DEFAULT);
    }

    /** The same with acquires and releases sent {@code g}. */
    public LockConfig withRequestGuarantee(Guarantee g) {
        return new LockConfig(group, requestsMax, bufferedMax, outboxMax, g, batchBytesMax);
    }

    /** The same with another group. */
    public LockConfig withGroup(String g) {
        return new LockConfig(g, requestsMax, bufferedMax, outboxMax, requestGuarantee, batchBytesMax);
    }

    /** The same with another table bound. */
    public LockConfig withRequestsMax(int max) {
        return new LockConfig(group, max, bufferedMax, outboxMax, requestGuarantee, batchBytesMax);
    }

    /** The same with another batch bound (1: every request in a message of its own). */
    public LockConfig withBatchBytesMax(int max) {
        return new LockConfig(group, requestsMax, bufferedMax, outboxMax, requestGuarantee, max);
    }
}
