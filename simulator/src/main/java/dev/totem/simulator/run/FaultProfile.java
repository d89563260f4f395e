package dev.totem.simulator.run;

/** The fault schedules a seed run can draw from. */
public enum FaultProfile {
    /** No faults but the network's own loss. */
    NONE,
    /** Loss bursts: the network's loss rises to 0..30% for a while, then falls back. */
    LOSS,
    /** Symmetric and asymmetric partitions that heal. */
    PARTITION,
    /** Nodes crash and restart with only their ring seq store. */
    CRASH,
    /** Nodes pause for longer than the token timeout, then resume. */
    PAUSE,
    /** All of the above mixed, with duplication and reordering, then a quiet period. */
    CHAOS,
    /**
     * Redundant ring: one network at a time is cut (all its frames lost, or that network alone
     * partitioned), or degraded (0..30% loss), then healed, over a little loss on every network;
     * never every network at once. Starts once the first ring formed.
     */
    NETFAIL,
    /** As {@link #NETFAIL}, and now and then every network is cut at once for some nodes. */
    NETFAIL_ALL,
    /**
     * As {@link #NETFAIL}, and a quarter of the faults are one-way: a node hears nothing on one
     * network while what it sends there still arrives (a broken receive path, a firewall on
     * input). A separate profile, so that netfail's seeds keep their schedules.
     */
    NETFAIL_ONEWAY,
    /**
     * One link fails in one direction (one node hears nothing from another; everyone else hears
     * both) for a fault phase three times the usual length, then heals. Besides the EVS properties,
     * {@code oneway-stability} ({@link OneWayWatch}): the nodes the fault does not touch re-form a
     * bounded number of times, as the merge hold-off allows, instead of without end.
     */
    ONEWAY,
    /**
     * Partial connectivity: two links fail, each in one direction or in both, for the long phase
     * of {@link #ONEWAY}, then heal; judged by {@code oneway-stability} as well.
     */
    PARTIAL,
    /**
     * As {@link #CHAOS}, and 2 to 8 times a node reloads other tunables (token timeout and what
     * derives from it, window_size, max_messages, miss_count_const, seqno_unchanged_const), so
     * that nodes run with different ones for a while, as during an operator's reload of one node
     * after another; every node reloads the run's own at the phase's end.
     */
    RETUNE;

    /**
     * Parses the CLI spelling (none, loss, partition, crash, pause, chaos, netfail, netfail-all,
     * netfail-oneway, oneway, partial, retune).
     */
    public static FaultProfile parse(String s) {
        for (FaultProfile p : values()) {
            if (p.cliName().equalsIgnoreCase(s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown fault profile '" + s
                + "'; expected none, loss, partition, crash, pause, chaos, netfail, netfail-all, netfail-oneway, oneway, partial or retune");
    }

    /** The CLI spelling: the name in lower case, with a dash for the underscore. */
    public String cliName() {
        return name().toLowerCase().replace('_', '-');
    }

    /**
     * Whether it fails links between nodes for a long phase ({@link #ONEWAY}, {@link #PARTIAL}),
     * judged by {@code oneway-stability} and {@code repair-merge} ({@link OneWayWatch}).
     */
    public boolean failsLinks() {
        return this == ONEWAY || this == PARTIAL;
    }

    /** Whether it fails networks rather than nodes, and so starts once the first ring formed. */
    public boolean failsNetworks() {
        return this == NETFAIL || this == NETFAIL_ALL || this == NETFAIL_ONEWAY;
    }
}
