package dev.totem.node.runtime;

import dev.totem.rrp.NetworkStatus;
import java.util.List;
import java.util.Locale;

/**
 * The node's counters, kept as plain longs by the event loop thread (no atomics on the hot
 * path). Other threads never read them: the loop copies them, with the engine's own counters,
 * into an immutable {@link Snapshot} once a second for metrics, and into {@link NodeStatus} on
 * request.
 */
final class NodeCounters {
    /** Counter or gauge, for Micrometer. */
    enum Kind {
        COUNTER,
        GAUGE
    }

    /**
     * Every number the node publishes: its Micrometer name and tags, and its key in
     * {@link NodeStatus#counters()} (the lower-case enum name). Those marked "engine" are copied
     * from the engine's stats at snapshot time; the others are counted by the runtime.
     */
    enum Stat {
        FRAMES_SENT_UNICAST(Kind.COUNTER, "totem.network.frames.sent", "Frames sent", "cast", "unicast"),
        FRAMES_SENT_MULTICAST(Kind.COUNTER, "totem.network.frames.sent", "Frames sent", "cast", "multicast"),
        BYTES_SENT(Kind.COUNTER, "totem.network.bytes.sent", "Frame bytes sent (UDP payload)"),
        FRAMES_RECEIVED_UNICAST(Kind.COUNTER, "totem.network.frames.received", "Frames received", "cast", "unicast"),
        FRAMES_RECEIVED_MULTICAST(Kind.COUNTER, "totem.network.frames.received", "Frames received", "cast",
                "multicast"),
        BYTES_RECEIVED(Kind.COUNTER, "totem.network.bytes.received", "Frame bytes received (UDP payload)"),
        FRAMES_DROPPED_UNLISTED(Kind.COUNTER, "totem.network.frames.dropped", "Frames dropped by the runtime",
                "reason", "unlisted_address"),
        FRAMES_DROPPED_SEND_BUFFER_FULL(Kind.COUNTER, "totem.network.frames.dropped", "Frames dropped by the runtime",
                "reason", "send_buffer_full"),
        FRAMES_DROPPED_UNKNOWN_DESTINATION(Kind.COUNTER, "totem.network.frames.dropped",
                "Frames dropped by the runtime", "reason", "unknown_destination"),
        SEND_ERRORS(Kind.COUNTER, "totem.network.send.errors", "Datagrams the socket refused"),
        ENGINE_ERRORS(Kind.COUNTER, "totem.engine.errors", "Exceptions thrown by the engine (bugs)"),
        LISTENER_ERRORS(Kind.COUNTER, "totem.listener.errors", "Exceptions thrown by node listeners"),
        SUBMITS_DROPPED(Kind.COUNTER, "totem.submits.dropped", "Accepted submits the engine refused after all (bugs)"),
        CONFIGURATIONS_REGULAR(Kind.COUNTER, "totem.configurations", "Configurations installed", "kind", "regular"),
        CONFIGURATIONS_TRANSITIONAL(Kind.COUNTER, "totem.configurations", "Configurations installed", "kind",
                "transitional"),
        DELIVERED_AGREED(Kind.COUNTER, "totem.messages.delivered", "Messages delivered", "guarantee", "agreed"),
        DELIVERED_SAFE(Kind.COUNTER, "totem.messages.delivered", "Messages delivered", "guarantee", "safe"),
        TOKEN_LOSSES(Kind.COUNTER, "totem.token.losses", "Token loss timeouts"),
        PROCESS_PAUSES(Kind.COUNTER, "totem.process.pauses",
                "Times the event loop did not run for over half the token timeout (process stopped or starved)"),
        SERVICE_MESSAGES_UNKNOWN(Kind.COUNTER, "totem.service.messages.dropped",
                "Messages in the total order of a service this node does not run (a newer version's)"),
        /** engine */
        TOKEN_ROTATIONS(Kind.COUNTER, "totem.token.rotations", "Tokens received (one per rotation)"),
        /** engine */
        TOKEN_RETRANSMITS(Kind.COUNTER, "totem.token.retransmits", "Tokens resent after token_retransmit"),
        /** engine */
        FRAMES_RETRANSMITTED(Kind.COUNTER, "totem.frames.retransmitted", "Frames resent on retransmit requests"),
        /** engine */
        RETRANSMIT_REQUESTS(Kind.COUNTER, "totem.retransmit.requests", "Retransmit requests put on the token"),
        /** engine */
        FRAMES_REJECTED(Kind.COUNTER, "totem.frames.rejected.all", "Frames the engine rejected, all reasons"),
        /** engine: frames that did not open (crypto), by reason */
        CRYPTO_REJECTED_TRUNCATED(Kind.COUNTER, "totem.crypto.frames.rejected", "Frames that did not open", "reason", "truncated"),
        CRYPTO_REJECTED_BAD_FORMAT(Kind.COUNTER, "totem.crypto.frames.rejected", "Frames that did not open", "reason", "bad_format"),
        CRYPTO_REJECTED_UNKNOWN_KEY(Kind.COUNTER, "totem.crypto.frames.rejected", "Frames that did not open", "reason", "unknown_key"),
        CRYPTO_REJECTED_BAD_TAG(Kind.COUNTER, "totem.crypto.frames.rejected", "Frames that did not open", "reason", "bad_tag"),
        CRYPTO_REJECTED_REPLAY(Kind.COUNTER, "totem.crypto.frames.rejected", "Frames that did not open", "reason", "replay"),
        /** engine: frames that opened but named another node as their sender */
        CRYPTO_REJECTED_SENDER_MISMATCH(Kind.COUNTER, "totem.crypto.frames.rejected", "Frames that did not open", "reason",
                "sender_mismatch"),
        /** engine: the redundant ring */
        RRP_TOKEN_RESENDS(Kind.COUNTER, "totem.rrp.token.resends", "Tokens sent again because they did not come back around in time"),
        /** engine: the redundant ring */
        RRP_TOKEN_WAITS_EXPIRED(Kind.COUNTER, "totem.rrp.token.waits.expired",
                "Active mode: tokens handed on before their copies came on every working network"),
        /** engine: the redundant ring */
        RRP_PROBES_MISROUTED(Kind.COUNTER, "totem.rrp.probes.misrouted",
                "Probes that arrived on another network than they were sent on (networks wired crosswise)"),
        /** engine: the redundant ring */
        RRP_BAD_FRAMES(Kind.COUNTER, "totem.rrp.frames.bad", "Frames with the redundant ring's magic that are no valid probe"),
        /** engine */
        MEMBERSHIP_GATHERS(Kind.COUNTER, "totem.membership.gathers", "Entries into the gather state"),
        /** engine */
        MEMBERSHIP_HOLD_OFFS(Kind.COUNTER, "totem.membership.holdoffs",
                "Holds begun on a node shut out of the ring again while it was heard (a one-way or partial link)"),
        /** engine */
        MEMBERSHIP_HOLD_OFFS_ENDED_BY_RESTART(Kind.COUNTER, "totem.membership.holdoffs.restarted",
                "Holds ended early because the held node restarted"),
        /** engine */
        MEMBERSHIP_JOINS_FLUSHED(Kind.COUNTER, "totem.membership.joins.flushed",
                "Joins dropped as queued while the process was paused (corosync's flush of membership messages)"),
        /** engine */
        MEMBERSHIP_HELD_OFF_FRAMES(Kind.COUNTER, "totem.membership.heldoff.frames",
                "Joins and frames of other rings ignored because their sender was held off"),
        /** engine */
        MEMBERSHIP_QUIET_FRAMES(Kind.COUNTER, "totem.membership.quiet.frames",
                "Frames of other rings that started no gather: their sender never answered the last one"),
        /** engine */
        SEND_QUEUE_FRAMES(Kind.GAUGE, "totem.send.queue.frames", "Frames waiting for the token"),
        SOCKET_RECEIVE_BUFFER_BYTES(Kind.GAUGE, "totem.network.socket.buffer.bytes",
                "SO_RCVBUF/SO_SNDBUF as read back (Linux doubles it; NIO halves it again)", "direction", "receive"),
        SOCKET_SEND_BUFFER_BYTES(Kind.GAUGE, "totem.network.socket.buffer.bytes",
                "SO_RCVBUF/SO_SNDBUF as read back (Linux doubles it; NIO halves it again)", "direction", "send"),
        SUBMITS_PENDING(Kind.GAUGE, "totem.submits.pending", "Accepted submits waiting for the event loop or for room in the send queue"),
        /** engine */
        RING_MEMBERS(Kind.GAUGE, "totem.ring.members", "Members of the installed ring"),
        /** engine */
        RING_SEQ(Kind.GAUGE, "totem.ring.seq", "Sequence number of the installed ring"),
        /** engine */
        OPERATIONAL(Kind.GAUGE, "totem.membership.operational", "1 when the ring is operational"),
        /** engine: the tunables it runs with, as started or reloaded */
        TOKEN_TIMEOUT_MS(Kind.GAUGE, "totem.config.token.ms", "The token timeout the engine runs with (totem.token, as reloaded)"),
        /** engine */
        CONSENSUS_TIMEOUT_MS(Kind.GAUGE, "totem.config.consensus.ms", "The consensus timeout the engine runs with"),
        /** engine */
        WINDOW_SIZE(Kind.GAUGE, "totem.config.window.size", "Frames the ring broadcasts per rotation at most (window_size)"),
        /** engine */
        MAX_MESSAGES(Kind.GAUGE, "totem.config.max.messages", "Frames this node broadcasts per token visit at most (max_messages)"),
        /** CPG service (0 on a node without one) */
        CPG_GROUPS(Kind.GAUGE, "totem.cpg.groups", "Process groups with at least one member, cluster-wide as this node knows them"),
        /** CPG service */
        CPG_CLIENTS(Kind.GAUGE, "totem.cpg.clients", "Open CPG handles of local processes (IPC connections and embedded handles)"),
        /** CPG service */
        CPG_MESSAGES_DELIVERED(Kind.COUNTER, "totem.cpg.messages.delivered",
                "Group messages handed to local clients (once per message, not per receiver)"),
        /** CPG service */
        CPG_SYNCS_COMPLETED(Kind.COUNTER, "totem.cpg.syncs", "CPG syncs after a configuration change", "outcome", "completed"),
        /** CPG service */
        CPG_SYNCS_ABORTED(Kind.COUNTER, "totem.cpg.syncs", "CPG syncs after a configuration change", "outcome", "aborted"),
        /** CPG service */
        CPG_CLIENTS_DISCONNECTED(Kind.COUNTER, "totem.cpg.clients.disconnected",
                "Clients disconnected because they did not keep up");

