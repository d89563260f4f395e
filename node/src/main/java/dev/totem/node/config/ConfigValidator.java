package dev.totem.node.config;

import dev.totem.node.config.NodelistReader.NodeDraft;
import dev.totem.protocol.api.TotemConfig;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

    private static final Pattern RING_KEY = Pattern.compile("ring([0-9]+)_addr");

    private final String file;
    private final ConfigValues values;
    private final NodelistReader nodelist;

    ConfigValidator(String file) {
        this.file = file;
        this.values = new ConfigValues(file);
        this.nodelist = new NodelistReader(values);
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
        ConfSection nodelistSection = single(root, "nodelist");
        ConfSection loggingSection = single(root, "logging");
        List<NodeDraft> drafts = this.nodelist.read(nodelistSection);
        LoggingConfig logging = readLogging(loggingSection);
        IpcAccess ipcAccess = readUidGid(root);
        ConfSection systemSection = single(root, "system");
        boolean schedRr = systemSection != null && values.bool(systemSection, "sched_rr").orElse(false);
        OptionalInt priority = systemSection == null ? OptionalInt.empty() : readPriority(systemSection, schedRr);
        NodeConfig config = null;
        if (totem == null) {
            values.error(0, "no 'totem {' section; expected one with at least 'transport: udpu' (and a nodelist) "
                    + "or 'transport: udp'");
        } else {
            config = readTotem(totem, drafts, logging, ipcAccess, schedRr, priority);
        }
        return new ConfigResult(values.hasErrors() ? null : config, values.errors(), values.warnings());
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
                values.warning(entry.line(), "'" + key + "' " + schema.ignoredKeys().get(key));
            } else if (schema.allSections().contains(key)) {
                values.error(entry.line(), "'" + key + "' is a section " + where + "; expected '" + key + " {' ... '}'");
            } else if (childOwning(section.path(), schema, key).isPresent()) {
                values.error(entry.line(), "'" + key + "' belongs inside '" + childOwning(section.path(), schema, key).get()
                        + " {' " + where);
            } else if (section.path().isEmpty()) {
                values.error(entry.line(), "unknown key '" + key + "' at the top level; expected it inside a section "
                        + "such as 'totem {'");
            } else if (section.path().equals("nodelist.node") && ringKeyOutOfRange(key)) {
                values.error(entry.line(), "unknown key '" + key + "' in nodelist.node; networks are ring0_addr.."
                        + KeyCatalog.ringKey(KeyCatalog.LINKS_MAX - 1));
            } else {
                values.error(entry.line(), "unknown key '" + key + "' " + where + suggestion(key, schema.allKeys()));
            }
        }
        for (ConfSection sub : section.sections()) {
            String name = sub.name();
            if (schema.sections().contains(name)) {
                checkNames(sub);
            } else if (schema.ignoredSections().containsKey(name)) {
                values.warning(sub.line(), "section '" + name + "' " + schema.ignoredSections().get(name));
            } else if (schema.allKeys().contains(name)) {
                values.error(sub.line(), "'" + name + "' is a key " + where + ", not a section; expected '" + name
                        + ": value'");
            } else {
                values.error(sub.line(), "unknown section '" + name + "' " + where + suggestion(name, schema.allSections()));
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
            values.error(found.get(i).line(), "second '" + name + " {' section (first at line " + found.get(0).line()
                    + "); expected one");
        }
        return found.isEmpty() ? null : found.get(0);
    }

    // ---- totem ---------------------------------------------------------------------------------

    private NodeConfig readTotem(ConfSection totem, List<NodeDraft> drafts, LoggingConfig logging, IpcAccess ipcAccess,
            boolean schedRr, OptionalInt priority) {
        values.choice(totem, "version", List.of("2"), Map.of());
        Optional<String> clusterName = values.text(totem, "cluster_name");
        Transport transport = readTransport(totem, drafts);
        int ringCount = drafts.isEmpty() ? 0 : drafts.get(0).ringCount();
        List<InterfaceConfig> interfaces = readInterfaces(totem, transport, drafts, ringCount, clusterName);
        RrpMode rrpMode = readRrpMode(totem, interfaces.size());
        CryptoConfig crypto = readCrypto(totem);
        // corosync scales the token by the members of network 0: the nodes with a ring0_addr.
        int nodeCount = (int) drafts.stream().filter(d -> d.rings.containsKey(0)).count();
        TotemConfig totemConfig = readTimeouts(totem, nodeCount);
        int downcheck = values.integer(totem, "downcheck", MINIMUM_TIMEOUT_MS, TIMEOUT_MAX_MS, " ms").orElse(DEFAULT_DOWNCHECK_MS);
        if (values.hasErrors()) {
            return null;
        }
        List<NodeEntry> nodes = drafts.stream()
                .map(d -> new NodeEntry(d.nodeId, List.copyOf(d.rings.values()), d.name))
                .toList();
        return new NodeConfig(file, clusterName, transport, rrpMode, interfaces, nodes, crypto, logging, totemConfig,
                downcheck, ipcAccess, schedRr, priority);
    }

    private Transport readTransport(ConfSection totem, List<NodeDraft> drafts) {
        Optional<String> spelled = values.choice(totem, "transport", List.of("udp", "udpu"), Map.of(
                "knet", "is corosync 3's kronosnet transport, which we do not implement",
                "iba", "is corosync 2's InfiniBand transport, which we do not implement"));
        Transport byNodelist = drafts.isEmpty() ? Transport.UDP : Transport.UDPU;
        if (totem.entry("transport").isEmpty()) {
            values.warning(totem.line(), drafts.isEmpty()
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
            values.error(totem.entry("transport").get().line(), "transport udpu needs a nodelist with a ring0_addr for each "
                    + "node; expected 'nodelist {' with 'node {' sections");
        }
        return transport;
    }

    private List<InterfaceConfig> readInterfaces(ConfSection totem, Transport transport, List<NodeDraft> drafts,
            int nodeRings, Optional<String> clusterName) {
        TreeMap<Integer, InterfaceDraft> byLink = new TreeMap<>();
        for (ConfSection s : totem.sections("interface")) {
            OptionalInt linknumber = values.integer(s, "linknumber", 0, KeyCatalog.LINKS_MAX - 1, "");
            OptionalInt ringnumber = values.integer(s, "ringnumber", 0, KeyCatalog.LINKS_MAX - 1, "");
            if (s.entry("linknumber").isPresent() && linknumber.isEmpty()
                    || s.entry("ringnumber").isPresent() && ringnumber.isEmpty()) {
                continue; // bad number already reported; which network this is stays unknown
            }
            if (linknumber.isPresent() && ringnumber.isPresent() && linknumber.getAsInt() != ringnumber.getAsInt()) {
                values.error(s.entry("ringnumber").get().line(), "ringnumber " + ringnumber.getAsInt() + " and linknumber "
                        + linknumber.getAsInt() + " disagree; give one of them (linknumber is corosync 3's name)");
                continue;
            }
            int link = linknumber.orElse(ringnumber.orElse(0));
            Optional<InetAddress> mcast = values.address(s, "mcastaddr");
            if (mcast.isPresent() && !mcast.get().isMulticastAddress()) {
                values.error(s.entry("mcastaddr").get().line(), "mcastaddr: '" + s.entry("mcastaddr").get().value()
                        + "' is not a multicast address; allowed 224.0.0.0/4 (IPv4) or ff00::/8 (IPv6)");
                mcast = Optional.empty();
            }
            InterfaceDraft d = new InterfaceDraft(s, link, values.address(s, "bindnetaddr"), mcast,
                    values.integer(s, "mcastport", 1, 65_535, ""), values.integer(s, "ttl", 0, 255, ""));
            InterfaceDraft first = byLink.putIfAbsent(link, d);
            if (first != null) {
                values.error(s.line(), "interface " + link + " is configured twice (first at line " + first.section().line()
                        + "); give each interface its own linknumber");
            }
        }
        int ringCount = nodeRings;
        if (drafts.isEmpty()) {
            ringCount = byLink.isEmpty() ? 0 : byLink.lastKey() + 1;
            for (InterfaceDraft d : byLink.values()) {
                if (d.link() > 0 && !byLink.containsKey(d.link() - 1)) {
                    values.error(d.section().line(), "interface " + d.link() + " but no interface " + (d.link() - 1)
                            + "; networks are numbered from 0 without gaps");
                }
            }
        } else {
            for (InterfaceDraft d : byLink.values()) {
                if (d.link() >= nodeRings && nodeRings > 0) {
                    values.error(d.section().line(), "interface " + d.link() + " has no " + KeyCatalog.ringKey(d.link())
                            + " in the nodelist; each interface is one network, and every node needs an address on it");
                }
            }
        }
        if (transport == Transport.UDP && ringCount == 0) {
            values.error(totem.line(), "transport udp needs an 'interface {' section with bindnetaddr and mcastaddr");
        }
        List<InterfaceConfig> interfaces = new ArrayList<>();
        for (int link = 0; link < ringCount; link++) {
            InterfaceDraft d = byLink.get(link);
            InetAddress nodeAddr = drafts.isEmpty() ? null : drafts.get(0).rings.get(link);
            if (d == null) {
                if (transport == Transport.UDP) {
                    values.error(drafts.get(0).ringLines.getOrDefault(link, totem.line()), KeyCatalog.ringKey(link)
                            + " has no 'interface {' with linknumber " + link
                            + "; transport udp needs bindnetaddr and mcastaddr for each network");
                }
                interfaces.add(new InterfaceConfig(link, Optional.empty(), Optional.empty(),
                        InterfaceConfig.DEFAULT_MCAST_PORT + link, 1));
                continue;
            }
            if (d.bindNetAddr().isPresent() && nodeAddr != null && values.family(d.bindNetAddr().get()) != values.family(nodeAddr)) {
                values.error(d.section().entry("bindnetaddr").get().line(), "bindnetaddr "
                        + written(d, "bindnetaddr") + " is " + values.familyName(d.bindNetAddr().get())
                        + ", but the nodes' " + KeyCatalog.ringKey(link) + " are " + values.familyName(nodeAddr)
                        + "; use one IP family per network");
            }
            Optional<InetAddress> mcast = Optional.empty();
            if (transport == Transport.UDP) {
                mcast = udpMulticast(d, clusterName);
            } else if (d.section().entry("mcastaddr").isPresent()) {
                values.warning(d.section().entry("mcastaddr").get().line(), "mcastaddr is not used by transport udpu; ignored");
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
            values.error(d.section().line(), "interface " + link + " has no bindnetaddr; transport udp needs it to pick "
                    + "the local network");
        }
        if (d.mcastAddr().isPresent()) {
            InetAddress mcast = d.mcastAddr().get();
            if (d.bindNetAddr().isPresent() && values.family(mcast) != values.family(d.bindNetAddr().get())) {
                values.error(d.section().entry("mcastaddr").get().line(), "mcastaddr " + written(d, "mcastaddr") + " is "
                        + values.familyName(mcast) + ", but bindnetaddr " + written(d, "bindnetaddr") + " is "
                        + values.familyName(d.bindNetAddr().get()) + "; use one IP family per network");
            }
            return d.mcastAddr();
        }
        if (d.section().entry("mcastaddr").isPresent()) {
            return Optional.empty(); // bad address, already reported
        }
        if (clusterName.isEmpty()) {
            values.error(d.section().line(), "interface " + link + " has no mcastaddr; transport udp needs one (or a "
                    + "cluster_name to derive it from)");
            return Optional.empty();
        }
        boolean ipv6 = d.bindNetAddr().isPresent() && !(d.bindNetAddr().get() instanceof Inet4Address);
        InetAddress derived = clusterMulticastAddress(clusterName.get(), link, ipv6);
        values.warning(d.section().line(), "interface " + link + " has no mcastaddr; using " + NetUtil.toAddressString(derived)
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
                    values.error(byLink.get(i).section().line(), "interface " + i + " uses mcastaddr "
                            + written(byLink.get(i), "mcastaddr") + " with mcastport " + b.mcastPort()
                            + ", and interface " + j + " uses it with " + a.mcastPort()
                            + "; ports on one mcastaddr must differ by at least 2 (udp also sends from mcastport - 1)");
                }
            }
        }
    }

    private RrpMode readRrpMode(ConfSection totem, int networks) {
        Optional<String> rrp = values.choice(totem, "rrp_mode", List.of("none", "passive", "active"), Map.of());
        Optional<String> link = values.choice(totem, "link_mode", List.of("passive", "active"),
                Map.of("rr", "is knet's round-robin, which we do not implement"));
        if (totem.entry("rrp_mode").isPresent() && totem.entry("link_mode").isPresent()) {
            values.error(totem.entry("link_mode").get().line(), "rrp_mode and link_mode are both given; give one "
                    + "(link_mode is corosync 3's name)");
        }
        Optional<String> mode = rrp.or(() -> link);
        if (networks == 1 && rrp.isPresent() && !rrp.get().equals("none")) {
            // corosync 3's link_mode passive is its default even for one link; rrp_mode asks for a redundant ring.
            values.error(totem.entry("rrp_mode").get().line(), "rrp_mode " + rrp.get() + " needs two or more networks, but "
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
            values.error(totem.entry("rrp_mode").get().line(), "rrp_mode none uses one network, but " + networks
                    + " are configured; expected passive or active");
            return RrpMode.PASSIVE;
        }
        return mode.get().equals("active") ? RrpMode.ACTIVE : RrpMode.PASSIVE;
    }

    private CryptoConfig readCrypto(ConfSection totem) {
        Optional<String> secauth = values.choice(totem, "secauth", List.of("on", "off"), Map.of());
        Optional<String> cipher = values.choice(totem, "crypto_cipher", List.of("none", "aes256", "chacha20"), Map.of());
        Optional<String> hash = values.choice(totem, "crypto_hash", List.of("none", "sha256", "sha384", "sha512"), Map.of());
        Optional<String> keyfile = values.text(totem, "keyfile");
        // Every frame is sealed unless the file turns it off: crypto_cipher none (or secauth off
        // with no cipher given). As corosync main, which enforces encryption; crypto_hash names
        // nothing we compute (the AEAD tag authenticates), so it is only checked for spelling.
        boolean off = secauth.map("off"::equals).orElse(false);
        String effectiveCipher = cipher.orElse(off ? "none" : "aes256");
        String effectiveHash = hash.orElse(effectiveCipher.equals("none") ? "none" : "sha256");
        CryptoConfig crypto = new CryptoConfig(effectiveCipher, effectiveHash, hash.isPresent(), keyfile, secauth.map("on"::equals));
        if (keyfile.isPresent() && !crypto.enabled()) {
            values.warning(totem.entry("keyfile").get().line(), "keyfile is given but crypto is off (crypto_cipher and "
                    + "crypto_hash are none); ignored");
        }
        return crypto;
    }

    /** corosync's totem_volatile_config_read(): defaults, the token scaled by the node count, derived timeouts. */
    private TotemConfig readTimeouts(ConfSection totem, int nodeCount) {
        int retransmits = values.integer(totem, "token_retransmits_before_loss_const", 1, 100, "")
                .orElse(DEFAULT_RETRANSMITS_BEFORE_LOSS);
        int tokenBase = values.timeout(totem, "token", MINIMUM_TIMEOUT_MS).orElse(DEFAULT_TOKEN_MS);
        int coefficient = values.integer(totem, "token_coefficient", 0, TIMEOUT_MAX_MS, " ms").orElse(DEFAULT_TOKEN_COEFFICIENT_MS);
        int tokenLine = totem.entry("token").map(ConfEntry::line).orElse(totem.line());
        long scaled = tokenBase + (nodeCount > 2 ? (long) (nodeCount - 2) * coefficient : 0L);
        int token = (int) Math.min(scaled, TIMEOUT_MAX_MS);
        if (scaled > TIMEOUT_MAX_MS) {
            values.error(tokenLine, "token " + tokenBase + " ms + (" + nodeCount + " nodes - 2) * token_coefficient "
                    + coefficient + " ms is " + scaled + " ms, above the maximum " + TIMEOUT_MAX_MS + " ms");
        }
        OptionalInt retransmitSet = values.timeout(totem, "token_retransmit", MINIMUM_TIMEOUT_MS);
        int retransmit = retransmitSet.orElse((int) (token / (retransmits + 0.2)));
        if (retransmitSet.isEmpty() && retransmit < MINIMUM_TIMEOUT_MS && totem.entry("token_retransmit").isEmpty()) {
            values.error(tokenLine, "token_retransmit derived from token (" + token + " ms) / " + (retransmits + 0.2)
                    + " is " + retransmit + " ms, below the minimum " + MINIMUM_TIMEOUT_MS
                    + " ms; raise token or set token_retransmit");
        }
        OptionalInt holdSet = values.timeout(totem, "hold", MINIMUM_HOLD_MS);
        int hold = holdSet.orElse((int) (retransmit * 0.8 - 10));
        if (holdSet.isEmpty() && hold < MINIMUM_HOLD_MS && totem.entry("hold").isEmpty() && retransmit >= MINIMUM_TIMEOUT_MS) {
            values.error(totem.entry("token_retransmit").map(ConfEntry::line).orElse(tokenLine), "hold derived from "
                    + "token_retransmit (" + retransmit + " ms) * 0.8 - 10 is " + hold + " ms, below the minimum "
                    + MINIMUM_HOLD_MS + " ms; raise token_retransmit or set hold");
        }
        int join = values.timeout(totem, "join", MINIMUM_TIMEOUT_MS).orElse(DEFAULT_JOIN_MS);
        OptionalInt consensusSet = values.timeout(totem, "consensus", MINIMUM_TIMEOUT_MS);
        // corosync computes (int)(float)(1.2 * token); the float step rounds away 1.2's binary error.
        int consensus = consensusSet.orElse((int) (float) (1.2 * token));
        if (consensus < join) {
            values.error(totem.entry("consensus").or(() -> totem.entry("join")).map(ConfEntry::line).orElse(totem.line()),
                    "consensus (" + consensus + " ms) must be at least join (" + join + " ms)");
        }
        if (retransmitSet.isPresent() && retransmit >= token) {
            values.warning(totem.entry("token_retransmit").get().line(), "token_retransmit (" + retransmit
                    + " ms) is not below token (" + token + " ms): the token is declared lost before it is resent");
        }
        if (consensusSet.isPresent() && nodeCount >= 3 && consensus <= token) {
            values.warning(totem.entry("consensus").get().line(), "consensus (" + consensus + " ms) is not above token ("
                    + token + " ms); corosync's manual asks for more than token with 3 or more nodes");
        }
        int merge = values.timeout(totem, "merge", MINIMUM_TIMEOUT_MS).orElse(DEFAULT_MERGE_MS);
        int failRecv = values.integer(totem, "fail_recv_const", 1, COUNT_MAX, "").orElse(DEFAULT_FAIL_RECV_CONST);
        int seqnoUnchanged = values.integer(totem, "seqno_unchanged_const", 1, COUNT_MAX, "").orElse(DEFAULT_SEQNO_UNCHANGED_CONST);
        int window = values.integer(totem, "window_size", 1, WINDOW_MAX, "").orElse(DEFAULT_WINDOW_SIZE);
        int maxMessages = values.integer(totem, "max_messages", 1, WINDOW_MAX, "").orElse(DEFAULT_MAX_MESSAGES);
        if (maxMessages > window) {
            values.warning(totem.entry("max_messages").or(() -> totem.entry("window_size")).get().line(), "max_messages ("
                    + maxMessages + ") is above window_size (" + window + "); a node never sends more than "
                    + "window_size per rotation");
        }
        int missCount = values.integer(totem, "miss_count_const", 1, COUNT_MAX, "").orElse(DEFAULT_MISS_COUNT_CONST);
        int netmtu = values.integer(totem, "netmtu", NETMTU_MIN, 65_535, "").orElse(TotemConfig.DEFAULT_NETMTU);
        if (values.hasErrors()) {
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
            section.entry("uid").ifPresent(e -> names.uid(e.value()).ifPresentOrElse(uids::add, () -> values.error(e.line(),
                    "uid: no user '" + e.value() + "' (not in /etc/passwd); expected a user name or a uid")));
            section.entry("gid").ifPresent(e -> names.gid(e.value()).ifPresentOrElse(gids::add, () -> values.error(e.line(),
                    "gid: no group '" + e.value() + "' (not in /etc/group); expected a group name or a gid")));
            if (section.entries().isEmpty()) {
                values.warning(section.line(), "an empty 'uidgid {' section allows nobody; expected 'uid: USER' or 'gid: GROUP'");
            }
        }
        return new IpcAccess(uids, gids);
    }

    // ---- logging -------------------------------------------------------------------------------

    private LoggingConfig readLogging(ConfSection section) {
        if (section == null) {
            return LoggingConfig.DEFAULTS;
        }
        boolean toStderr = values.bool(section, "to_stderr").orElse(true);
        boolean toLogfile = values.bool(section, "to_logfile").orElse(false);
        Optional<String> logfile = values.text(section, "logfile");
        if (values.bool(section, "to_syslog").orElse(false)) {
            values.warning(section.entry("to_syslog").get().line(), "to_syslog: we do not log to syslog; ignored (use "
                    + "to_stderr or to_logfile)");
        }
        Optional<String> debug = values.choice(section, "debug", List.of("off", "on", "trace"), Map.of());
        Optional<String> timestamp = values.choice(section, "timestamp", List.of("off", "on", "hires"), Map.of());
        if (toLogfile && logfile.isEmpty()) {
            if (section.entry("logfile").isEmpty()) {
                values.error(section.entry("to_logfile").get().line(), "to_logfile is yes but no logfile is given; "
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
        OptionalInt nice = value.equals("max") ? OptionalInt.of(NodeConfig.NICE_HIGHEST)
                : value.equals("min") ? OptionalInt.of(NodeConfig.NICE_LOWEST)
                : ConfigValues.isWholeNumber(value)
                        ? values.integer(system, "priority", NodeConfig.NICE_HIGHEST, NodeConfig.NICE_LOWEST, "")
                : OptionalInt.empty();
        if (nice.isEmpty() && !ConfigValues.isWholeNumber(value)) {
            values.error(entry.get().line(), "priority: '" + value + "' is not allowed; allowed max, min or a nice value "
                    + NodeConfig.NICE_HIGHEST + ".." + NodeConfig.NICE_LOWEST);
        }
        if (nice.isPresent() && schedRr) {
            values.warning(entry.get().line(), "priority applies without sched_rr only (as in corosync); ignored");
            return OptionalInt.empty();
        }
        return nice;
    }
}
