package dev.totem.node.runtime;

import dev.totem.cpg.CpgService;
import dev.totem.cpg.CpgStats;
import dev.totem.membership.MembershipState;
import dev.totem.membership.TotemProcessor;
import dev.totem.node.cpg.NodeCpg;
import dev.totem.node.runtime.NodeCounters.Snapshot;
import dev.totem.node.runtime.NodeCounters.Stat;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.srp.SrpStats;
import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.rrp.RedundantRing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a node's state into a {@link Snapshot} (for the metrics, once a second) and a
 * {@link NodeStatus} (for {@code ./totem status} and {@link TotemNode#status}): the node's own
 * counters with the engine's, the crypto layer's, the networks' and the ring's. On the event loop,
 * or after it stopped.
 */
final class NodeSnapshots {
    private final int nodeId;
    private final Transport transport;
    private final TotemProcessor engine;
    private final RedundantRing ring;
    private final NodeCounters counters;
    /** Null when frames go in the clear. */
    private final NodeCrypto crypto;
    private final SubmitQueue submits;
    private final NetworkReport networkReport;
    private final NodeEvents events;
    /** Null on a node without a CPG service. */
    private final NodeCpg cpg;

    NodeSnapshots(int nodeId, Transport transport, TotemProcessor engine, RedundantRing ring, NodeCounters counters,
            NodeCrypto crypto, SubmitQueue submits, NetworkReport networkReport, NodeEvents events, NodeCpg cpg) {
        this.nodeId = nodeId;
        this.transport = transport;
        this.engine = engine;
        this.ring = ring;
        this.counters = counters;
        this.crypto = crypto;
        this.submits = submits;
        this.networkReport = networkReport;
        this.events = events;
        this.cpg = cpg;
    }

    /** @param engineRunning whether the engine runs (started, not left or closed) */
    Snapshot snapshot(long nowNanos, boolean engineRunning) {
        long[] v = counters.copy();
        SrpStats s = engine.stats();
        v[Stat.TOKEN_ROTATIONS.ordinal()] = s.tokensReceived;
        v[Stat.TOKEN_RETRANSMITS.ordinal()] = s.tokenRetransmits;
        v[Stat.FRAMES_RETRANSMITTED.ordinal()] = s.framesRetransmitted;
        v[Stat.RETRANSMIT_REQUESTS.ordinal()] = s.retransmitRequests;
        v[Stat.FRAMES_REJECTED.ordinal()] = s.framesRejected;
        v[Stat.MEMBERSHIP_GATHERS.ordinal()] = engine.membershipStats().gathers;
        v[Stat.MEMBERSHIP_HOLD_OFFS.ordinal()] = engine.membershipStats().holdOffsStarted;
        v[Stat.MEMBERSHIP_HOLD_OFFS_ENDED_BY_RESTART.ordinal()] = engine.membershipStats().holdOffsEndedByRestart;
        v[Stat.MEMBERSHIP_JOINS_FLUSHED.ordinal()] = engine.membershipStats().joinsFlushedAfterPause;
        v[Stat.MEMBERSHIP_HELD_OFF_FRAMES.ordinal()] = engine.membershipStats().heldOffFramesIgnored;
        v[Stat.MEMBERSHIP_QUIET_FRAMES.ordinal()] = engine.membershipStats().quietFramesIgnored;
        if (crypto != null) {
            crypto.fill(v);
        }
        v[Stat.SEND_QUEUE_FRAMES.ordinal()] = engine.queuedFrames();
        v[Stat.SUBMITS_PENDING.ordinal()] = submits.size();
        long[][] perNetwork = networkReport.fill(v);
        v[Stat.RING_MEMBERS.ordinal()] = events.members().length;
        v[Stat.RING_SEQ.ordinal()] = ringId().seq();
        v[Stat.OPERATIONAL.ordinal()] = engineRunning && engine.state() == MembershipState.OPERATIONAL ? 1 : 0;
        TotemConfig tunables = engine.config();
        v[Stat.TOKEN_TIMEOUT_MS.ordinal()] = tunables.tokenTimeoutMs();
        v[Stat.CONSENSUS_TIMEOUT_MS.ordinal()] = tunables.consensusMs();
        v[Stat.WINDOW_SIZE.ordinal()] = tunables.windowSize();
        v[Stat.MAX_MESSAGES.ordinal()] = tunables.maxMessages();
        if (cpg != null) {
            CpgService service = cpg.engine().service();
            CpgStats cs = service.stats();
            v[Stat.CPG_GROUPS.ordinal()] = service.groupCount();
            v[Stat.CPG_CLIENTS.ordinal()] = cpg.engine().cpg().openHandles();
            v[Stat.CPG_MESSAGES_DELIVERED.ordinal()] = cs.messagesDelivered;
            v[Stat.CPG_SYNCS_COMPLETED.ordinal()] = cs.syncsCompleted;
            v[Stat.CPG_SYNCS_ABORTED.ordinal()] = cs.syncsAborted;
            v[Stat.CPG_CLIENTS_DISCONNECTED.ordinal()] = cs.clientsDisconnected;
        }
        long[] rejected = new long[DecodeStatus.values().length];
        for (Map.Entry<DecodeStatus, Long> e : engine.rejected().entrySet()) {
            rejected[e.getKey().ordinal()] = e.getValue();
        }
        return new Snapshot(nowNanos, v, rejected, perNetwork, ring.status());
    }

    /**
     * @param state the node's state as {@code ./totem status} shows it (the engine's, or the node's
     *     phase when the engine does not run)
     * @param faultWindowSeconds a network with a send error this recent is reported faulty
     */
    NodeStatus status(long nowNanos, boolean engineRunning, String state, int faultWindowSeconds, java.util.Collection<Integer> listed) {
        Snapshot s = snapshot(nowNanos, engineRunning);
        Map<String, Long> values = new LinkedHashMap<>();
        for (Stat stat : Stat.ALL) {
            values.put(stat.key(), s.get(stat));
        }
        for (DecodeStatus reason : DecodeStatus.values()) {
            if (s.rejected()[reason.ordinal()] > 0) {
                values.put("frames_rejected_" + reason.name().toLowerCase(Locale.ROOT), s.rejected()[reason.ordinal()]);
            }
        }
        List<Integer> memberList = new ArrayList<>();
        for (int m : events.members()) {
            memberList.add(m);
        }
        return new NodeStatus(nodeId, transport, ringId(), state, memberList,
                networkReport.status(nowNanos, faultWindowSeconds), values, engine.heldOffMillis(nowNanos), List.copyOf(listed));
    }

    private RingId ringId() {
        RingId r = engine.ringId();
        return r == null ? RingId.NONE : r;
    }
}
