package dev.totem.protocol.api;

/**
 * The tunables of one Totem processor, named as corosync's totem section names them, with units
 * in the Java names. Defaults are corosync 3's (see {@link #defaults()}); {@link #forNodeCount}
 * scales the timeouts with the ring size as corosync does.
 *
 * @param tokenTimeoutMs token loss timeout ({@code token})
 * @param tokenRetransmitMs resend the token when it did not come back ({@code token_retransmit})
 * @param holdMs how long an idle representative holds the token ({@code hold})
 * @param joinMs resend period of join messages ({@code join})
 * @param consensusMs consensus timeout while gathering ({@code consensus})
 * @param mergeMs merge-detect period of an idle representative ({@code merge})
 * @param failRecvConst milliseconds without aru progress, while frames above it exist, before failed-to-receive
 *     ({@code fail_recv_const}; corosync counts rotations, a time does not fire sooner on a faster ring; at
 *     least 2 × {@code missCountConst} token visits must also pass, so a stalled token does not fire it)
 * @param seqnoUnchangedConst idle rotations before the token is held ({@code seqno_unchanged_const})
 * @param windowSize frames broadcast per rotation by the whole ring ({@code window_size})
 * @param maxMessages frames one node broadcasts per token visit ({@code max_messages})
 * @param missCountConst token visits a seq must be missing before it is requested ({@code miss_count_const})
 * @param retransmitEntriesMax retransmit requests one token carries
 * @param frameBytesMax largest frame the network carries: netmtu less IP/UDP headers and crypto overhead
 * @param messageBytesMax largest application message accepted
 * @param sendQueueFramesMax frames the send queue holds before submits are refused (back-pressure)
 * @param sortQueueFramesMax sequence numbers in flight (received or sent but not yet released)
 */
