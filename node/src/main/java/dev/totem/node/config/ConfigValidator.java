package dev.totem.node.config;

import dev.totem.protocol.api.TotemConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a parsed file into a {@link NodeConfig}: names checked against {@link KeyCatalog}, values
 * typed and range-checked, defaults and corosync's derived timeouts applied, and the cross-field
 * rules checked. Every problem is collected with its line; one instance validates one file.
 */
final class ConfigValidator {

    /** corosync's MINIMUM_TIMEOUT: 3 * (1000 / HZ) with Linux's userspace HZ of 100. */
    static final int MINIMUM_TIMEOUT_MS = 30;
    /** corosync's MINIMUM_TIMEOUT_HOLD: (int) (MINIMUM_TIMEOUT * 0.8 - 1000 / HZ). */
    static final int MINIMUM_HOLD_MS = 14;
    /** Our ceiling on every timeout: an hour is far past any sane ring and keeps sums in an int. */
    static final int TIMEOUT_MAX_MS = 3_600_000;
    /** Our ceiling on the rotation counts (fail_recv_const and the like). */
    static final int COUNT_MAX = 1_000_000;
    /** The engine keeps 16384 sequence numbers in flight and needs four windows of room. */
    static final int WINDOW_MAX = 4096;
    /** IPv4's minimum datagram every host must reassemble; anything less is a typo. */
    static final int NETMTU_MIN = 576;

    static final int DEFAULT_TOKEN_MS = 3000;
    static final int DEFAULT_TOKEN_COEFFICIENT_MS = 650;
    static final int DEFAULT_RETRANSMITS_BEFORE_LOSS = 4;
    static final int DEFAULT_JOIN_MS = 50;
    static final int DEFAULT_MERGE_MS = 200;
    static final int DEFAULT_DOWNCHECK_MS = 1000;
    static final int DEFAULT_FAIL_RECV_CONST = 2500;
    static final int DEFAULT_SEQNO_UNCHANGED_CONST = 30;
    static final int DEFAULT_WINDOW_SIZE = 50;
    static final int DEFAULT_MAX_MESSAGES = 17;
    static final int DEFAULT_MISS_COUNT_CONST = 5;

    /** Nice values: {@code priority: max} and {@code min}. */
    static final int NICE_MAX_PRIORITY = -20;
    static final int NICE_MIN_PRIORITY = 19;
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern RING_KEY = Pattern.compile("ring([0-9]+)_addr");

    private final String file;
    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    ConfigValidator(String file) {
        this.file = file;
    }

    /** A node entry while it is being checked: what was read, and where. */
    private static final class NodeDraft {
        final int line;
        int nodeId;
        Optional<String> name = Optional.empty();
        /** The valid ring addresses, by network. */
        final TreeMap<Integer, InetAddress> rings = new TreeMap<>();
        /** The line of every ringN_addr written, valid or not, so a bad address is not also "missing". */
        final TreeMap<Integer, Integer> ringLines = new TreeMap<>();
        /** Every ringN_addr as written, for messages (the JDK prints IPv6 uncompressed). */
        final Map<Integer, String> ringTexts = new HashMap<>();

        NodeDraft(int line) {
            this.line = line;
        }

        String label() {
            return nodeId > 0 ? "node " + nodeId : "the node at line " + line;
        }

        int ringCount() {
            return ringLines.isEmpty() ? 0 : ringLines.lastKey() + 1;
        }
    }

    /** An interface section while it is being checked. */
    private record InterfaceDraft(ConfSection section, int link, Optional<InetAddress> bindNetAddr,
            Optional<InetAddress> mcastAddr, OptionalInt mcastPort, OptionalInt ttl) {
    }

    /**
     * @param root the parsed file, free of syntax errors
     * @return the configuration or the errors, with warnings; problems sorted by line
     */
    ConfigResult validate(ConfSection root) {
        checkNames(root);
        ConfSection totem = single(root, "totem");
        ConfSection nodelist = single(root, "nodelist");
        ConfSection loggingSection = single(root, "logging");
        List<NodeDraft> drafts = readNodes(nodelist);
        LoggingConfig logging = readLogging(loggingSection);
        IpcAccess ipcAccess = readUidGid(root);
        ConfSection systemSection = single(root, "system");
        boolean schedRr = systemSection != null && bool(systemSection, "sched_rr").orElse(false);
        OptionalInt priority = systemSection == null ? OptionalInt.empty() : readPriority(systemSection, schedRr);
        NodeConfig config = null;
        if (totem == null) {
            error(0, "no 'totem {' section; expected one with at least 'transport: udpu' (and a nodelist) "
                    + "or 'transport: udp'");
        } else {
            config = readTotem(totem, drafts, logging, ipcAccess, schedRr, priority);
        }
        Comparator<ConfigProblem> byLine = Comparator.comparingInt(ConfigProblem::line);
        errors.sort(byLine);
        warnings.sort(byLine);
        return new ConfigResult(errors.isEmpty() ? config : null, errors, warnings);
    }

    // ---- names ---------------------------------------------------------------------------------

