package dev.totem.locks;

import java.util.concurrent.CompletableFuture;

/**
 * A lock this process holds: from the grant its {@link LockService} reported until it releases
 * it or the group takes it away ({@link #lost()}). Confined to the service's thread.
 */
public final class Lease {
    private final LockService service;
    private final String name;
    private final RequestId request;
    private final long fence;
    /** The name's UTF-8, from the request, for the release; null to encode it then. */
    private final byte[] nameBytes;
    /** Why the group took the lock away, or null. */
    private LockEvent.Cause lostCause;
    /** Made when first asked for: most leases are released, never lost, and never asked. */
    private CompletableFuture<LockEvent.Cause> lost;
    private boolean released;

    Lease(LockService service, String name, byte[] nameBytes, RequestId request, long fence) {
        this.service = service;
        this.name = name;
        this.nameBytes = nameBytes;
        this.request = request;
        this.fence = fence;
    }

    /** The lock's name. */
    public String name() {
        return name;
    }

    /** The request that holds it. */
    public RequestId request() {
        return request;
    }

    /**
     * The grant's fencing token: larger than every token the table handed out before it, so a
     * resource that remembers the largest token it saw can refuse a late holder.
     */
    public long fence() {
        return fence;
    }

    /** Whether this process still holds the lock: not released, not lost. */
    public boolean held() {
        return !released && lostCause == null;
    }

    /**
     * Completes when the group took the lock away: {@link LockEvent.Cause#REVOKED} (a merge of
     * partitions kept another holder) or {@link LockEvent.Cause#LEFT} (this process is no longer
     * a member). Never completes for a lease released by its holder.
     */
    public CompletableFuture<LockEvent.Cause> lost() {
        if (lost == null) {
            lost = new CompletableFuture<>();
            if (lostCause != null) {
                lost.complete(lostCause);
            }
        }
        return lost;
    }

    /** Releases the lock (once; a lost lease has nothing to release). */
    public void release() {
        if (held()) {
            released = true;
            service.sendRelease(name, nameBytes, request.seq());
        }
    }

    void lose(LockEvent.Cause cause) {
        if (lostCause == null) {
            lostCause = cause;
            if (lost != null) {
                lost.complete(cause);
            }
        }
    }

    @Override
    public String toString() {
        return "Lease[" + name + " " + request + " fence " + fence + (held() ? "" : released ? " released" : " lost") + "]";
    }
}
