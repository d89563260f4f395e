package dev.totem.node.cpg;

import dev.totem.cpg.CpgConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a node runs the CPG service: its limits, and its IPC socket for other processes.
 *
 * @param config the service's limits
 * @param socket the Unix domain socket clients connect to; empty: only code in the node's JVM
 *     (the embedded API) uses the service
 * @param peers who may connect to the socket
 * @param inboxCallsMax calls of embedded handles from other threads waiting for the event loop;
 *     past it a multicast answers TRY_AGAIN
 * @param connectionOutboundBytesMax bytes of events and replies one IPC client may have waiting
 *     to be read; past it the client is disconnected (it stopped reading). Past a quarter of it
 *     ({@link #holdBackBytes}) the client's own requests wait until it has read back to half that.
 *     It must hold the hold-back mark, all of the service's messages in flight and one more
 *     message: every local member receives the node's own messages, so a client that reads slower
 *     than it sends can fall behind by all of them after its sends are held back, and must not be
 *     disconnected for its own stream
 * @param connectionsMax IPC clients at once; more are refused
 */
public record CpgSettings(CpgConfig config, Optional<Path> socket, PeerPolicy peers, int inboxCallsMax,
        int connectionOutboundBytesMax, int connectionsMax) {

    /** Default of {@link #inboxCallsMax}. */
    public static final int DEFAULT_INBOX_CALLS_MAX = 10_000;
    /** Default of {@link #connectionOutboundBytesMax}: 16 MiB, sixteen of the largest messages. */
    public static final int DEFAULT_CONNECTION_OUTBOUND_BYTES_MAX = 16 << 20;
    /** Default of {@link #connectionsMax}. */
    public static final int DEFAULT_CONNECTIONS_MAX = 1024;

    public CpgSettings {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(peers, "peers");
        if (inboxCallsMax < 1 || connectionsMax < 1) {
            throw new IllegalArgumentException("inboxCallsMax and connectionsMax must be positive");
        }
        if (connectionOutboundBytesMax < 2 * config.messageBytesMax()) {
            throw new IllegalArgumentException("connectionOutboundBytesMax must hold two of the largest messages ("
                    + 2L * config.messageBytesMax() + " bytes), got " + connectionOutboundBytesMax);
        }
        long ownStream = config.inflightBytesMax() + config.messageBytesMax();
        if (holdBackOf(connectionOutboundBytesMax) + ownStream > connectionOutboundBytesMax) {
            // The least bound b with b - b / 4 >= ownStream.
            long enough = (ownStream - 1) * 4 / 3 + 1;
            throw new IllegalArgumentException("connectionOutboundBytesMax " + connectionOutboundBytesMax
                    + " must hold a quarter of itself (the hold-back mark), the CPG service's inflightBytesMax "
                    + config.inflightBytesMax() + " and one message of " + config.messageBytesMax()
                    + " bytes, or a client that reads slower than it sends is disconnected for its own messages:"
                    + " raise it to " + enough + " or lower inflightBytesMax");
        }
    }

    /**
     * Unread bytes past which an IPC client's requests wait for it to read (a quarter of
     * {@link #connectionOutboundBytesMax}): a client that sends faster than it reads slows its
     * own sending before the node must disconnect it.
     */
    public int holdBackBytes() {
        return holdBackOf(connectionOutboundBytesMax);
    }

    private static int holdBackOf(int connectionOutboundBytesMax) {
        return connectionOutboundBytesMax / 4;
    }

    /** The service with the default limits and no socket: for code in the node's JVM only. */
    public static CpgSettings embedded() {
        return new CpgSettings(CpgConfig.defaults(), Optional.empty(), PeerPolicy.of(Set.of(), Set.of()),
                DEFAULT_INBOX_CALLS_MAX, DEFAULT_CONNECTION_OUTBOUND_BYTES_MAX, DEFAULT_CONNECTIONS_MAX);
    }

    /** These settings with the IPC socket at {@code path}. */
    public CpgSettings withSocket(Path path) {
        return new CpgSettings(config, Optional.of(path), peers, inboxCallsMax, connectionOutboundBytesMax, connectionsMax);
    }

    /** These settings with another peer policy. */
    public CpgSettings withPeers(PeerPolicy policy) {
        return new CpgSettings(config, socket, policy, inboxCallsMax, connectionOutboundBytesMax, connectionsMax);
    }

    /** These settings with other service limits. */
    public CpgSettings withConfig(CpgConfig value) {
        return new CpgSettings(value, socket, peers, inboxCallsMax, connectionOutboundBytesMax, connectionsMax);
    }

    /** These settings with another bound of a client's unread bytes. */
    public CpgSettings withConnectionOutboundBytesMax(int bytes) {
        return new CpgSettings(config, socket, peers, inboxCallsMax, bytes, connectionsMax);
    }
}
