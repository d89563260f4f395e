package dev.totem.perf.bench;

/**
 * How many streamed multicasts a CPG socket client keeps unanswered, as cpgbench against
 * corosync can: bounded by count and by payload bytes. corosync's IPC request buffer is 1 MiB,
 * so cpgbench there never has more waiting. Deeper queues add no throughput, only waiting: with
 * 2,000 messages of 8000 B each one waited 300 ms in the node, and the copying collector moved
 * them again and again (IPC at 8000 B, alternating: 29k and 26k msgs/s before the byte bound, 33k
 * after; perf/HISTORY.md, session 15).
 */
public final class StreamWindow {
    /** At most this many unanswered multicasts, however small. */
    public static final int MESSAGES_MAX = 2_000;
    /** At most this many payload bytes unanswered: corosync's {@code IPC_REQUEST_SIZE}. */
    public static final int BYTES_MAX = 1 << 20;

    private StreamWindow() {
    }

    /** @return the unanswered multicasts allowed for payloads of {@code payloadBytes}; at least 1 */
    public static int messagesFor(int payloadBytes) {
        if (payloadBytes < 0) {
            throw new IllegalArgumentException("payload of " + payloadBytes + " bytes");
        }
        return Math.max(1, Math.min(MESSAGES_MAX, BYTES_MAX / Math.max(1, payloadBytes)));
    }
}