    /** Reports unknown keys and sections (errors) and corosync's unimplemented ones (warnings). */
    private void checkNames(ConfSection section) {
        KeyCatalog.Schema schema = KeyCatalog.schema(section.path()).orElseThrow();
        String where = section.path().isEmpty() ? "at the top level" : "in " + section.path();
        for (ConfEntry entry : section.entries()) {
            String key = entry.key();
            if (schema.keys().contains(key)) {
                continue;
            }
            if (schema.ignoredKeys().containsKey(key)) {
                warning(entry.line(), "'" + key + "' " + schema.ignoredKeys().get(key));
            } else if (schema.allSections().contains(key)) {
                error(entry.line(), "'" + key + "' is a section " + where + "; expected '" + key + " {' ... '}'");
            } else if (childOwning(section.path(), schema, key).isPresent()) {
                error(entry.line(), "'" + key + "' belongs inside '" + childOwning(section.path(), schema, key).get()
                        + " {' " + where);
            } else if (section.path().isEmpty()) {
                error(entry.line(), "unknown key '" + key + "' at the top level; expected it inside a section "
                        + "such as 'totem {'");
            } else if (section.path().equals("nodelist.node") && ringKeyOutOfRange(key)) {
                error(entry.line(), "unknown key '" + key + "' in nodelist.node; networks are ring0_addr.."
                        + KeyCatalog.ringKey(KeyCatalog.LINKS_MAX - 1));
            } else {
                error(entry.line(), "unknown key '" + key + "' " + where + suggestion(key, schema.allKeys()));
            }
        }
        for (ConfSection sub : section.sections()) {
            String name = sub.name();
            if (schema.sections().contains(name)) {
                checkNames(sub);
            } else if (schema.ignoredSections().containsKey(name)) {
                warning(sub.line(), "section '" + name + "' " + schema.ignoredSections().get(name));
            } else if (schema.allKeys().contains(name)) {
                error(sub.line(), "'" + name + "' is a key " + where + ", not a section; expected '" + name
                        + ": value'");
            } else {
                error(sub.line(), "unknown section '" + name + "' " + where + suggestion(name, schema.allSections()));
            }
        }
    }

    /** @return the nested section of {@code path} whose keys include {@code key}, if any */
    private static Optional<String> childOwning(String path, KeyCatalog.Schema schema, String key) {
        return schema.sections().stream()
                .filter(child -> KeyCatalog.schema(path.isEmpty() ? child : path + "." + child)
                        .map(sub -> sub.allKeys().contains(key)).orElse(false))
                .findFirst();
    }

    private static boolean ringKeyOutOfRange(String key) {
        Matcher m = RING_KEY.matcher(key);
        return m.matches() && (m.group(1).length() > 2 || Integer.parseInt(m.group(1)) >= KeyCatalog.LINKS_MAX);
    }

