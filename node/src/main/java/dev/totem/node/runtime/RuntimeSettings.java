package dev.totem.node.runtime;

import dev.totem.node.config.NodeConfig;
import dev.totem.node.cpg.CpgSettings;
import dev.totem.membership.TotemProcessor.PlantedBug;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.rrp.RrpConfig;
import dev.totem.rrp.RrpMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Everything a {@link TotemNode} needs to run, already validated. The configuration file parser
 * builds one; tests build one with {@link #builder}.
 *
 * <p>Ports: every node owns one unicast port, {@code bindAddress:port}, on which it receives
 * tokens (and, with {@link Transport#UDPU}, everything else) and from which it sends every
 * frame, multicast ones included. With {@link Transport#UDP} the node also receives on
 * {@code mcastGroup:mcastPort}, shared by all nodes of the host (SO_REUSEADDR). As in corosync,
 * the unicast port defaults to {@code mcastPort - 1} for UDP and to {@value #DEFAULT_PORT} for
 * UDPU.
 *
 * <p>Networks: the fields {@code bindAddress} to {@code peers} describe network 0 (ring0); a
 * redundant ring adds networks 1 and up in {@code redundantNetworks}, each with its own
 * addresses, ports and group, and {@code rrpMode} says how frames use them ({@link #networks()}
 * lists them all).
 *
 * @param nodeId this node's id, 1 or more
 * @param transport multicast or unicast
 * @param bindAddress this node's ring0 address (for example 127.0.0.2); IPv4
 * @param port this node's unicast UDP port
 * @param mcastGroup the multicast group (UDP only; {@code null} for UDPU)
 * @param mcastPort the multicast group's port (UDP only; 0 for UDPU)
 * @param ttl multicast TTL, 1 to 255 (UDP only); 1 keeps frames on the local link
 * @param peers node id to ring0 address and unicast port of every member of the nodelist; this
 *     node may be listed, with its own bind address and port. Frames from addresses not listed
 *     are dropped when {@code blockUnlistedIps} is set
 * @param totemConfig the engine's tunables
 * @param stateDirectory where the ring seq file {@code ringid_<nodeid>} lives
 * @param socketBufferBytes SO_RCVBUF and SO_SNDBUF requested for every UDP socket
 * @param metricsPort TCP port on 127.0.0.1 for Prometheus {@code /metrics}; 0 picks a free
 *     port; empty serves no metrics
 * @param adminSocket path of the Unix domain admin socket; empty opens none
 * @param blockUnlistedIps drop frames whose source address is not a peer's
 *     ({@code block_unlisted_ips})
 * @param pendingSubmitsMax accepted submits waiting for the event loop or for room in the
 *     engine's send queue before {@link TotemNode#submit} answers TRY_AGAIN
 * @param crypto how frames are sealed; empty sends them in the clear (only when configured so)
 * @param cpg the CPG service on top of the engine and its IPC socket; empty runs the engine bare
 *     (raw {@link TotemNode#submit}). With it, {@code totemConfig} is raised, when needed, to carry
 *     the service's largest message
 * @param rrpMode how the networks carry the frames: {@link RrpMode#NONE} exactly when there is
 *     one network
 * @param redundantNetworks networks 1 and up, in order; every one lists the same node ids as
 *     network 0
 * @param plantedBug a deliberate protocol bug for the checkers' own tests ({@code ./totem jepsen}
 *     plants one to show its checker catches it); {@code NONE} in production
 * @param realTimeScheduling at start, put every thread of this JVM under SCHED_RR
 *     ({@code system.sched_rr}; see {@link ProcessScheduling})
 * @param nice at start, give every thread of this JVM this nice value ({@code system.priority};
 *     not with {@code realTimeScheduling}); empty leaves it
 */
public record RuntimeSettings(
        int nodeId,
        Transport transport,
        InetAddress bindAddress,
        int port,
        InetAddress mcastGroup,
        int mcastPort,
        int ttl,
        Map<Integer, InetSocketAddress> peers,
        TotemConfig totemConfig,
        Path stateDirectory,
        int socketBufferBytes,
        OptionalInt metricsPort,
        Optional<Path> adminSocket,
        boolean blockUnlistedIps,
        int pendingSubmitsMax,
        Optional<CryptoSetup> crypto,
        Optional<CpgSettings> cpg,
        RrpMode rrpMode,
        List<NetworkSettings> redundantNetworks,
        PlantedBug plantedBug,
        boolean realTimeScheduling,
        OptionalInt nice) {

    /** corosync's default port: the multicast port for UDP, the unicast port for UDPU. */
    public static final int DEFAULT_PORT = 5405;
    /** Requested SO_RCVBUF/SO_SNDBUF: 4 MiB. */
    public static final int DEFAULT_SOCKET_BUFFER_BYTES = 4 << 20;
    /** Default bound of accepted submits waiting for the engine. */
    public static final int DEFAULT_PENDING_SUBMITS_MAX = 10_000;

    public RuntimeSettings {
        if (nodeId <= 0) {
            throw new IllegalArgumentException("nodeId must be at least 1, got " + nodeId);
        }
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(totemConfig, "totemConfig");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(metricsPort, "metricsPort");
        Objects.requireNonNull(plantedBug, "plantedBug");
        Objects.requireNonNull(adminSocket, "adminSocket");
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(cpg, "cpg");
        int carried = cpg.map(c -> c.config().engineMessageBytesMax()).orElse(0);
        if (totemConfig.messageBytesMax() < carried) {
            totemConfig = totemConfig.withMessageBytesMax(carried);
        }
        Objects.requireNonNull(rrpMode, "rrpMode");
        NetworkSettings ring0 = new NetworkSettings(nodeId, transport, 0, bindAddress, port, mcastGroup, mcastPort, ttl,
                peers);
        peers = ring0.peers();
        List<NetworkSettings> checked = new ArrayList<>();
        for (NetworkSettings n : Objects.requireNonNull(redundantNetworks, "redundantNetworks")) {
            int index = checked.size() + 1;
            if (n.index() != index) {
                throw new IllegalArgumentException("redundant network " + index + " has index " + n.index());
            }
            if (!n.peers().keySet().equals(peers.keySet())) {
                throw new IllegalArgumentException("network " + index + " lists nodes " + n.peers().keySet()
                        + ", network 0 lists " + peers.keySet() + "; every node needs an address on each network");
            }
            checked.add(new NetworkSettings(nodeId, transport, index, n.bindAddress(), n.port(), n.mcastGroup(),
                    n.mcastPort(), n.ttl(), n.peers()));
        }
        redundantNetworks = List.copyOf(checked);
        int networks = 1 + redundantNetworks.size();
        if (networks > RrpConfig.MAX_NETWORKS) {
            throw new IllegalArgumentException("at most " + RrpConfig.MAX_NETWORKS + " networks, got " + networks);
        }
        if ((rrpMode == RrpMode.NONE) != (networks == 1)) {
            throw new IllegalArgumentException("rrp mode " + rrpMode.name().toLowerCase(Locale.ROOT) + " with "
                    + networks + " networks; none is for one network, passive and active for two or more");
        }
        if (socketBufferBytes < 1024) {
            throw new IllegalArgumentException("socketBufferBytes must be at least 1024, got " + socketBufferBytes);
        }
        if (metricsPort.isPresent() && (metricsPort.getAsInt() < 0 || metricsPort.getAsInt() > 65_535)) {
            throw new IllegalArgumentException("metricsPort must be 0 to 65535, got " + metricsPort.getAsInt());
        }
        Objects.requireNonNull(nice, "nice");
        if (nice.isPresent() && (realTimeScheduling || nice.getAsInt() < NodeConfig.NICE_HIGHEST
                || nice.getAsInt() > NodeConfig.NICE_LOWEST)) {
            throw new IllegalArgumentException("nice must be " + NodeConfig.NICE_HIGHEST + " to " + NodeConfig.NICE_LOWEST
                    + " and without real-time scheduling, got " + nice
                    + (realTimeScheduling ? " with it" : ""));
        }
        if (pendingSubmitsMax < 1) {
            throw new IllegalArgumentException("pendingSubmitsMax must be at least 1, got " + pendingSubmitsMax);
        }
    }

    /** These settings with {@code bug} planted (tests of the checkers only). */
    public RuntimeSettings withPlantedBug(PlantedBug bug) {
        return new RuntimeSettings(nodeId, transport, bindAddress, port, mcastGroup, mcastPort, ttl, peers, totemConfig,
                stateDirectory, socketBufferBytes, metricsPort, adminSocket, blockUnlistedIps, pendingSubmitsMax, crypto, cpg, rrpMode,
                redundantNetworks, bug, realTimeScheduling, nice);
    }

    /**
     * These settings with every network's peers taken from {@code other} (a reloaded nodelist);
     * everything else, this node's own addresses included, stays as it is (where {@code other}
     * lists this node elsewhere, it stays listed where it binds).
     *
     * @throws IllegalArgumentException when {@code other} has another number of networks
     */
    public RuntimeSettings withPeersOf(RuntimeSettings other) {
        if (other.redundantNetworks.size() != redundantNetworks.size()) {
            throw new IllegalArgumentException("the file now has " + (1 + other.redundantNetworks.size())
                    + " networks and the node runs " + (1 + redundantNetworks.size()) + "; networks change with a restart");
        }
        List<NetworkSettings> networks = new ArrayList<>();
        for (int i = 0; i < redundantNetworks.size(); i++) {
            NetworkSettings n = redundantNetworks.get(i);
            networks.add(new NetworkSettings(n.index(), n.bindAddress(), n.port(), n.mcastGroup(), n.mcastPort(), n.ttl(),
                    ownEntryKept(other.redundantNetworks.get(i).peers(), n.unicastAddress())));
        }
        return new RuntimeSettings(nodeId, transport, bindAddress, port, mcastGroup, mcastPort, ttl,
                ownEntryKept(other.peers, unicastAddress()), totemConfig,
                stateDirectory, socketBufferBytes, metricsPort, adminSocket, blockUnlistedIps, pendingSubmitsMax, crypto, cpg, rrpMode,
                networks, plantedBug, realTimeScheduling, nice);
    }

    /**
     * These settings with the CPG service's peer policy taken from {@code other} (reloaded
     * {@code uidgid} sections); unchanged when either runs no CPG service.
     */
    public RuntimeSettings withCpgPeerPolicyOf(RuntimeSettings other) {
        if (cpg.isEmpty() || other.cpg.isEmpty()) {
            return this;
        }
        return new RuntimeSettings(nodeId, transport, bindAddress, port, mcastGroup, mcastPort, ttl, peers, totemConfig,
                stateDirectory, socketBufferBytes, metricsPort, adminSocket, blockUnlistedIps, pendingSubmitsMax, crypto,
                Optional.of(cpg.get().withPeers(other.cpg.get().peers())), rrpMode, redundantNetworks, plantedBug,
                realTimeScheduling, nice);
    }

    /**
     * These settings with the engine's tunables taken from {@code other} (a reloaded totem
     * section: timeouts, constants, window_size, max_messages; {@link TotemConfig#withTunablesOf});
     * frame sizes and queue bounds stay.
     */
    public RuntimeSettings withTunablesOf(RuntimeSettings other) {
        return new RuntimeSettings(nodeId, transport, bindAddress, port, mcastGroup, mcastPort, ttl, peers,
                totemConfig.withTunablesOf(other.totemConfig), stateDirectory, socketBufferBytes, metricsPort, adminSocket,
                blockUnlistedIps, pendingSubmitsMax, crypto, cpg, rrpMode, redundantNetworks, plantedBug, realTimeScheduling,
                nice);
    }

    private Map<Integer, InetSocketAddress> ownEntryKept(Map<Integer, InetSocketAddress> peers, InetSocketAddress own) {
        Map<Integer, InetSocketAddress> kept = new TreeMap<>(peers);
        kept.computeIfPresent(nodeId, (id, listed) -> own);
        return kept;
    }

    /** This node's unicast address on network 0. */
    public InetSocketAddress unicastAddress() {
        return new InetSocketAddress(bindAddress, port);
    }

    /** The peers other than this node on network 0, in node id order. */
    public Map<Integer, InetSocketAddress> otherPeers() {
        TreeMap<Integer, InetSocketAddress> others = new TreeMap<>(peers);
        others.remove(nodeId);
        return Collections.unmodifiableMap(others);
    }

    /** Every network, network 0 first. */
    public List<NetworkSettings> networks() {
        List<NetworkSettings> all = new ArrayList<>(1 + redundantNetworks.size());
        all.add(new NetworkSettings(0, bindAddress, port, mcastGroup, mcastPort, ttl, peers));
        all.addAll(redundantNetworks);
        return Collections.unmodifiableList(all);
    }

    /**
     * A builder with the defaults: port {@value #DEFAULT_PORT} (or mcastPort - 1 for UDP), TTL
     * 1, 4 MiB socket buffers, no metrics port, no admin socket, unlisted addresses blocked.
     */
    public static Builder builder(int nodeId, Transport transport, InetAddress bindAddress) {
        return new Builder(nodeId, transport, bindAddress);
    }

    /** Builds a {@link RuntimeSettings}; every setter returns {@code this}. */
    public static final class Builder {
        private final int nodeId;
        private final Transport transport;
        private final InetAddress bindAddress;
        private int port = -1;
        private InetAddress mcastGroup;
        private int mcastPort = DEFAULT_PORT;
        private int ttl = 1;
        private Map<Integer, InetSocketAddress> peers = Map.of();
        private TotemConfig totemConfig = TotemConfig.defaults();
        private Path stateDirectory = Path.of("/var/lib/totem");
        private int socketBufferBytes = DEFAULT_SOCKET_BUFFER_BYTES;
        private OptionalInt metricsPort = OptionalInt.empty();
        private Optional<Path> adminSocket = Optional.empty();
        private boolean blockUnlistedIps = true;
        private int pendingSubmitsMax = DEFAULT_PENDING_SUBMITS_MAX;
        private Optional<CryptoSetup> crypto = Optional.empty();
        private Optional<CpgSettings> cpg = Optional.empty();
        private PlantedBug plantedBug = PlantedBug.NONE;
        private boolean realTimeScheduling;
        private OptionalInt nice = OptionalInt.empty();
        private RrpMode rrpMode;
        private final List<NetworkSettings> redundantNetworks = new ArrayList<>();

        private Builder(int nodeId, Transport transport, InetAddress bindAddress) {
            this.nodeId = nodeId;
            this.transport = transport;
            this.bindAddress = bindAddress;
        }

        /** This node's unicast port. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** UDP: the multicast group and its port. */
        public Builder multicast(InetAddress group, int groupPort) {
            this.mcastGroup = group;
            this.mcastPort = groupPort;
            return this;
        }

        /** Multicast TTL (UDP), 1 to 255. */
        public Builder ttl(int value) {
            this.ttl = value;
            return this;
        }

        /** Node id to ring0 address and unicast port; this node may be listed. */
        public Builder peers(Map<Integer, InetSocketAddress> value) {
            this.peers = value;
            return this;
        }

        /** The engine's tunables. */
        public Builder totemConfig(TotemConfig value) {
            this.totemConfig = value;
            return this;
        }

        /** Where {@code ringid_<nodeid>} lives; created if missing. */
        public Builder stateDirectory(Path value) {
            this.stateDirectory = value;
            return this;
        }

        /** SO_RCVBUF/SO_SNDBUF to request. */
        public Builder socketBufferBytes(int value) {
            this.socketBufferBytes = value;
            return this;
        }

        /** Serve Prometheus metrics on 127.0.0.1:{@code value}; 0 picks a free port. */
        public Builder metricsPort(int value) {
            this.metricsPort = OptionalInt.of(value);
            return this;
        }

        /** Serve the admin socket ({@code status}) at this path. */
        public Builder adminSocket(Path value) {
            this.adminSocket = Optional.of(value);
            return this;
        }

        /** Drop frames from addresses not in the peer list (on by default). */
        public Builder blockUnlistedIps(boolean value) {
            this.blockUnlistedIps = value;
            return this;
        }

        /** Submits that may wait for the event loop before TRY_AGAIN. */
        public Builder pendingSubmitsMax(int value) {
            this.pendingSubmitsMax = value;
            return this;
        }

        /** Seal every frame with this cipher and key. */
        public Builder crypto(CryptoSetup value) {
            this.crypto = Optional.of(value);
            return this;
        }

        /** Run the CPG service on top of the engine. */
        public Builder cpg(CpgSettings value) {
            this.cpg = Optional.of(value);
            return this;
        }

        /** A deliberate protocol bug, for tests of the checkers only. */
        public Builder plantedBug(PlantedBug value) {
            this.plantedBug = value;
            return this;
        }

        /** At start, put every thread of this JVM under SCHED_RR (off by default). */
        public Builder realTimeScheduling(boolean value) {
            this.realTimeScheduling = value;
            return this;
        }

        /** At start, give every thread of this JVM this nice value, -20 to 19. */
        public Builder nice(int value) {
            this.nice = OptionalInt.of(value);
            return this;
        }

        /**
         * Adds the next redundant network (1, then 2, ...): this node's address and unicast port
         * on it, and every node's address there. For udp, also {@link #redundantMulticast}.
         */
        public Builder redundantNetwork(InetAddress address, int unicastPort, Map<Integer, InetSocketAddress> networkPeers) {
            redundantNetworks.add(new NetworkSettings(redundantNetworks.size() + 1, address, unicastPort, null, 0, 1,
                    networkPeers));
            return this;
        }

        /** UDP: the multicast group, its port and the TTL of the redundant network added last. */
        public Builder redundantMulticast(InetAddress group, int groupPort, int groupTtl) {
            if (redundantNetworks.isEmpty()) {
                throw new IllegalStateException("add a redundant network before its multicast group");
            }
            NetworkSettings n = redundantNetworks.remove(redundantNetworks.size() - 1);
            redundantNetworks.add(new NetworkSettings(n.index(), n.bindAddress(), n.port(), group, groupPort, groupTtl,
                    n.peers()));
            return this;
        }

        /** How the networks are used; by default none for one network, passive for more. */
        public Builder rrpMode(RrpMode value) {
            this.rrpMode = value;
            return this;
        }

        /** @throws IllegalArgumentException when a value is out of range or missing */
        public RuntimeSettings build() {
            boolean udp = transport == Transport.UDP;
            int unicastPort = port >= 0 ? port : udp ? mcastPort - 1 : DEFAULT_PORT;
            RrpMode mode = rrpMode != null ? rrpMode : redundantNetworks.isEmpty() ? RrpMode.NONE : RrpMode.PASSIVE;
            return new RuntimeSettings(nodeId, transport, bindAddress, unicastPort, udp ? mcastGroup : null,
                    udp ? mcastPort : 0, ttl, peers, totemConfig, stateDirectory, socketBufferBytes, metricsPort,
                    adminSocket, blockUnlistedIps, pendingSubmitsMax, crypto, cpg, mode, redundantNetworks, plantedBug,
                    realTimeScheduling, nice);
        }
    }
}
