package dev.totem.cpg;

/**
 * The limits of one node's CPG service; every queue it holds has one.
 *
 * @param messageBytesMax largest multicast payload a client may send; larger ones get
 *     {@link CpgError#TOO_BIG}. The engine must carry {@link #engineMessageBytesMax()} bytes.
 * @param clientQueueEventsMax events one client may have waiting; past it the client is disconnected
 * @param clientQueueBytesMax bytes of events one client may have waiting; past it the client is disconnected
 * @param localMembershipsMax (client, group) pairs of this node; past it a join gets {@link CpgError#NO_RESOURCES}
 * @param inflightMessagesMax this node's messages submitted and not yet delivered back, plus those
 *     waiting to be re-sent; past it a multicast gets {@link CpgError#TRY_AGAIN}
 * @param inflightBytesMax the same, in bytes
 * @param noticesMax notices kept for the driver; older ones are dropped first
 */
public record CpgConfig(int messageBytesMax, int clientQueueEventsMax, long clientQueueBytesMax,
        int localMembershipsMax, int inflightMessagesMax, long inflightBytesMax, int noticesMax) {

    /** Room for the exec header (group name, pid, framing) on top of a payload. */
    public static final int EXEC_OVERHEAD_MAX = 1024;

    public CpgConfig {
        if (messageBytesMax < 1 || clientQueueEventsMax < 1 || clientQueueBytesMax < 1 || localMembershipsMax < 1
                || inflightMessagesMax < 1 || inflightBytesMax < 1 || noticesMax < 1) {
            throw new IllegalArgumentException("every CPG limit must be positive: " + this);
        }
        if (messageBytesMax > Integer.MAX_VALUE - EXEC_OVERHEAD_MAX) {
            throw new IllegalArgumentException("messageBytesMax too large: " + messageBytesMax);
        }
    }

    /**
     * 1 MiB messages (corosync's IPC request size), 10,000 events or 64 MiB waiting per client,
     * 4096 local memberships (a JOINLIST of them fits in one message), 8192 messages or 8 MiB in
     * flight.
     *
     * <p>Why 8 MiB in flight: every local member of a group receives the node's own messages, so
     * a local reader can fall behind by all of them before holding back its sends has any effect.
     * The node disconnects an IPC client at 16 MiB unread; 8 MiB keeps a client's own stream under
     * that (the node checks it, {@code CpgSettings}). It is still 22-30 ms of the fastest stream
     * measured here (one cpgbench client at 8000 B, 280-375 MB/s), enough to keep the ring busy.
     */
    public static CpgConfig defaults() {
        return new CpgConfig(1 << 20, 10_000, 64L << 20, 4096, 8192, 8L << 20, 1024);
    }

    /** The same limits with another largest payload. */
    public CpgConfig withMessageBytesMax(int bytes) {
        return new CpgConfig(bytes, clientQueueEventsMax, clientQueueBytesMax, localMembershipsMax, inflightMessagesMax,
                inflightBytesMax, noticesMax);
    }

    /** The same limits with other bounds of this node's messages in flight. */
    public CpgConfig withInflight(int messages, long bytes) {
        return new CpgConfig(messageBytesMax, clientQueueEventsMax, clientQueueBytesMax, localMembershipsMax, messages,
                bytes, noticesMax);
    }

    /** The same limits with other client queue bounds. */
    public CpgConfig withClientQueue(int events, long bytes) {
        return new CpgConfig(messageBytesMax, events, bytes, localMembershipsMax, inflightMessagesMax, inflightBytesMax,
                noticesMax);
    }

    /** The largest message the engine under the service must accept: a full payload and its exec header. */
    public int engineMessageBytesMax() {
        return messageBytesMax + EXEC_OVERHEAD_MAX;
    }
}
