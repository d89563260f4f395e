package dev.totem.node.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code nodelist { node { } }} entry.
 *
 * @param nodeId the node's id ({@code nodeid}), 1 and up; the ring is ordered by it and the
 *     lowest id of a membership is its representative
 * @param ringAddresses the node's address on each network: index N is {@code ringN_addr}; every
 *     node has the same number of them
 * @param name the optional {@code name}, carried for humans and tools
 */
public record NodeEntry(int nodeId, List<InetAddress> ringAddresses, Optional<String> name) {

    /** Copies the address list and checks the id. */
    public NodeEntry {
        if (nodeId < 1) {
            throw new IllegalArgumentException("nodeId must be at least 1, got " + nodeId);
        }
        ringAddresses = List.copyOf(ringAddresses);
        Objects.requireNonNull(name, "name");
    }

    /**
     * @return the address on network 0 ({@code ring0_addr})
     * @throws IllegalStateException for the entry of a node without a nodelist (see
     *     {@link NodeConfig#localNode(java.util.Set, java.util.OptionalInt)})
     */
    public InetAddress ring0() {
        if (ringAddresses.isEmpty()) {
            throw new IllegalStateException("node " + nodeId + " has no ring address: the file has no nodelist");
        }
        return ringAddresses.get(0);
    }
}
