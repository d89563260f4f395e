package dev.totem.cpg;

/** Counters of one node's CPG service; read by metrics and tests. Single-threaded. */
public final class CpgStats {
    /** Regular configurations seen: each starts a sync. */
    public long syncsStarted;
    /** Syncs whose JOINLISTs all arrived. */
    public long syncsCompleted;
    /** Syncs that a configuration change ended before every JOINLIST arrived. */
    public long syncsAborted;
    /** Group messages handed to local clients (one per message, not per receiver). */
    public long messagesDelivered;
    /** Messages of the ring dropped because they arrived while the service was not synchronised. */
    public long droppedWhileSyncing;
    /** Of those, this node's own multicasts, queued to be sent again after the sync. */
    public long resendsQueued;
    /** Multicasts from a process that is not in the group (corosync: "Unknown node"). */
    public long droppedNotMember;
    /** Messages of a node that left, delivered in the transitional configuration. */
    public long droppedFromLeftNode;
    /** JOINLISTs of another ring, or outside a sync. */
    public long joinListsIgnored;
    /** Messages of the ring that were not CPG exec messages this node can read. */
    public long malformed;
    /** Clients disconnected because they did not keep up. */
    public long clientsDisconnected;
    /** This node's own messages that did not come back in the order they were submitted (a bug elsewhere). */
    public long ownOrderMismatches;

    @Override
    public String toString() {
        return "syncs=" + syncsStarted + "/" + syncsCompleted + " aborted=" + syncsAborted + " delivered="
                + messagesDelivered + " droppedSyncing=" + droppedWhileSyncing + " resends=" + resendsQueued
                + " droppedNotMember=" + droppedNotMember + " droppedLeft=" + droppedFromLeftNode + " malformed="
                + malformed + " disconnected=" + clientsDisconnected;
    }
}