        static final Stat[] ALL = values();

        final Kind kind;
        final String metricName;
        final String description;
        /** Tag key-value pairs; the network tag is added to names under totem.network (see {@link #perNetwork}). */
        final String[] tags;

        Stat(Kind kind, String metricName, String description, String... tags) {
            this.kind = kind;
            this.metricName = metricName;
            this.description = description;
            this.tags = tags;
        }

        /** The key in {@link NodeStatus#counters()}. */
        String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Counted by each network's sockets, and published per network. */
        boolean perNetwork() {
            return metricName.startsWith("totem.network.");
        }
    }

    private final long[] values = new long[Stat.ALL.length];

    void increment(Stat stat) {
        values[stat.ordinal()]++;
    }

    void add(Stat stat, long n) {
        values[stat.ordinal()] += n;
    }

    long get(Stat stat) {
        return values[stat.ordinal()];
    }

    /** A copy of the runtime's values; the caller fills in the engine's. */
    long[] copy() {
        return values.clone();
    }

    /**
     * The numbers at one instant, immutable once published.
     *
     * @param nanoTime when it was taken ({@link System#nanoTime})
     * @param values indexed by {@link Stat#ordinal()}; the network stats summed over the networks
     * @param rejected the engine's rejected frames, indexed by {@code DecodeStatus.ordinal()}
     * @param networks each network's sockets' values, by network then {@link Stat#ordinal()}
     * @param rrp each network's state and counters in the redundant ring, by network
     */
    record Snapshot(long nanoTime, long[] values, long[] rejected, long[][] networks, List<NetworkStatus> rrp) {
        long get(Stat stat) {
            return values[stat.ordinal()];
        }

        long get(int network, Stat stat) {
            return networks[network][stat.ordinal()];
        }
    }
}
