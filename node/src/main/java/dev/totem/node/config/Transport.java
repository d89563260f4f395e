package dev.totem.node.config;

import java.util.Locale;

/** How frames reach the other nodes: corosync's {@code transport} values that we implement. */
public enum Transport {
    /** IP multicast to each interface's {@code mcastaddr}; the token goes by unicast. */
    UDP,
    /** Unicast to every node of the nodelist: no multicast needed, one datagram per node. */
    UDPU;

    /** @return the value as written in the file: {@code udp} or {@code udpu} */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
