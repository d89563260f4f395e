package dev.totem.node.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the {@code nodelist} section: each node's id, name and ring addresses, with the rules
 * across nodes (ids and names unique, an address on every network for every node, one IP family
 * and no repeated address per network).
 */
final class NodelistReader {
    private final ConfigValues values;

    NodelistReader(ConfigValues values) {
        this.values = values;
    }

    /** A node entry while it is being checked: what was read, and where. */
    static final class NodeDraft {
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

    /**
     * @param nodelist the nodelist section, or null when the file has none
     * @return its node entries as read, problems reported (an empty list for no section)
     */
    List<NodeDraft> read(ConfSection nodelist) {
        List<NodeDraft> drafts = new ArrayList<>();
        if (nodelist == null) {
            return drafts;
        }
        Map<Integer, Integer> idLines = new HashMap<>();
        Map<String, Integer> nameLines = new HashMap<>();
        for (ConfSection s : nodelist.sections("node")) {
            NodeDraft d = new NodeDraft(s.line());
            OptionalInt id = values.integer(s, "nodeid", 1, Integer.MAX_VALUE, "");
            if (s.entry("nodeid").isEmpty()) {
                values.error(s.line(), "node without nodeid; expected 'nodeid: N' with N in 1.." + Integer.MAX_VALUE);
            } else if (id.isPresent()) {
                d.nodeId = id.getAsInt();
                Integer first = idLines.putIfAbsent(d.nodeId, s.entry("nodeid").get().line());
                if (first != null) {
                    values.error(s.entry("nodeid").get().line(), "nodeid " + d.nodeId + " is used twice (first at line "
                            + first + ")");
                }
            }
            for (int i = 0; i < KeyCatalog.LINKS_MAX; i++) {
                int link = i;
                String key = KeyCatalog.ringKey(link);
                values.address(s, key).ifPresent(addr -> {
                    if (addr.isLinkLocalAddress() && addr instanceof java.net.Inet6Address) {
                        // The scope (which interface) cannot be written in the nodelist, and fe80:: is on every link.
                        values.error(s.entry(key).get().line(), key + ": " + NetUtil.toAddressString(addr) + " is a link-local "
                                + "IPv6 address, which needs an interface; use a global or unique local (fd00::/8) address");
                    }
                    d.rings.put(link, addr);
                });
                s.entry(key).ifPresent(e -> {
                    d.ringLines.put(link, e.line());
                    d.ringTexts.put(link, e.value());
                });
            }
            d.name = values.text(s, "name");
            if (d.name.isPresent()) {
                Integer first = nameLines.putIfAbsent(d.name.get(), s.entry("name").get().line());
                if (first != null) {
                    values.error(s.entry("name").get().line(), "name '" + d.name.get() + "' is used twice (first at line "
                            + first + ")");
                }
            }
            if (s.entry("ring0_addr").isEmpty()) {
                values.error(s.line(), d.label() + " has no ring0_addr; every node needs one");
            }
            for (int link : d.ringLines.keySet()) {
                if (link > 0 && !d.ringLines.containsKey(link - 1)) {
                    values.error(d.ringLines.get(link), d.label() + " has " + KeyCatalog.ringKey(link) + " but no "
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
                    values.error(d.line, d.label() + " has no " + key + ", but " + ref.label() + " has one (line "
                            + ref.ringLines.get(link) + "); every node needs an address on each network");
                } else if (!refHas && nodeHas && ref.ringLines.containsKey(0)) {
                    values.error(d.ringLines.get(link), d.label() + " has " + key + ", but " + ref.label()
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
                    values.error(line, key + " " + d.ringTexts.get(link) + " is used twice (first at line " + earlier + ")");
                }
                if (first == null) {
                    first = d;
                } else if (values.family(first.rings.get(link)) != values.family(addr)) {
                    values.error(line, key + " " + d.ringTexts.get(link) + " is " + values.familyName(addr) + ", but " + key
                            + " at line " + first.ringLines.get(link) + " is " + values.familyName(first.rings.get(link))
                            + "; nodes on one network use one IP family");
                }
            }
        }
    }
}