    private static String suggestion(String name, Set<String> known) {
        return KeyCatalog.nearest(name, known).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    /** @return the one section with that name, reporting repeats; null when absent */
    private ConfSection single(ConfSection root, String name) {
        List<ConfSection> found = root.sections(name);
        for (int i = 1; i < found.size(); i++) {
            error(found.get(i).line(), "second '" + name + " {' section (first at line " + found.get(0).line()
                    + "); expected one");
        }
        return found.isEmpty() ? null : found.get(0);
    }

    // ---- nodelist ------------------------------------------------------------------------------

    private List<NodeDraft> readNodes(ConfSection nodelist) {
        List<NodeDraft> drafts = new ArrayList<>();
        if (nodelist == null) {
            return drafts;
        }
        Map<Integer, Integer> idLines = new HashMap<>();
        Map<String, Integer> nameLines = new HashMap<>();
        for (ConfSection s : nodelist.sections("node")) {
            NodeDraft d = new NodeDraft(s.line());
            OptionalInt id = integer(s, "nodeid", 1, Integer.MAX_VALUE, "");
            if (s.entry("nodeid").isEmpty()) {
                error(s.line(), "node without nodeid; expected 'nodeid: N' with N in 1.." + Integer.MAX_VALUE);
            } else if (id.isPresent()) {
                d.nodeId = id.getAsInt();
                Integer first = idLines.putIfAbsent(d.nodeId, s.entry("nodeid").get().line());
                if (first != null) {
                    error(s.entry("nodeid").get().line(), "nodeid " + d.nodeId + " is used twice (first at line "
                            + first + ")");
                }
            }
            for (int i = 0; i < KeyCatalog.LINKS_MAX; i++) {
                int link = i;
                String key = KeyCatalog.ringKey(link);
                address(s, key).ifPresent(addr -> d.rings.put(link, addr));
                s.entry(key).ifPresent(e -> {
                    d.ringLines.put(link, e.line());
                    d.ringTexts.put(link, e.value());
                });
            }
            d.name = text(s, "name");
            if (d.name.isPresent()) {
                Integer first = nameLines.putIfAbsent(d.name.get(), s.entry("name").get().line());
                if (first != null) {
                    error(s.entry("name").get().line(), "name '" + d.name.get() + "' is used twice (first at line "
                            + first + ")");
                }
            }
            if (s.entry("ring0_addr").isEmpty()) {
                error(s.line(), d.label() + " has no ring0_addr; every node needs one");
            }
            for (int link : d.ringLines.keySet()) {
                if (link > 0 && !d.ringLines.containsKey(link - 1)) {
                    error(d.ringLines.get(link), d.label() + " has " + KeyCatalog.ringKey(link) + " but no "
                            + KeyCatalog.ringKey(link - 1) + "; networks are numbered from 0 without gaps");
                }
            }
            drafts.add(d);
        }
        checkRingsAlike(drafts);
        checkAddressesPerNetwork(drafts);
        return drafts;
    }

    /** Every node needs an address on every network: compare each node with the first. */
    private void checkRingsAlike(List<NodeDraft> drafts) {
        if (drafts.size() < 2) {
            return;
        }
        NodeDraft ref = drafts.get(0);
        for (NodeDraft d : drafts.subList(1, drafts.size())) {
            Set<Integer> links = new LinkedHashSet<>(ref.ringLines.keySet());
            links.addAll(d.ringLines.keySet());
            for (int link : links) {
                String key = KeyCatalog.ringKey(link);
                boolean refHas = ref.ringLines.containsKey(link);
                boolean nodeHas = d.ringLines.containsKey(link);
                // A missing ring0_addr is reported on its own node; do not blame the others for it.
                if (refHas && !nodeHas && link > 0) {
                    error(d.line, d.label() + " has no " + key + ", but " + ref.label() + " has one (line "
                            + ref.ringLines.get(link) + "); every node needs an address on each network");
                } else if (!refHas && nodeHas && ref.ringLines.containsKey(0)) {
                    error(d.ringLines.get(link), d.label() + " has " + key + ", but " + ref.label()
                            + " has none (line " + ref.line + "); every node needs an address on each network");
                }
            }
        }
    }

    /** On one network, addresses are unique and of one IP family. */
    private void checkAddressesPerNetwork(List<NodeDraft> drafts) {
        for (int link = 0; link < KeyCatalog.LINKS_MAX; link++) {
            String key = KeyCatalog.ringKey(link);
            Map<InetAddress, Integer> seen = new HashMap<>();
            NodeDraft first = null;
            for (NodeDraft d : drafts) {
                InetAddress addr = d.rings.get(link);
                if (addr == null) {
                    continue;
                }
                int line = d.ringLines.get(link);
                Integer earlier = seen.putIfAbsent(addr, line);
                if (earlier != null) {
                    error(line, key + " " + d.ringTexts.get(link) + " is used twice (first at line " + earlier + ")");
                }
                if (first == null) {
                    first = d;
                } else if (family(first.rings.get(link)) != family(addr)) {
                    error(line, key + " " + d.ringTexts.get(link) + " is " + familyName(addr) + ", but " + key
                            + " at line " + first.ringLines.get(link) + " is " + familyName(first.rings.get(link))
                            + "; nodes on one network use one IP family");
                }
            }
        }
    }

    // ---- totem ---------------------------------------------------------------------------------

    private NodeConfig readTotem(ConfSection totem, List<NodeDraft> drafts, LoggingConfig logging, IpcAccess ipcAccess,
            boolean schedRr, OptionalInt priority) {
        choice(totem, "version", List.of("2"), Map.of());
        Optional<String> clusterName = text(totem, "cluster_name");
        Transport transport = readTransport(totem, drafts);
        int ringCount = drafts.isEmpty() ? 0 : drafts.get(0).ringCount();
        List<InterfaceConfig> interfaces = readInterfaces(totem, transport, drafts, ringCount, clusterName);
        RrpMode rrpMode = readRrpMode(totem, interfaces.size());
        CryptoConfig crypto = readCrypto(totem);
        // corosync scales the token by the members of network 0: the nodes with a ring0_addr.
        int nodeCount = (int) drafts.stream().filter(d -> d.rings.containsKey(0)).count();
        TotemConfig totemConfig = readTimeouts(totem, nodeCount);
        int downcheck = integer(totem, "downcheck", MINIMUM_TIMEOUT_MS, TIMEOUT_MAX_MS, " ms").orElse(DEFAULT_DOWNCHECK_MS);
        if (!errors.isEmpty()) {
            return null;
        }
        List<NodeEntry> nodes = drafts.stream()
                .map(d -> new NodeEntry(d.nodeId, List.copyOf(d.rings.values()), d.name))
                .toList();
        return new NodeConfig(file, clusterName, transport, rrpMode, interfaces, nodes, crypto, logging, totemConfig,
                downcheck, ipcAccess, schedRr, priority);
    }

    private Transport readTransport(ConfSection totem, List<NodeDraft> drafts) {
        Optional<String> spelled = choice(totem, "transport", List.of("udp", "udpu"), Map.of(
                "knet", "is corosync 3's kronosnet transport, which we do not implement",
                "iba", "is corosync 2's InfiniBand transport, which we do not implement"));
        Transport byNodelist = drafts.isEmpty() ? Transport.UDP : Transport.UDPU;
        if (totem.entry("transport").isEmpty()) {
            warning(totem.line(), drafts.isEmpty()
                    ? "no transport given; using udp (multicast) because there is no nodelist"
                    : "no transport given; using udpu because there is a nodelist (corosync 3 would use knet, "
                            + "corosync 2 udp)");
            return byNodelist;
        }
        if (spelled.isEmpty()) {
            return byNodelist; // already an error; go on with the likelier transport to find more problems
        }
        Transport transport = spelled.get().equals("udp") ? Transport.UDP : Transport.UDPU;
        if (transport == Transport.UDPU && drafts.isEmpty()) {
            error(totem.entry("transport").get().line(), "transport udpu needs a nodelist with a ring0_addr for each "
                    + "node; expected 'nodelist {' with 'node {' sections");
        }
        return transport;
    }

    private List<InterfaceConfig> readInterfaces(ConfSection totem, Transport transport, List<NodeDraft> drafts,
            int nodeRings, Optional<String> clusterName) {
        TreeMap<Integer, InterfaceDraft> byLink = new TreeMap<>();
        for (ConfSection s : totem.sections("interface")) {
            OptionalInt linknumber = integer(s, "linknumber", 0, KeyCatalog.LINKS_MAX - 1, "");
            OptionalInt ringnumber = integer(s, "ringnumber", 0, KeyCatalog.LINKS_MAX - 1, "");
            if (s.entry("linknumber").isPresent() && linknumber.isEmpty()
                    || s.entry("ringnumber").isPresent() && ringnumber.isEmpty()) {
                continue; // bad number already reported; which network this is stays unknown
            }
            if (linknumber.isPresent() && ringnumber.isPresent() && linknumber.getAsInt() != ringnumber.getAsInt()) {
                error(s.entry("ringnumber").get().line(), "ringnumber " + ringnumber.getAsInt() + " and linknumber "
                        + linknumber.getAsInt() + " disagree; give one of them (linknumber is corosync 3's name)");
                continue;
            }
            int link = linknumber.orElse(ringnumber.orElse(0));
            Optional<InetAddress> mcast = address(s, "mcastaddr");
            if (mcast.isPresent() && !mcast.get().isMulticastAddress()) {
                error(s.entry("mcastaddr").get().line(), "mcastaddr: '" + s.entry("mcastaddr").get().value()
                        + "' is not a multicast address; allowed 224.0.0.0/4 (IPv4) or ff00::/8 (IPv6)");
                mcast = Optional.empty();
            }
            InterfaceDraft d = new InterfaceDraft(s, link, address(s, "bindnetaddr"), mcast,
                    integer(s, "mcastport", 1, 65_535, ""), integer(s, "ttl", 0, 255, ""));
            InterfaceDraft first = byLink.putIfAbsent(link, d);
            if (first != null) {
                error(s.line(), "interface " + link + " is configured twice (first at line " + first.section().line()
                        + "); give each interface its own linknumber");
            }
        }
        int ringCount = nodeRings;
        if (drafts.isEmpty()) {
            ringCount = byLink.isEmpty() ? 0 : byLink.lastKey() + 1;
            for (InterfaceDraft d : byLink.values()) {
                if (d.link() > 0 && !byLink.containsKey(d.link() - 1)) {
                    error(d.section().line(), "interface " + d.link() + " but no interface " + (d.link() - 1)
                            + "; networks are numbered from 0 without gaps");
                }
            }
        } else {
            for (InterfaceDraft d : byLink.values()) {
                if (d.link() >= nodeRings && nodeRings > 0) {
                    error(d.section().line(), "interface " + d.link() + " has no " + KeyCatalog.ringKey(d.link())
                            + " in the nodelist; each interface is one network, and every node needs an address on it");
                }
            }
        }
        if (transport == Transport.UDP && ringCount == 0) {
            error(totem.line(), "transport udp needs an 'interface {' section with bindnetaddr and mcastaddr");
        }
        List<InterfaceConfig> interfaces = new ArrayList<>();
        for (int link = 0; link < ringCount; link++) {
            InterfaceDraft d = byLink.get(link);
            InetAddress nodeAddr = drafts.isEmpty() ? null : drafts.get(0).rings.get(link);
            if (d == null) {
                if (transport == Transport.UDP) {
                    error(drafts.get(0).ringLines.getOrDefault(link, totem.line()), KeyCatalog.ringKey(link)
                            + " has no 'interface {' with linknumber " + link
                            + "; transport udp needs bindnetaddr and mcastaddr for each network");
                }
                interfaces.add(new InterfaceConfig(link, Optional.empty(), Optional.empty(),
                        InterfaceConfig.DEFAULT_MCAST_PORT + link, 1));
                continue;
            }
            if (d.bindNetAddr().isPresent() && nodeAddr != null && family(d.bindNetAddr().get()) != family(nodeAddr)) {
                error(d.section().entry("bindnetaddr").get().line(), "bindnetaddr "
                        + written(d, "bindnetaddr") + " is " + familyName(d.bindNetAddr().get())
                        + ", but the nodes' " + KeyCatalog.ringKey(link) + " are " + familyName(nodeAddr)
                        + "; use one IP family per network");
            }
            Optional<InetAddress> mcast = Optional.empty();
            if (transport == Transport.UDP) {
                mcast = udpMulticast(d, clusterName);
            } else if (d.section().entry("mcastaddr").isPresent()) {
                warning(d.section().entry("mcastaddr").get().line(), "mcastaddr is not used by transport udpu; ignored");
            }
            interfaces.add(new InterfaceConfig(link, d.bindNetAddr(), mcast,
                    d.mcastPort().orElse(InterfaceConfig.DEFAULT_MCAST_PORT + link), d.ttl().orElse(1)));
        }
        if (transport == Transport.UDP) {
            checkMulticastPorts(interfaces, byLink);
        }
        return interfaces;
    }

    /** The group of a udp network: as written, or derived from cluster_name as corosync does. */
    private Optional<InetAddress> udpMulticast(InterfaceDraft d, Optional<String> clusterName) {
        int link = d.link();
        if (d.bindNetAddr().isEmpty() && d.section().entry("bindnetaddr").isEmpty()) {
            error(d.section().line(), "interface " + link + " has no bindnetaddr; transport udp needs it to pick "
                    + "the local network");
        }
        if (d.mcastAddr().isPresent()) {
            InetAddress mcast = d.mcastAddr().get();
            if (d.bindNetAddr().isPresent() && family(mcast) != family(d.bindNetAddr().get())) {
                error(d.section().entry("mcastaddr").get().line(), "mcastaddr " + written(d, "mcastaddr") + " is "
                        + familyName(mcast) + ", but bindnetaddr " + written(d, "bindnetaddr") + " is "
                        + familyName(d.bindNetAddr().get()) + "; use one IP family per network");
            }
            return d.mcastAddr();
        }
        if (d.section().entry("mcastaddr").isPresent()) {
            return Optional.empty(); // bad address, already reported
        }
        if (clusterName.isEmpty()) {
            error(d.section().line(), "interface " + link + " has no mcastaddr; transport udp needs one (or a "
                    + "cluster_name to derive it from)");
            return Optional.empty();
        }
        boolean ipv6 = d.bindNetAddr().isPresent() && !(d.bindNetAddr().get() instanceof Inet4Address);
        InetAddress derived = clusterMulticastAddress(clusterName.get(), link, ipv6);
        warning(d.section().line(), "interface " + link + " has no mcastaddr; using " + derived.getHostAddress()
                + ", derived from cluster_name as corosync does");
        return Optional.of(derived);
    }

    /**
     * corosync's get_cluster_mcast_addr(): a 16-bit sum over the name's bytes (C chars, so
     * signed) plus the link number, as 239.192.(id / 256).(id % 255) or ff15::id. The {@code % 0xFF}
     * (not 0x100) is corosync's and kept, so both pick the same group for the same name.
     */
    static InetAddress clusterMulticastAddress(String clusterName, int link, boolean ipv6) {
        int value = 0;
        for (byte b : clusterName.getBytes(StandardCharsets.UTF_8)) {
            value = (value << 1) + b;
        }
        int clusterId = ((value & 0xFFFF) + link) & 0xFFFF;
        String text = ipv6 ? "[ff15::" + Integer.toHexString(clusterId) + "]"
                : "239.192." + (clusterId >> 8) + "." + (clusterId % 0xFF);
        try {
            return InetAddress.getByName(text); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException("derived address " + text + " does not parse", e);
        }
    }

    /** @return an interface key's value as written, for messages */
    private static String written(InterfaceDraft d, String key) {
        return d.section().entry(key).map(ConfEntry::value).orElse("");
    }

    /** corosync 2's rule: udp sends from mcastport - 1, so ports on one group differ by 2 or more. */
    private void checkMulticastPorts(List<InterfaceConfig> interfaces, Map<Integer, InterfaceDraft> byLink) {
        for (int i = 0; i < interfaces.size(); i++) {
            for (int j = 0; j < i; j++) {
                InterfaceConfig a = interfaces.get(j);
                InterfaceConfig b = interfaces.get(i);
                if (a.mcastAddr().isPresent() && a.mcastAddr().equals(b.mcastAddr())
                        && Math.abs(a.mcastPort() - b.mcastPort()) < 2) {
                    error(byLink.get(i).section().line(), "interface " + i + " uses mcastaddr "
                            + written(byLink.get(i), "mcastaddr") + " with mcastport " + b.mcastPort()
                            + ", and interface " + j + " uses it with " + a.mcastPort()
                            + "; ports on one mcastaddr must differ by at least 2 (udp also sends from mcastport - 1)");
                }
            }
        }
    }

    private RrpMode readRrpMode(ConfSection totem, int networks) {
        Optional<String> rrp = choice(totem, "rrp_mode", List.of("none", "passive", "active"), Map.of());
        Optional<String> link = choice(totem, "link_mode", List.of("passive", "active"),
                Map.of("rr", "is knet's round-robin, which we do not implement"));
        if (totem.entry("rrp_mode").isPresent() && totem.entry("link_mode").isPresent()) {
            error(totem.entry("link_mode").get().line(), "rrp_mode and link_mode are both given; give one "
                    + "(link_mode is corosync 3's name)");
        }
        Optional<String> mode = rrp.or(() -> link);
        if (networks == 1 && rrp.isPresent() && !rrp.get().equals("none")) {
            // corosync 3's link_mode passive is its default even for one link; rrp_mode asks for a redundant ring.
            error(totem.entry("rrp_mode").get().line(), "rrp_mode " + rrp.get() + " needs two or more networks, but "
                    + "only ring0_addr is given; add ring1_addr to every node (and an interface with linknumber 1), "
                    + "or write rrp_mode: none");
        }
        if (networks <= 1) {
            return RrpMode.NONE; // corosync too runs one network with no redundancy mode
        }
        if (mode.isEmpty()) {
            return RrpMode.PASSIVE; // corosync 3's default link_mode
        }
        if (mode.get().equals("none")) {
            error(totem.entry("rrp_mode").get().line(), "rrp_mode none uses one network, but " + networks
                    + " are configured; expected passive or active");
            return RrpMode.PASSIVE;
        }
        return mode.get().equals("active") ? RrpMode.ACTIVE : RrpMode.PASSIVE;
    }

    private CryptoConfig readCrypto(ConfSection totem) {
        Optional<String> secauth = choice(totem, "secauth", List.of("on", "off"), Map.of());
        Optional<String> cipher = choice(totem, "crypto_cipher", List.of("none", "aes256", "chacha20"), Map.of());
        Optional<String> hash = choice(totem, "crypto_hash", List.of("none", "sha256", "sha384", "sha512"), Map.of());
        Optional<String> keyfile = text(totem, "keyfile");
        // Every frame is sealed unless the file turns it off: crypto_cipher none (or secauth off
        // with no cipher given). As corosync main, which enforces encryption; crypto_hash names
        // nothing we compute (the AEAD tag authenticates), so it is only checked for spelling.
        boolean off = secauth.map("off"::equals).orElse(false);
        String effectiveCipher = cipher.orElse(off ? "none" : "aes256");
        String effectiveHash = hash.orElse(effectiveCipher.equals("none") ? "none" : "sha256");
        CryptoConfig crypto = new CryptoConfig(effectiveCipher, effectiveHash, keyfile, secauth.map("on"::equals));
        if (keyfile.isPresent() && !crypto.enabled()) {
            warning(totem.entry("keyfile").get().line(), "keyfile is given but crypto is off (crypto_cipher and "
                    + "crypto_hash are none); ignored");
        }
        return crypto;
    }

    /** corosync's totem_volatile_config_read(): defaults, the token scaled by the node count, derived timeouts. */
    private TotemConfig readTimeouts(ConfSection totem, int nodeCount) {
        int retransmits = integer(totem, "token_retransmits_before_loss_const", 1, 100, "")
                .orElse(DEFAULT_RETRANSMITS_BEFORE_LOSS);
        int tokenBase = timeout(totem, "token", MINIMUM_TIMEOUT_MS).orElse(DEFAULT_TOKEN_MS);
        int coefficient = integer(totem, "token_coefficient", 0, TIMEOUT_MAX_MS, " ms").orElse(DEFAULT_TOKEN_COEFFICIENT_MS);
        int tokenLine = totem.entry("token").map(ConfEntry::line).orElse(totem.line());
        long scaled = tokenBase + (nodeCount > 2 ? (long) (nodeCount - 2) * coefficient : 0L);
        int token = (int) Math.min(scaled, TIMEOUT_MAX_MS);
        if (scaled > TIMEOUT_MAX_MS) {
            error(tokenLine, "token " + tokenBase + " ms + (" + nodeCount + " nodes - 2) * token_coefficient "
                    + coefficient + " ms is " + scaled + " ms, above the maximum " + TIMEOUT_MAX_MS + " ms");
        }
        OptionalInt retransmitSet = timeout(totem, "token_retransmit", MINIMUM_TIMEOUT_MS);
        int retransmit = retransmitSet.orElse((int) (token / (retransmits + 0.2)));
        if (retransmitSet.isEmpty() && retransmit < MINIMUM_TIMEOUT_MS && totem.entry("token_retransmit").isEmpty()) {
            error(tokenLine, "token_retransmit derived from token (" + token + " ms) / " + (retransmits + 0.2)
                    + " is " + retransmit + " ms, below the minimum " + MINIMUM_TIMEOUT_MS
                    + " ms; raise token or set token_retransmit");
        }
        OptionalInt holdSet = timeout(totem, "hold", MINIMUM_HOLD_MS);
        int hold = holdSet.orElse((int) (retransmit * 0.8 - 10));
        if (holdSet.isEmpty() && hold < MINIMUM_HOLD_MS && totem.entry("hold").isEmpty() && retransmit >= MINIMUM_TIMEOUT_MS) {
            error(totem.entry("token_retransmit").map(ConfEntry::line).orElse(tokenLine), "hold derived from "
                    + "token_retransmit (" + retransmit + " ms) * 0.8 - 10 is " + hold + " ms, below the minimum "
                    + MINIMUM_HOLD_MS + " ms; raise token_retransmit or set hold");
        }
        int join = timeout(totem, "join", MINIMUM_TIMEOUT_MS).orElse(DEFAULT_JOIN_MS);
        OptionalInt consensusSet = timeout(totem, "consensus", MINIMUM_TIMEOUT_MS);
        // corosync computes (int)(float)(1.2 * token); the float step rounds away 1.2's binary error.
        int consensus = consensusSet.orElse((int) (float) (1.2 * token));
        if (consensus < join) {
            error(totem.entry("consensus").or(() -> totem.entry("join")).map(ConfEntry::line).orElse(totem.line()),
                    "consensus (" + consensus + " ms) must be at least join (" + join + " ms)");
        }
        if (retransmitSet.isPresent() && retransmit >= token) {
            warning(totem.entry("token_retransmit").get().line(), "token_retransmit (" + retransmit
                    + " ms) is not below token (" + token + " ms): the token is declared lost before it is resent");
        }
        if (consensusSet.isPresent() && nodeCount >= 3 && consensus <= token) {
            warning(totem.entry("consensus").get().line(), "consensus (" + consensus + " ms) is not above token ("
                    + token + " ms); corosync's manual asks for more than token with 3 or more nodes");
        }
        int merge = timeout(totem, "merge", MINIMUM_TIMEOUT_MS).orElse(DEFAULT_MERGE_MS);
        int failRecv = integer(totem, "fail_recv_const", 1, COUNT_MAX, "").orElse(DEFAULT_FAIL_RECV_CONST);
        int seqnoUnchanged = integer(totem, "seqno_unchanged_const", 1, COUNT_MAX, "").orElse(DEFAULT_SEQNO_UNCHANGED_CONST);
        int window = integer(totem, "window_size", 1, WINDOW_MAX, "").orElse(DEFAULT_WINDOW_SIZE);
        int maxMessages = integer(totem, "max_messages", 1, WINDOW_MAX, "").orElse(DEFAULT_MAX_MESSAGES);
        if (maxMessages > window) {
            warning(totem.entry("max_messages").or(() -> totem.entry("window_size")).get().line(), "max_messages ("
                    + maxMessages + ") is above window_size (" + window + "); a node never sends more than "
                    + "window_size per rotation");
        }
        int missCount = integer(totem, "miss_count_const", 1, COUNT_MAX, "").orElse(DEFAULT_MISS_COUNT_CONST);
        int netmtu = integer(totem, "netmtu", NETMTU_MIN, 65_535, "").orElse(TotemConfig.DEFAULT_NETMTU);
        if (!errors.isEmpty()) {
            return null;
        }
        // Frame size, send queue and limits follow netmtu as the engine's own factory derives them.
        TotemConfig base = TotemConfig.fromToken(token, netmtu);
        return new TotemConfig(token, retransmit, hold, join, consensus, merge, failRecv, seqnoUnchanged, window,
                maxMessages, missCount, base.retransmitEntriesMax(), base.frameBytesMax(), base.messageBytesMax(),
                base.sendQueueFramesMax(), base.sortQueueFramesMax());
    }

    // ---- uidgid --------------------------------------------------------------------------------

    /** Every {@code uidgid} section's uid and gid, names resolved as corosync resolves them (getpwnam). */
    private IpcAccess readUidGid(ConfSection root) {
        Set<Integer> uids = new TreeSet<>();
        Set<Integer> gids = new TreeSet<>();
        UnixNames names = UnixNames.system();
        for (ConfSection section : root.sections("uidgid")) {
            section.entry("uid").ifPresent(e -> names.uid(e.value()).ifPresentOrElse(uids::add, () -> error(e.line(),
                    "uid: no user '" + e.value() + "' (not in /etc/passwd); expected a user name or a uid")));
            section.entry("gid").ifPresent(e -> names.gid(e.value()).ifPresentOrElse(gids::add, () -> error(e.line(),
                    "gid: no group '" + e.value() + "' (not in /etc/group); expected a group name or a gid")));
            if (section.entries().isEmpty()) {
                warning(section.line(), "an empty 'uidgid {' section allows nobody; expected 'uid: USER' or 'gid: GROUP'");
            }
        }
        return new IpcAccess(uids, gids);
    }

    // ---- logging -------------------------------------------------------------------------------

    private LoggingConfig readLogging(ConfSection section) {
        if (section == null) {
            return LoggingConfig.DEFAULTS;
        }
        boolean toStderr = bool(section, "to_stderr").orElse(true);
        boolean toLogfile = bool(section, "to_logfile").orElse(false);
        Optional<String> logfile = text(section, "logfile");
        if (bool(section, "to_syslog").orElse(false)) {
            warning(section.entry("to_syslog").get().line(), "to_syslog: we do not log to syslog; ignored (use "
                    + "to_stderr or to_logfile)");
        }
        Optional<String> debug = choice(section, "debug", List.of("off", "on", "trace"), Map.of());
        Optional<String> timestamp = choice(section, "timestamp", List.of("off", "on", "hires"), Map.of());
        if (toLogfile && logfile.isEmpty()) {
            if (section.entry("logfile").isEmpty()) {
                error(section.entry("to_logfile").get().line(), "to_logfile is yes but no logfile is given; "
                        + "expected 'logfile: PATH'");
            }
            return LoggingConfig.DEFAULTS; // only reached with an error already reported
        }
        LoggingConfig.Debug level = debug.map(d -> d.equals("trace") ? LoggingConfig.Debug.TRACE
                : d.equals("on") ? LoggingConfig.Debug.ON : LoggingConfig.Debug.OFF).orElse(LoggingConfig.Debug.OFF);
        return new LoggingConfig(toStderr, toLogfile, toLogfile ? logfile : Optional.empty(), level,
                timestamp.map(t -> !t.equals("off")).orElse(false));
    }

    // ---- system --------------------------------------------------------------------------------

    /**
     * {@code priority}: corosync's nice value for a daemon without real-time scheduling, {@code max}
     * (-20), {@code min} (19) or a number in between; ignored, with a warning, beside sched_rr.
     */
    private OptionalInt readPriority(ConfSection system, boolean schedRr) {
        Optional<ConfEntry> entry = system.entry("priority");
        if (entry.isEmpty()) {
            return OptionalInt.empty();
        }
        String value = entry.get().value();
        OptionalInt nice = value.equals("max") ? OptionalInt.of(NICE_MAX_PRIORITY)
                : value.equals("min") ? OptionalInt.of(NICE_MIN_PRIORITY)
                : WHOLE_NUMBER.matcher(value).matches() ? integer(system, "priority", NICE_MAX_PRIORITY, NICE_MIN_PRIORITY, "")
                : OptionalInt.empty();
        if (nice.isEmpty() && !WHOLE_NUMBER.matcher(value).matches()) {
            error(entry.get().line(), "priority: '" + value + "' is not allowed; allowed max, min or a nice value "
                    + NICE_MAX_PRIORITY + ".." + NICE_MIN_PRIORITY);
        }
        if (nice.isPresent() && schedRr) {
            warning(entry.get().line(), "priority applies without sched_rr only (as in corosync); ignored");
            return OptionalInt.empty();
        }
        return nice;
    }

    // ---- typed values --------------------------------------------------------------------------

    private OptionalInt timeout(ConfSection s, String key, int min) {
        return integer(s, key, min, TIMEOUT_MAX_MS, " ms");
    }

    /**
     * @return the whole number, or empty when absent or bad (bad ones are reported)
     */
    private OptionalInt integer(ConfSection s, String key, int min, int max, String unit) {
        Optional<ConfEntry> entry = s.entry(key);
        if (entry.isEmpty()) {
            return OptionalInt.empty();
        }
        String value = entry.get().value();
        String allowed = "; allowed " + min + ".." + max + unit;
        if (!WHOLE_NUMBER.matcher(value).matches()) {
            error(entry.get().line(), key + ": '" + value + "' is not a whole number" + allowed);
            return OptionalInt.empty();
        }
        // More than 18 digits cannot be in range; avoid Long overflow on absurd input.
        String digits = value.replaceFirst("^[-+]", "").replaceFirst("^0+(?=.)", "");
        if (digits.length() > 18 || Long.parseLong(value) < min || Long.parseLong(value) > max) {
            error(entry.get().line(), key + ": '" + value + "' is out of range" + allowed);
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(value.replaceFirst("^\\+", "")));
    }

    /**
     * @param reasons why some values are refused although corosync knows them (knet, ...)
     * @return the value when it is one of {@code allowed}; empty when absent or bad (bad ones are reported)
     */
    private Optional<String> choice(ConfSection s, String key, List<String> allowed, Map<String, String> reasons) {
        Optional<ConfEntry> entry = s.entry(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        String value = entry.get().value();
        if (allowed.contains(value)) {
            return Optional.of(value);
        }
        String why = reasons.getOrDefault(value, "is not allowed");
        error(entry.get().line(), key + ": '" + value + "' " + why + "; allowed " + String.join(", ", allowed));
        return Optional.empty();
    }

    private Optional<Boolean> bool(ConfSection s, String key) {
        return choice(s, key, List.of("yes", "no", "on", "off"), Map.of()).map(v -> v.equals("yes") || v.equals("on"));
    }

    private Optional<String> text(ConfSection s, String key) {
        Optional<ConfEntry> entry = s.entry(key);
        if (entry.isPresent() && entry.get().value().isEmpty()) {
            error(entry.get().line(), key + ": expected a value, got nothing");
            return Optional.empty();
        }
        return entry.map(ConfEntry::value);
    }

    /** Parses an IP literal without ever resolving a name, so validation never waits on DNS. */
    private Optional<InetAddress> address(ConfSection s, String key) {
        Optional<ConfEntry> entry = s.entry(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        String value = entry.get().value();
        Optional<InetAddress> parsed = parseAddress(value);
        if (parsed.isEmpty()) {
            error(entry.get().line(), key + ": '" + value + "' is not an IP address; allowed an IPv4 or IPv6 "
                    + "address (host names are not resolved)");
        }
        return parsed;
    }

    /**
     * @param text an IPv4 dotted quad or an IPv6 literal
     * @return the address, or empty when the text is neither (host names included)
     */
    static Optional<InetAddress> parseAddress(String text) {
        Matcher v4 = IPV4.matcher(text);
        try {
            if (v4.matches()) {
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int part = Integer.parseInt(v4.group(i + 1));
                    if (part > 255) {
                        return Optional.empty();
                    }
                    bytes[i] = (byte) part;
                }
                return Optional.of(InetAddress.getByAddress(bytes));
            }
            if (IPV6.matcher(text).matches()) {
                // Brackets make the JDK insist on a literal: a bad one fails instead of going to DNS.
                return Optional.of(InetAddress.getByName("[" + text + "]"));
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static int family(InetAddress a) {
        return a instanceof Inet4Address ? 4 : 6;
    }

    private static String familyName(InetAddress a) {
        return a instanceof Inet4Address ? "IPv4" : "IPv6";
    }

    private void error(int line, String message) {
        errors.add(new ConfigProblem(file, line, message));
    }

    private void warning(int line, String message) {
        warnings.add(new ConfigProblem(file, line, message));
    }
}
