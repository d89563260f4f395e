package dev.totem.node.runtime;

/** How a node reaches the others on its network, as corosync's {@code totem.transport} names it. */
public enum Transport {
    /**
     * IP multicast ({@code udp}): a frame for every node is sent once to the multicast group;
     * tokens go by unicast.
     */
    UDP,
    /** Unicast only ({@code udpu}): a frame for every node is sent once to each peer. */
    UDPU;

    /** The corosync spelling: {@code udp} or {@code udpu}. */
    public String configName() {
        return this == UDP ? "udp" : "udpu";
    }
}
