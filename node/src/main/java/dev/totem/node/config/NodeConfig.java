package dev.totem.node.config;

import dev.totem.protocol.api.TotemConfig;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A validated node configuration, read from a corosync.conf-style file with {@link #load(Path)}
 * or {@link #parse(String, String)}. Immutable; every value is effective (defaults and corosync's
 * derived timeouts applied), so the runtime never looks at the file again.
 *
 * <p>The same file serves every node of a cluster: which entry of the nodelist is this process
 * is decided at start-up by {@link #localNode(Set, OptionalInt)}.
 *
 * @param source the file name as given, for messages
 * @param clusterName {@code cluster_name}, if set
 * @param transport udp (multicast) or udpu (unicast to the nodelist)
 * @param rrpMode how the networks are used; {@link RrpMode#NONE} exactly when there is one
 * @param interfaces one entry per network, indexed by link number (0, 1, ...)
 * @param nodes the nodelist in file order; empty only for udp without a nodelist
 * @param crypto the crypto settings, spelling-checked only
 * @param logging the logging settings
 * @param totem the engine's tunables, with corosync's derived defaults (token scaled by the
 *     nodelist size, token_retransmit, hold, consensus)
 * @param downcheckMs corosync's {@code downcheck}, validated and kept; the runtime needs no recheck (node/README.md)
 * @param ipcAccess who besides root may use the CPG socket ({@code uidgid} sections)
 * @param schedRr put the node's process under real-time round-robin scheduling
 *     ({@code system.sched_rr}; no by default, unlike corosync: see the node README)
 * @param priority the nice value to give the node's threads ({@code system.priority}, without
 *     sched_rr only); empty leaves it as started
 */
public record NodeConfig(
        String source,
        Optional<String> clusterName,
        Transport transport,
        RrpMode rrpMode,
        List<InterfaceConfig> interfaces,
        List<NodeEntry> nodes,
        CryptoConfig crypto,
        LoggingConfig logging,
        TotemConfig totem,
        int downcheckMs,
        IpcAccess ipcAccess,
        boolean schedRr,
        OptionalInt priority) {

    /** The highest priority a nice value gives ({@code priority: max}); Linux's range is -20 to 19. */
    public static final int NICE_HIGHEST = -20;
    /** The lowest priority a nice value gives ({@code priority: min}). */
    public static final int NICE_LOWEST = 19;

    /**
     * Copies the lists and checks the invariants the validator establishes (a bug if broken,
     * not a user mistake: users get {@link ConfigProblem}s).
     */
    public NodeConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(rrpMode, "rrpMode");
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(ipcAccess, "ipcAccess");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(totem, "totem");
        Objects.requireNonNull(priority, "priority");
        interfaces = List.copyOf(interfaces);
        nodes = List.copyOf(nodes);
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("at least one interface is needed");
        }
        for (int i = 0; i < interfaces.size(); i++) {
            if (interfaces.get(i).linkNumber() != i) {
                throw new IllegalArgumentException("interface " + i + " has link number " + interfaces.get(i).linkNumber());
            }
        }
        if ((rrpMode == RrpMode.NONE) != (interfaces.size() == 1)) {
            throw new IllegalArgumentException("rrp mode " + rrpMode + " with " + interfaces.size() + " interfaces");
        }
        if (transport == Transport.UDPU && nodes.isEmpty()) {
            throw new IllegalArgumentException("udpu needs a nodelist");
        }
        Set<Integer> ids = new HashSet<>();
        for (NodeEntry node : nodes) {
            if (!ids.add(node.nodeId())) {
                throw new IllegalArgumentException("node id " + node.nodeId() + " twice");
            }
            if (node.ringAddresses().size() != interfaces.size()) {
                throw new IllegalArgumentException("node " + node.nodeId() + " has " + node.ringAddresses().size()
                        + " ring addresses for " + interfaces.size() + " interfaces");
            }
        }
        if (downcheckMs < 1) {
            throw new IllegalArgumentException("downcheckMs must be at least 1, got " + downcheckMs);
        }
    }

    /**
     * Reads and validates a configuration file.
     *
     * @param file the file; problems name it as given here
     * @return the configuration, or the errors; warnings either way
     * @throws IOException when the file cannot be read (missing, unreadable, not UTF-8)
     */
    public static ConfigResult load(Path file) throws IOException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses and validates configuration text.
     *
     * @param fileName the name problems are reported under
     * @param text the whole file
     * @return the configuration, or the errors; warnings either way
     */
    public static ConfigResult parse(String fileName, String text) {
        List<ConfigProblem> errors = new ArrayList<>();
        ConfSection root = ConfParser.parse(fileName, text.lines().collect(Collectors.toList()), errors);
        if (!errors.isEmpty()) {
            // A broken structure makes every later check misleading: report the syntax alone.
            errors.sort(Comparator.comparingInt(ConfigProblem::line));
            return new ConfigResult(null, errors, List.of());
        }
        return new ConfigValidator(fileName).validate(root);
    }

    /** @return the number of networks (rings / links) */
    public int ringCount() {
        return interfaces.size();
    }

    /**
     * @param nodeId a node id
     * @return the nodelist entry with that id, if any
     */
    public Optional<NodeEntry> node(int nodeId) {
        return nodes.stream().filter(n -> n.nodeId() == nodeId).findFirst();
    }

    /**
     * Finds this process's node by its addresses, as corosync does: the one node whose
     * {@code ring0_addr} is an address of this host.
     *
     * @param localAddresses the addresses of this host's interfaces
     * @return the entry of this node
     * @throws ConfigException when no node, or more than one, matches
     */
    public NodeEntry localNode(Set<InetAddress> localAddresses) {
        return localNode(localAddresses, OptionalInt.empty());
    }

    /**
     * Finds this process's node: the given node id when there is one (the runtime's
     * {@code --nodeid}, needed when several nodes run on one host, e.g. on 127.0.0.1, .2 and .3),
     * otherwise the one node whose {@code ring0_addr} is an address of this host.
     *
     * <p>Without a nodelist (udp only) the node id must be given, and the entry returned has no
     * ring addresses: the runtime binds to the local address that {@code bindnetaddr} selects.
     *
     * @param localAddresses the addresses of this host's interfaces; not consulted when
     *     {@code nodeIdOverride} is present
     * @param nodeIdOverride the node id chosen by the user, if any
     * @return the entry of this node
     * @throws ConfigException when the id is not in the nodelist, or no node / several nodes match
     */
    public NodeEntry localNode(Set<InetAddress> localAddresses, OptionalInt nodeIdOverride) {
        if (nodeIdOverride.isPresent()) {
            int id = nodeIdOverride.getAsInt();
            if (id < 1) {
                throw new ConfigException("nodeid " + id + " is not allowed; allowed 1.." + Integer.MAX_VALUE);
            }
            if (nodes.isEmpty()) {
                return new NodeEntry(id, List.of(), Optional.empty());
            }
            return node(id).orElseThrow(() -> new ConfigException("nodeid " + id + " is not in the nodelist of "
                    + source + " (nodeids " + nodeIds(nodes) + ")"));
        }
        if (nodes.isEmpty()) {
            throw new ConfigException(source + " has no nodelist, so this node's id must be given (--nodeid)");
        }
        List<NodeEntry> matches = nodes.stream().filter(n -> localAddresses.contains(n.ring0())).collect(Collectors.toList());
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new ConfigException("no ring0_addr in the nodelist of " + source + " is an address of this host; "
                    + "give this node's id (--nodeid, one of " + nodeIds(nodes) + ")");
        }
        throw new ConfigException("the ring0_addr of several nodes of " + source + " are addresses of this host ("
                + matches.stream().map(n -> n.nodeId() + ": " + NetUtil.toAddressString(n.ring0())).collect(Collectors.joining(", "))
                + "); give this node's id (--nodeid)");
    }

    private static String nodeIds(List<NodeEntry> nodes) {
        return nodes.stream().map(n -> String.valueOf(n.nodeId())).collect(Collectors.joining(", "));
    }
}
