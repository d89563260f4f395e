package dev.totem.node.runtime;

import dev.totem.crypto.CryptoConfigException;
import dev.totem.crypto.CryptoSettings;
import dev.totem.crypto.KeyFile;
import dev.totem.node.config.ConfigException;
import dev.totem.node.config.InterfaceConfig;
import dev.totem.node.config.NodeConfig;
import dev.totem.node.config.NodeEntry;
import dev.totem.node.config.RrpMode;
import dev.totem.node.cpg.CpgSettings;
import dev.totem.node.cpg.PeerPolicy;
import dev.totem.protocol.api.TotemConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a validated configuration file into the settings of one node: which node of the
 * nodelist this is, where it binds, its peers, its timeouts and how it seals frames.
 */
public final class SettingsFromConfig {
    /** Where the key file is looked for when the configuration names none. */
    public static final Path DEFAULT_KEYFILE = Path.of("/etc/totem/authkey");

    /**
     * What the command line adds to the file.
     *
     * @param cpg run the CPG service (with the file's {@code uidgid} sections as its peer policy)
     * @param cpgSocket with {@code cpg}: the IPC socket; empty serves only code in the node's JVM
     */
    public record Overrides(OptionalInt nodeId, Path stateDirectory, OptionalInt metricsPort, Optional<Path> adminSocket,
            boolean cpg, Optional<Path> cpgSocket) {}

    /** Notes worth a log line (crypto notes, for example). */
    public record Result(RuntimeSettings settings, List<String> notes) {}

    private SettingsFromConfig() {}

    /**
     * @throws ConfigException when the file and this host do not fit together (no node of the
     *     nodelist is here, a key file is missing or readable by others, ...)
     */
    public static Result settings(NodeConfig config, Overrides overrides) throws ConfigException {
        if (config.nodes().isEmpty()) {
            throw new ConfigException(config.source() + ": list the nodes in a nodelist; tokens go by unicast to each node's ring0_addr");
        }
        NodeEntry local = config.localNode(localAddresses(), overrides.nodeId());
        InterfaceConfig ring0 = config.interfaces().get(0);
        boolean udp = config.transport() == dev.totem.node.config.Transport.UDP;
        dev.totem.node.runtime.Transport transport = udp
                ? dev.totem.node.runtime.Transport.UDP : dev.totem.node.runtime.Transport.UDPU;
        RuntimeSettings.Builder b = RuntimeSettings.builder(local.nodeId(), transport, local.ring0())
                .port(unicastPort(ring0, udp))
                .peers(peers(config, 0, unicastPort(ring0, udp)))
                .totemConfig(overIpv6(local) ? config.totem().withFrameOverhead(TotemConfig.IPV6_EXTRA_HEADER_BYTES)
                        : config.totem())
                .stateDirectory(overrides.stateDirectory())
                .rrpMode(rrpMode(config.rrpMode()))
                .realTimeScheduling(config.schedRr());
        config.priority().ifPresent(b::nice);
        if (udp) {
            b.multicast(ring0.mcastAddr().orElseThrow(), ring0.mcastPort()).ttl(Math.max(1, ring0.ttl()));
        }
        // Networks 1 and up: this node's ringN_addr, each network's own port (and group for udp).
        for (InterfaceConfig ring : config.interfaces().subList(1, config.interfaces().size())) {
            int link = ring.linkNumber();
            b.redundantNetwork(local.ringAddresses().get(link), unicastPort(ring, udp), peers(config, link, unicastPort(ring, udp)));
            if (udp) {
                b.redundantMulticast(ring.mcastAddr().orElseThrow(), ring.mcastPort(), Math.max(1, ring.ttl()));
            }
        }
        overrides.metricsPort().ifPresent(b::metricsPort);
        overrides.adminSocket().ifPresent(b::adminSocket);
        if (overrides.cpg()) {
            CpgSettings cpg = CpgSettings.embedded().withPeers(PeerPolicy.of(config.ipcAccess().uids(), config.ipcAccess().gids()));
            b.cpg(overrides.cpgSocket().map(cpg::withSocket).orElse(cpg));
        }
        List<String> notes = new java.util.ArrayList<>();
        if (config.crypto().enabled()) {
            try {
                CryptoSettings crypto = CryptoSettings.from(config.crypto().cipher(),
                        config.crypto().hashWritten() ? config.crypto().hash() : null);
                notes.addAll(crypto.notes());
                Path keyfile = config.crypto().keyfile().map(Path::of).orElse(DEFAULT_KEYFILE);
                String cluster = config.clusterName().orElse("");
                b.crypto(new CryptoSetup(crypto.cipher(), KeyFile.load(keyfile).derive(cluster), Optional.of(keyfile), cluster,
                        CryptoSetup.DEFAULT_ROTATION_GRACE));
            } catch (CryptoConfigException e) {
                throw new ConfigException(config.source() + ": " + e.getMessage());
            }
        } else {
            notes.add("frames are sent in the clear (crypto_cipher: none): only for a trusted network");
        }
        return new Result(b.build(), notes);
    }

    /**
     * Whether any network of this node is IPv6: a frame goes on every network, so its size must
     * fit netmtu with IPv6's longer header (corosync sized IPv6 datagrams past the MTU once, #34).
     */
    private static boolean overIpv6(NodeEntry local) {
        return local.ringAddresses().stream().anyMatch(a -> a instanceof java.net.Inet6Address);
    }

    /** As corosync: udp sends from mcastport - 1, udpu uses mcastport itself. */
    private static int unicastPort(InterfaceConfig ring, boolean udp) {
        return udp ? ring.mcastPort() - 1 : ring.mcastPort();
    }

    /** Every node's address on network {@code link}: its ringN_addr and the network's port. */
    private static Map<Integer, InetSocketAddress> peers(NodeConfig config, int link, int port) {
        Map<Integer, InetSocketAddress> peers = new TreeMap<>();
        for (NodeEntry n : config.nodes()) {
            peers.put(n.nodeId(), new InetSocketAddress(n.ringAddresses().get(link), port));
        }
        return peers;
    }

    private static dev.totem.rrp.RrpMode rrpMode(RrpMode mode) {
        return switch (mode) {
            case NONE -> dev.totem.rrp.RrpMode.NONE;
            case PASSIVE -> dev.totem.rrp.RrpMode.PASSIVE;
            case ACTIVE -> dev.totem.rrp.RrpMode.ACTIVE;
        };
    }

    private static Set<InetAddress> localAddresses() {
        Set<InetAddress> all = new HashSet<>();
        try {
            for (NetworkInterface i : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
                all.addAll(java.util.Collections.list(i.getInetAddresses()));
            }
        } catch (SocketException e) {
            // No interfaces readable: the node id must then come from --nodeid.
        }
        return all;
    }
}
