package dev.totem.node.runtime;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where one node meets the others on one network (corosync 2's ring, corosync 3's link): its own
 * address and port there, the multicast group for udp, and every node's address on it.
 *
 * @param index the network's number, 0 first ({@code ring<index>_addr})
 * @param bindAddress this node's address on the network (for example 127.1.0.2 or fd00::2); IPv4 or
 *     IPv6, the family of every peer and of the group on this network
 * @param port this node's unicast UDP port on the network
 * @param mcastGroup the multicast group (udp only, of the bind address's family; {@code null} for udpu)
 * @param mcastPort the multicast group's port (udp only; 0 for udpu)
 * @param ttl multicast TTL, 1 to 255 (udp only); 1 keeps frames on the local link
 * @param peers node id to address and unicast port on this network of every member of the
 *     nodelist; this node may be listed, with its own bind address and port. Sorted by node id
 */
public record NetworkSettings(int index, InetAddress bindAddress, int port, InetAddress mcastGroup, int mcastPort,
        int ttl, Map<Integer, InetSocketAddress> peers) {

    /** Checks every field; {@code nodeId} is the node these settings belong to. */
    NetworkSettings(int nodeId, Transport transport, int index, InetAddress bindAddress, int port,
            InetAddress mcastGroup, int mcastPort, int ttl, Map<Integer, InetSocketAddress> peers) {
        this(index, bindAddress, port, mcastGroup, mcastPort, ttl, checkedPeers(nodeId, index, bindAddress, port, peers));
        Objects.requireNonNull(transport, "transport");
        String network = index == 0 ? "" : "network " + index + ": ";
        if (transport == Transport.UDP) {
            if (mcastGroup == null || !mcastGroup.isMulticastAddress()) {
                throw new IllegalArgumentException(network + "UDP needs a multicast group, got " + mcastGroup);
            }
            if (mcastGroup.getAddress().length != bindAddress.getAddress().length) {
                throw new IllegalArgumentException(network + "the multicast group " + NetUtil.toAddressString(mcastGroup) + " is "
                        + familyName(mcastGroup) + " but the node binds " + familyName(bindAddress) + " "
                        + NetUtil.toAddressString(bindAddress) + "; use one IP family per network");
            }
            requirePort(network + "mcastPort", mcastPort);
            if (ttl < 1 || ttl > 255) {
                throw new IllegalArgumentException(network + "ttl must be 1 to 255, got " + ttl);
            }
        } else if (mcastGroup != null) {
            throw new IllegalArgumentException(network + "UDPU takes no multicast group, got " + NetUtil.toAddressString(mcastGroup));
        }
    }

    /** Copies and sorts the peers; checks the index, the address and the port. */
    public NetworkSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (index < 0) {
            throw new IllegalArgumentException("network index must not be negative, got " + index);
        }
        peers = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(peers, "peers")));
    }

    private static Map<Integer, InetSocketAddress> checkedPeers(int nodeId, int index, InetAddress bindAddress, int port,
            Map<Integer, InetSocketAddress> peers) {
        String network = index == 0 ? "" : "network " + index + ": ";
        Objects.requireNonNull(bindAddress, network + "bindAddress");
        if (bindAddress instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
            // A link-local address needs a scope (an interface) that the nodelist cannot carry.
            throw new IllegalArgumentException(network + "bindAddress " + NetUtil.toAddressString(bindAddress)
                    + " is link-local; use a global or unique local (fd00::/8) IPv6 address");
        }
        requirePort(network + "port", port);
        TreeMap<Integer, InetSocketAddress> sorted = new TreeMap<>();
        for (Map.Entry<Integer, InetSocketAddress> e : Objects.requireNonNull(peers, "peers").entrySet()) {
            int id = e.getKey();
            InetSocketAddress address = Objects.requireNonNull(e.getValue(), network + "address of node " + id);
            if (id <= 0) {
                throw new IllegalArgumentException(network + "peer node ids must be at least 1, got " + id);
            }
            if (address.isUnresolved()) {
                throw new IllegalArgumentException(network + "peer " + id + " has an unresolved address " + address);
            }
            if (address.getAddress().getAddress().length != bindAddress.getAddress().length) {
                throw new IllegalArgumentException(network + "peer " + id + " is at " + familyName(address.getAddress()) + " "
                        + NetUtil.toAddressString(address.getAddress()) + " but this node binds " + familyName(bindAddress) + " "
                        + NetUtil.toAddressString(bindAddress) + "; use one IP family per network");
            }
            if (id == nodeId && !address.equals(new InetSocketAddress(bindAddress, port))) {
                throw new IllegalArgumentException(network + "node " + id + " is listed at " + address + " but binds "
                        + NetUtil.toAddressString(bindAddress) + ":" + port);
            }
            sorted.put(id, address);
        }
        return sorted;
    }

    private static String familyName(InetAddress a) {
        return a instanceof Inet6Address ? "IPv6" : "IPv4";
    }

    /** Whether the network runs over IPv6 (its frames carry a 40-byte IP header, not 20). */
    public boolean ipv6() {
        return bindAddress instanceof Inet6Address;
    }

    static void requirePort(String name, int value) {
        if (value < 1 || value > 65_535) {
            throw new IllegalArgumentException(name + " must be 1 to 65535, got " + value);
        }
    }

    /** The name of this network in logs, status and metric tags: {@code ring0}, {@code ring1}, ... */
    public String name() {
        return name(index);
    }

    /** The name of network {@code index}: {@code ring<index>}, as corosync numbers rings. */
    public static String name(int index) {
        return "ring" + index;
    }

    /** This node's unicast address on the network. */
    public InetSocketAddress unicastAddress() {
        return new InetSocketAddress(bindAddress, port);
    }

    /** The peers other than {@code nodeId}, in node id order. */
    public Map<Integer, InetSocketAddress> otherPeers(int nodeId) {
        TreeMap<Integer, InetSocketAddress> others = new TreeMap<>(peers);
        others.remove(nodeId);
        return Collections.unmodifiableMap(others);
    }
}
