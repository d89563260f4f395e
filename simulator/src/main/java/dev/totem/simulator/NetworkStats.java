package dev.totem.simulator;

/**
 * What happened to the frames of one simulated network. A frame is sent once; each receiver
 * gets a copy, and each copy is delivered or dropped for exactly one reason (a duplicated copy
 * counts once more).
 */
public final class NetworkStats {
    long sent;
    long delivered;
    long lost;
    long duplicated;
    long droppedByPartition;
    long droppedByMtu;
    long droppedReceiverDown;
    long droppedSocketBufferFull;
    long droppedUnknownDestination;

    NetworkStats() {}

    /** Frames the engines handed to this network (a multicast counts once). */
    public long sent() {
        return sent;
    }

    /** Copies handed to a receiving engine. */
    public long delivered() {
        return delivered;
    }

    /** Copies lost on the wire. */
    public long lost() {
        return lost;
    }

    /** Extra copies the network made. */
    public long duplicated() {
        return duplicated;
    }

    /** Copies a partition or a directed block kept from their receiver. */
    public long droppedByPartition() {
        return droppedByPartition;
    }

    /** Frames larger than the MTU, dropped at the sender. */
    public long droppedByMtu() {
        return droppedByMtu;
    }

    /** Copies that arrived at a crashed or never started node. */
    public long droppedReceiverDown() {
        return droppedReceiverDown;
    }

    /** Copies that arrived at a paused node whose socket buffer was full. */
    public long droppedSocketBufferFull() {
        return droppedSocketBufferFull;
    }

    /** Unicast frames to a node id the simulation does not know. */
    public long droppedUnknownDestination() {
        return droppedUnknownDestination;
    }

    @Override
    public String toString() {
        return "NetworkStats[sent=" + sent + ", delivered=" + delivered + ", lost=" + lost
                + ", duplicated=" + duplicated + ", droppedByPartition=" + droppedByPartition
                + ", droppedByMtu=" + droppedByMtu + ", droppedReceiverDown=" + droppedReceiverDown
                + ", droppedSocketBufferFull=" + droppedSocketBufferFull
                + ", droppedUnknownDestination=" + droppedUnknownDestination + "]";
    }
}
