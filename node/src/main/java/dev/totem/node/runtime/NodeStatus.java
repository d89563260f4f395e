package dev.totem.node.runtime;

import dev.totem.protocol.api.RingId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a node reports about itself at one instant: taken on its event loop thread, immutable.
 *
 * @param nodeId this node's id
 * @param transport udp or udpu
 * @param ringId the installed ring, or the node's boot ring before it joined one
 * @param state GATHER, COMMIT, RECOVERY or OPERATIONAL while running; NEW before
 *     {@link TotemNode#start}; LEFT after {@link TotemNode#leave}; CLOSED after
 *     {@link TotemNode#close}
 * @param members the installed ring's members, ascending; empty before the first ring
 * @param networks one entry per network, ring0 first
 * @param counters the node's counters by name (frames_sent_unicast, token_rotations, ...), in a
 *     stable order
 * @param heldOff the nodes this node holds off merging with (shut out of its ring again and again
 *     while alive: a one-way or partial link), ascending, each with the milliseconds its hold has left
 * @param listed the nodes of the nodelist (as last reloaded), this node included, ascending; empty
 *     when unknown
 */
public record NodeStatus(
        int nodeId,
        Transport transport,
        RingId ringId,
        String state,
        List<Integer> members,
        List<NetworkStatus> networks,
        Map<String, Long> counters,
        Map<Integer, Long> heldOff,
        List<Integer> listed) {

    public NodeStatus {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(ringId, "ringId");
        Objects.requireNonNull(state, "state");
        members = List.copyOf(members);
        networks = List.copyOf(networks);
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        heldOff = Collections.unmodifiableMap(new java.util.TreeMap<>(heldOff));
        listed = listed.stream().sorted().toList();
    }

    /** A status without the nodelist. */
    public NodeStatus(int nodeId, Transport transport, RingId ringId, String state, List<Integer> members,
            List<NetworkStatus> networks, Map<String, Long> counters, Map<Integer, Long> heldOff) {
        this(nodeId, transport, ringId, state, members, networks, counters, heldOff, List.of());
    }

    /** A status of a node that holds nobody off. */
    public NodeStatus(int nodeId, Transport transport, RingId ringId, String state, List<Integer> members,
            List<NetworkStatus> networks, Map<String, Long> counters) {
        this(nodeId, transport, ringId, state, members, networks, counters, Map.of());
    }

    /** The nodes of the nodelist that are not members of the ring, ascending (a node not started, failed, or held off). */
    public List<Integer> absent() {
        return listed.stream().filter(id -> !members.contains(id)).toList();
    }

    /** A counter by name, 0 when absent. */
    public long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    /**
     * Whether the value named {@code name} in {@link #counters()} is a gauge (a level, such as
     * submits_pending or ring_members) rather than a count that only grows: the difference of two
     * readings means something only for counts.
     */
    public static boolean isGauge(String name) {
        for (NodeCounters.Stat stat : NodeCounters.Stat.ALL) {
            if (stat.key().equals(name)) {
                return stat.kind == NodeCounters.Kind.GAUGE;
            }
        }
        return false;
    }

    /**
     * The state of one network.
     *
     * @param id the link number (0 for ring0)
     * @param address the local address (and the multicast group for udp)
     * @param status "active with no faults", "FAULTY: " and the reason, or "closed"
     * @param counters the network's own counters by name (frames_sent, tokens_received,
     *     faults, ...), in a stable order
     */
    public record NetworkStatus(int id, String address, String status, Map<String, Long> counters) {
        /** The status of a healthy network. */
        public static final String ACTIVE = "active with no faults";
        /** How the status of a faulty network starts; the reason follows. */
        public static final String FAULTY = "FAULTY";

        public NetworkStatus {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(status, "status");
            counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        }

        /** A network without counters of its own. */
        public NetworkStatus(int id, String address, String status) {
            this(id, address, status, Map.of());
        }

        /** Whether the network is marked faulty. */
        public boolean faulty() {
            return status.startsWith(FAULTY);
        }

        /** A counter by name, 0 when absent. */
        public long counter(String name) {
            return counters.getOrDefault(name, 0L);
        }
    }
}