public record TotemConfig(
        int tokenTimeoutMs,
        int tokenRetransmitMs,
        int holdMs,
        int joinMs,
        int consensusMs,
        int mergeMs,
        int failRecvConst,
        int seqnoUnchangedConst,
        int windowSize,
        int maxMessages,
        int missCountConst,
        int retransmitEntriesMax,
        int frameBytesMax,
        int messageBytesMax,
        int sendQueueFramesMax,
        int sortQueueFramesMax) {

    /** IPv4 + UDP header bytes subtracted from netmtu. */
    public static final int IP_UDP_OVERHEAD = 28;
    /** What an IPv6 header adds to IPv4's (40 bytes against 20): subtracted too over IPv6 ({@link #withFrameOverhead}). */
    public static final int IPV6_EXTRA_HEADER_BYTES = 20;
    /** corosync's default netmtu for udp/udpu. */
    public static final int DEFAULT_NETMTU = 1500;
    /** corosync's MESSAGE_SIZE_MAX. */
    public static final int DEFAULT_MESSAGE_BYTES_MAX = 1 << 20;

    public TotemConfig {
        requireAtLeast("tokenTimeoutMs", tokenTimeoutMs, 1);
        requireAtLeast("tokenRetransmitMs", tokenRetransmitMs, 1);
        requireAtLeast("holdMs", holdMs, 1);
        requireAtLeast("joinMs", joinMs, 1);
        requireAtLeast("consensusMs", consensusMs, joinMs);
        requireAtLeast("mergeMs", mergeMs, 1);
        requireAtLeast("failRecvConst", failRecvConst, 1);
        requireAtLeast("seqnoUnchangedConst", seqnoUnchangedConst, 1);
        requireAtLeast("windowSize", windowSize, 1);
        requireAtLeast("maxMessages", maxMessages, 1);
        requireAtLeast("missCountConst", missCountConst, 1);
        requireAtLeast("retransmitEntriesMax", retransmitEntriesMax, 1);
        if (retransmitEntriesMax > 128) {
            throw new IllegalArgumentException("retransmitEntriesMax must be at most 128, got " + retransmitEntriesMax);
        }
        requireAtLeast("frameBytesMax", frameBytesMax, 256);
        if (frameBytesMax > 65_535) {
            throw new IllegalArgumentException("frameBytesMax must be at most 65535, got " + frameBytesMax);
        }
        requireAtLeast("messageBytesMax", messageBytesMax, 1);
        requireAtLeast("sendQueueFramesMax", sendQueueFramesMax, 2);
        requireAtLeast("sortQueueFramesMax", sortQueueFramesMax, 4 * windowSize);
        if (Integer.bitCount(sortQueueFramesMax) != 1) {
            throw new IllegalArgumentException("sortQueueFramesMax must be a power of two, got " + sortQueueFramesMax);
        }
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }

    /** corosync 3's defaults for a two-node ring on udp/udpu with a 1500-byte netmtu. */
    public static TotemConfig defaults() {
        return fromToken(3000, DEFAULT_NETMTU);
    }

    /**
     * Timeouts derived from {@code tokenTimeoutMs} as corosync derives them: token_retransmit =
     * token / 4.2, hold = token_retransmit * 0.8 - 10, consensus = 1.2 * token.
     */
    public static TotemConfig fromToken(int tokenTimeoutMs, int netMtu) {
        int retransmit = Math.max(1, (int) (tokenTimeoutMs / 4.2));
        int hold = Math.max(1, (int) (retransmit * 0.8 - 10));
        int consensus = (int) (1.2 * tokenTimeoutMs);
        int frameBytes = netMtu - IP_UDP_OVERHEAD;
        int sendQueue = 4 * DEFAULT_MESSAGE_BYTES_MAX / Math.max(1, frameBytes - 128) + 2;
        return new TotemConfig(tokenTimeoutMs, retransmit, hold, 50, Math.max(consensus, 50), 200, 2500, 30,
                50, 17, 5, 30, frameBytes, DEFAULT_MESSAGE_BYTES_MAX, sendQueue, 16384);
    }

    /**
     * The configuration for a ring of {@code nodeCount} nodes: corosync adds
     * {@code (N - 2) * token_coefficient} (650 ms) to the token timeout for N of 3 and more.
     */
    public static TotemConfig forNodeCount(int nodeCount) {
        int token = 3000 + Math.max(0, nodeCount - 2) * 650;
        return fromToken(token, DEFAULT_NETMTU);
    }

    public TotemConfig withWindow(int newWindowSize, int newMaxMessages) {
        return new TotemConfig(tokenTimeoutMs, tokenRetransmitMs, holdMs, joinMs, consensusMs, mergeMs, failRecvConst,
                seqnoUnchangedConst, newWindowSize, newMaxMessages, missCountConst, retransmitEntriesMax, frameBytesMax,
                messageBytesMax, sendQueueFramesMax, sortQueueFramesMax);
    }

    public TotemConfig withSendQueueFramesMax(int frames) {
        return new TotemConfig(tokenTimeoutMs, tokenRetransmitMs, holdMs, joinMs, consensusMs, mergeMs, failRecvConst,
                seqnoUnchangedConst, windowSize, maxMessages, missCountConst, retransmitEntriesMax, frameBytesMax,
                messageBytesMax, frames, sortQueueFramesMax);
    }

    /** This config with frames smaller by {@code bytes}, for a layer (crypto) that adds them to every frame. */
    public TotemConfig withFrameOverhead(int bytes) {
        return new TotemConfig(tokenTimeoutMs, tokenRetransmitMs, holdMs, joinMs, consensusMs, mergeMs, failRecvConst,
                seqnoUnchangedConst, windowSize, maxMessages, missCountConst, retransmitEntriesMax, frameBytesMax - bytes,
                messageBytesMax, sendQueueFramesMax, sortQueueFramesMax);
    }

    public TotemConfig withMessageBytesMax(int bytes) {
        return new TotemConfig(tokenTimeoutMs, tokenRetransmitMs, holdMs, joinMs, consensusMs, mergeMs, failRecvConst,
                seqnoUnchangedConst, windowSize, maxMessages, missCountConst, retransmitEntriesMax, frameBytesMax,
                bytes, sendQueueFramesMax, sortQueueFramesMax);
    }

    /**
     * This config with the tunables a configuration reload changes on a running engine, as
     * corosync re-reads them ({@code totem_volatile_config_read}): every timeout and constant,
     * {@code window_size} and {@code max_messages}, taken from {@code reloaded}. The sizes and
     * queue bounds ({@code retransmitEntriesMax}, frame and message bytes, the queues) stay this
     * config's: buffers were made for them.
     *
     * @throws IllegalArgumentException when {@code reloaded}'s window does not fit this config's sort queue
     */
    public TotemConfig withTunablesOf(TotemConfig reloaded) {
        return new TotemConfig(reloaded.tokenTimeoutMs, reloaded.tokenRetransmitMs, reloaded.holdMs, reloaded.joinMs,
                reloaded.consensusMs, reloaded.mergeMs, reloaded.failRecvConst, reloaded.seqnoUnchangedConst,
                reloaded.windowSize, reloaded.maxMessages, reloaded.missCountConst, retransmitEntriesMax, frameBytesMax,
                messageBytesMax, sendQueueFramesMax, sortQueueFramesMax);
    }

    /** @return {@link #tokenTimeoutMs()} in nanoseconds, as the engine's timers take it */
    public long tokenTimeoutNanos() {
        return nanosOf(tokenTimeoutMs);
    }

    /** @return {@link #tokenRetransmitMs()} in nanoseconds, as the engine's timers take it */
    public long tokenRetransmitNanos() {
        return nanosOf(tokenRetransmitMs);
    }

    /** @return {@link #holdMs()} in nanoseconds, as the engine's timers take it */
    public long holdNanos() {
        return nanosOf(holdMs);
    }

    /** @return {@link #joinMs()} in nanoseconds, as the engine's timers take it */
    public long joinNanos() {
        return nanosOf(joinMs);
    }

    /** @return {@link #consensusMs()} in nanoseconds, as the engine's timers take it */
    public long consensusNanos() {
        return nanosOf(consensusMs);
    }

    /** @return {@link #mergeMs()} in nanoseconds, as the engine's timers take it */
    public long mergeNanos() {
        return nanosOf(mergeMs);
    }

    /** @return {@link #failRecvConst()} in nanoseconds */
    public long failRecvNanos() {
        return nanosOf(failRecvConst);
    }

    /** The one conversion of the timeouts, all whole milliseconds, to the engine's nanoseconds. */
    private static long nanosOf(int millis) {
        return millis * 1_000_000L;
    }
}
