package dev.totem.rrp;

/** One physical network as the ring sees it: its state and counters. Single-threaded. */
final class Network {
    final int index;
    NetworkState state = NetworkState.ACTIVE;
    long framesSent;
    long tokensSent;
    long framesReceived;
    long tokensReceived;
    long probesSent;
    long probesReceived;
    long duplicatesDropped;
    long faults;
    int problemCount;
    /** Active mode: tokens that came on it in time since the last problem taken off. */
    int onTimeTokens;
    /** Passive windows: tokens and multicasts received (or credited), in {@link NetworkMonitor#SHARE}s of a frame. */
    long tokenCount;
    long mcastCount;
    /** Faulty network: since when every node is heard on it, or -1. */
    long healthySinceNanos = -1;
    /**
     * Passive, faulty network: the node whose probe said it stopped sending on it, which is why
     * this node marked it faulty too; 0 when this node's own counters or silence decided.
     */
    int faultedBy;
    /**
     * Faulty network: whether this node's own counters or silence found the fault (its probes
     * then leave the network out), not only {@link #faultedBy}'s leaving.
     */
    boolean ownEvidence;
    String lastFault = "";

    Network(int index) {
        this.index = index;
    }

    @Override
    public String toString() {
        return index + ":" + state;
    }
}
