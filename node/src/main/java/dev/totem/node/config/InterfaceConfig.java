package dev.totem.node.config;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One network (corosync 2: ring, corosync 3: link): a {@code totem { interface { } }} section,
 * or the defaults of a udpu network that has no such section.
 *
 * @param linkNumber the network's number, 0 first ({@code linknumber} or {@code ringnumber});
 *     nodes give their address on it as {@code ring<linkNumber>_addr}
 * @param bindNetAddr the address or network address that picks the local interface
 *     ({@code bindnetaddr}); required for udp, optional for udpu, where the local node's
 *     {@code ringN_addr} is the address to bind
 * @param mcastAddr the multicast group ({@code mcastaddr}, or derived from {@code cluster_name}
 *     as corosync does); present for udp, empty for udpu
 * @param mcastPort the UDP port ({@code mcastport}, default 5405 + linkNumber); corosync's udp
 *     also sends from {@code mcastPort - 1}
 * @param ttl multicast time-to-live ({@code ttl}, default 1: the local network only)
 */
public record InterfaceConfig(int linkNumber, Optional<InetAddress> bindNetAddr, Optional<InetAddress> mcastAddr,
        int mcastPort, int ttl) {

    /** corosync's port of network 0; network N defaults to this + N. */
    public static final int DEFAULT_MCAST_PORT = 5405;

    /** Checks ranges; the validator reports bad values to the user before this is reached. */
    public InterfaceConfig {
        Objects.requireNonNull(bindNetAddr, "bindNetAddr");
        Objects.requireNonNull(mcastAddr, "mcastAddr");
        if (linkNumber < 0 || mcastPort < 1 || mcastPort > 65_535 || ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("interface out of range: link " + linkNumber + ", port " + mcastPort
                    + ", ttl " + ttl);
        }
    }
}
