package dev.totem.node.runtime;

import io.netty.util.NetUtil;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What reloading the configuration file changes on a running node (corosync-cfgtool -R): the
 * nodelist is taken at once, every network's peers, so that a node can be added to or removed
 * from a running cluster; so are the {@code uidgid} sections (who may use the CPG socket) and,
 * as corosync re-reads them, the totem section's timeouts, constants, {@code window_size} and
 * {@code max_messages} ({@link dev.totem.protocol.api.TotemConfig#withTunablesOf}). Anything
 * else the file changed is named and waits for a restart, as the sockets, the buffers and the
 * CPG service were built from it.
 *
 * @param applied the running settings with the reloaded peers, CPG peer policy and tunables
 * @param added nodes the reloaded nodelist lists and the running one did not
 * @param removed nodes the running nodelist lists and the reloaded one does not
 * @param moved nodes listed in both at another address or port on some network
 * @param newIpcAccess whether the {@code uidgid} sections changed who may use the CPG socket
 * @param tuned each tunable that changed, as {@code name old -> new} (the file's name), in record order
 * @param waiting each other change, as {@code name old -> new} (the file's name where there is
 *     one, else the setting's path), in record order
 */
public record SettingsReload(RuntimeSettings applied, Set<Integer> added, Set<Integer> removed, Set<Integer> moved,
        boolean newIpcAccess, List<String> tuned, List<String> waiting) {

    /**
     * The file's names for the settings an operator edits, so that the answer reads as the file
     * does; any other setting is named by its path in {@link RuntimeSettings}.
     */
    private static final Map<String, String> FILE_NAMES = Map.ofEntries(
            Map.entry("transport", "totem.transport"),
            Map.entry("bindAddress", "ring0_addr of this node"),
            Map.entry("port", "unicast port (mcastport)"),
            Map.entry("mcastGroup", "mcastaddr"),
            Map.entry("mcastPort", "mcastport"),
            Map.entry("ttl", "ttl"),
            Map.entry("rrpMode", "totem.rrp_mode"),
            Map.entry("realTimeScheduling", "system.sched_rr"),
            Map.entry("nice", "system.priority"),
            Map.entry("crypto", "totem.crypto_cipher"),
            Map.entry("crypto.cipher", "totem.crypto_cipher"),
            Map.entry("crypto.keyFile", "totem.keyfile"),
            Map.entry("crypto.clusterName", "totem.cluster_name"),
            Map.entry("totemConfig.tokenTimeoutMs", "totem.token"),
            Map.entry("totemConfig.tokenRetransmitMs", "totem.token_retransmit"),
            Map.entry("totemConfig.holdMs", "totem.hold"),
            Map.entry("totemConfig.joinMs", "totem.join"),
            Map.entry("totemConfig.consensusMs", "totem.consensus"),
            Map.entry("totemConfig.mergeMs", "totem.merge"),
            Map.entry("totemConfig.failRecvConst", "totem.fail_recv_const"),
            Map.entry("totemConfig.seqnoUnchangedConst", "totem.seqno_unchanged_const"),
            Map.entry("totemConfig.windowSize", "totem.window_size"),
            Map.entry("totemConfig.maxMessages", "totem.max_messages"),
            Map.entry("totemConfig.missCountConst", "totem.miss_count_const"),
            Map.entry("totemConfig.frameBytesMax", "frame bytes (totem.netmtu)"),
            Map.entry("totemConfig.sendQueueFramesMax", "send queue frames (totem.netmtu)"));

    /** Reports at most this many waiting changes in the answer line; the log has them all. */
    static final int WAITING_SHOWN_MAX = 4;

    public SettingsReload {
        Objects.requireNonNull(applied, "applied");
        added = Set.copyOf(added);
        removed = Set.copyOf(removed);
        moved = Set.copyOf(moved);
        tuned = List.copyOf(tuned);
        waiting = List.copyOf(waiting);
    }

    /**
     * Compares the settings a node runs with and those read again from its file.
     *
     * @throws IllegalArgumentException when {@code read} has another number of networks (the
     *     peers cannot be matched network by network), or a window the running sort queue cannot hold
     */
    public static SettingsReload between(RuntimeSettings running, RuntimeSettings read) {
        RuntimeSettings applied = running.withPeersOf(read).withCpgPeerPolicyOf(read).withTunablesOf(read);
        boolean newIpcAccess = !applied.cpg().equals(running.cpg());
        Set<Integer> added = new TreeSet<>();
        Set<Integer> removed = new TreeSet<>();
        Set<Integer> moved = new TreeSet<>();
        List<NetworkSettings> before = running.networks();
        List<NetworkSettings> after = applied.networks();
        for (int i = 0; i < before.size(); i++) {
            Map<Integer, InetSocketAddress> was = before.get(i).peers();
            Map<Integer, InetSocketAddress> is = after.get(i).peers();
            for (Map.Entry<Integer, InetSocketAddress> e : is.entrySet()) {
                InetSocketAddress old = was.get(e.getKey());
                if (old == null) {
                    added.add(e.getKey());
                } else if (!old.equals(e.getValue())) {
                    moved.add(e.getKey());
                }
            }
            for (Integer id : was.keySet()) {
                if (!is.containsKey(id)) {
                    removed.add(id);
                }
            }
        }
        List<String> tuned = new ArrayList<>();
        differences("totemConfig.", running.totemConfig(), applied.totemConfig(), tuned);
        List<String> waiting = new ArrayList<>();
        // Component by component, by reflection, so that a field added to the settings later is
        // compared too rather than silently taken as unchanged; FILE_NAMES names them as the file does.
        differences("", applied, read, waiting);
        return new SettingsReload(applied, added, removed, moved, newIpcAccess, tuned, waiting);
    }

    /** Whether the peers of some network change. */
    public boolean changesPeers() {
        return !added.isEmpty() || !removed.isEmpty() || !moved.isEmpty();
    }

    /** Whether anything is applied: the peers, the CPG peer policy or the tunables. */
    public boolean changesAnything() {
        return changesPeers() || newIpcAccess || !tuned.isEmpty();
    }

    /**
     * One line for the operator: what was applied, then what waits for a restart, e.g.
     * {@code ok nodelist: added 4; totem: totem.token 3650 -> 4300, totem.consensus 4380 -> 5160;
     * waiting for a restart: frame bytes (totem.netmtu) 1472 -> 8972}.
     */
    public String describe() {
        StringBuilder line = new StringBuilder("ok nodelist: ");
        if (!changesPeers()) {
            line.append("unchanged");
        } else {
            List<String> parts = new ArrayList<>();
            if (!added.isEmpty()) {
                parts.add("added " + ids(added));
            }
            if (!removed.isEmpty()) {
                parts.add("removed " + ids(removed));
            }
            if (!moved.isEmpty()) {
                parts.add("new addresses for " + ids(moved));
            }
            line.append(String.join(", ", parts));
        }
        if (newIpcAccess) {
            line.append("; uidgid: new users and groups for the CPG socket");
        }
        if (!tuned.isEmpty()) {
            line.append("; totem: ").append(String.join(", ", tuned));
        }
        if (!waiting.isEmpty()) {
            line.append("; waiting for a restart: ").append(String.join(", ", waiting.subList(0,
                    Math.min(WAITING_SHOWN_MAX, waiting.size()))));
            if (waiting.size() > WAITING_SHOWN_MAX) {
                line.append(" and ").append(waiting.size() - WAITING_SHOWN_MAX).append(" more (in the node's log)");
            }
        }
        return line.toString();
    }

    private static String ids(Set<Integer> ids) {
        return ids.stream().map(String::valueOf).reduce((a, b) -> a + " " + b).orElse("");
    }

    /** Appends {@code prefix + name old -> new} for each component of two records that differs, into nested records. */
    private static void differences(String prefix, Record was, Record is, List<String> out) {
        for (RecordComponent c : was.getClass().getRecordComponents()) {
            String name = prefix + c.getName();
            if (was instanceof CryptoSetup && c.getName().equals("key")) {
                continue; // the key file's content: ./totem crypto reload rotates to a new key
            }
            Object a = value(c, was);
            Object b = value(c, is);
            if (a instanceof Optional<?> oa && b instanceof Optional<?> ob && oa.isPresent() && ob.isPresent()) {
                a = oa.get();
                b = ob.get();
            }
            if (Objects.equals(a, b)) {
                continue;
            }
            if (a instanceof Record ra && b != null && a.getClass() == b.getClass()) {
                differences(name + ".", ra, (Record) b, out);
            } else if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()) {
                for (int i = 0; i < la.size(); i++) {
                    Object x = la.get(i);
                    Object y = lb.get(i);
                    if (x instanceof Record rx && y instanceof Record ry && x.getClass() == y.getClass()) {
                        differences(name + "[" + i + "].", rx, ry, out);
                    } else if (!Objects.equals(x, y)) {
                        out.add(name + "[" + i + "] " + show(x) + " -> " + show(y));
                    }
                }
            } else {
                out.add(FILE_NAMES.getOrDefault(name, name) + " " + show(a) + " -> " + show(b));
            }
        }
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getSimpleName(), e);
        }
    }

    private static String show(Object v) {
        if (v instanceof InetAddress a) {
            return NetUtil.toAddressString(a);
        }
        if (v instanceof CryptoSetup c) {
            return c.cipher().name(); // never the key
        }
        if (v instanceof Optional<?> o) {
            return o.map(SettingsReload::show).orElse("none");
        }
        return String.valueOf(v);
    }
}
