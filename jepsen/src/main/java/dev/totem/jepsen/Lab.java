package dev.totem.jepsen;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's networks: one namespace per node ({@code totem-j1}, {@code totem-j2}, ...), each with
 * one interface per network, {@code eth<k>} at {@code 10.<77+k>.0.<node>/24} (or, over IPv6,
 * {@code fd77:<k>::<node>/64}: {@link IpFamily}), network k's joined
 * by bridge {@code br<k>} inside a hub namespace ({@code totem-jhub}), so nothing of ours is added
 * to the host's own namespace.
 * Deleting the namespaces deletes the interfaces, the bridge and the nftables rules with them;
 * the processes inside are killed first.
 */
public final class Lab {
    /** Every namespace of ours starts with this; leftovers are found by it. */
    public static final String PREFIX = "totem-j";
    static final String HUB = PREFIX + "hub";
    /** Most networks a run builds (a redundant ring over them). */
    public static final int NETWORKS_MAX = 4;

    private final int nodes;

    private Lab(int nodes) {
        this.nodes = nodes;
    }

    /** The namespace of {@code node}. */
    public static String namespace(int node) {
        return PREFIX + node;
    }

    /** The interface of network {@code network} inside a node's namespace. */
    public static String device(int network) {
        return "eth" + network;
    }

    /**
     * Builds the lab for nodes 1 to {@code nodes} on {@code networks} networks of {@code family}.
     *
     * @throws IOException when a namespace or link cannot be made (not root, no iproute2, or
     *     leftovers of an earlier run: see {@link #leftovers()})
     */
    public static Lab create(int nodes, int networks, IpFamily family) throws IOException {
        if (networks < 1 || networks > NETWORKS_MAX) {
            throw new IllegalArgumentException("networks must be 1 to " + NETWORKS_MAX + ", got " + networks);
        }
        Lab lab = new Lab(nodes);
        try {
            Shell.run("ip", "netns", "add", HUB);
            for (int k = 0; k < networks; k++) {
                Shell.run("ip", "-n", HUB, "link", "add", "br" + k, "type", "bridge");
                Shell.run("ip", "-n", HUB, "link", "set", "br" + k, "up");
            }
            for (int n = 1; n <= nodes; n++) {
                String ns = namespace(n);
                Shell.run("ip", "netns", "add", ns);
                for (int k = 0; k < networks; k++) {
                    String hubSide = "tj" + k + "h" + n;
                    Shell.run("ip", "link", "add", hubSide, "netns", HUB, "type", "veth", "peer", "name", device(k), "netns", ns);
                    Shell.run("ip", "-n", HUB, "link", "set", hubSide, "master", "br" + k, "up");
                    String address = family.address(k, n) + "/" + family.prefixBits();
                    if (family == IpFamily.IPV6) {
                        // Without duplicate detection the address is usable at once, not seconds later.
                        Shell.run("ip", "-n", ns, "addr", "add", address, "dev", device(k), "nodad");
                    } else {
                        Shell.run("ip", "-n", ns, "addr", "add", address, "dev", device(k));
                    }
                    Shell.run("ip", "-n", ns, "link", "set", device(k), "up");
                }
                Shell.run("ip", "-n", ns, "link", "set", "lo", "up");
            }
        } catch (IOException | RuntimeException e) {
            removeAll();
            throw e;
        }
        return lab;
    }

    /** Number of nodes. */
    public int nodes() {
        return nodes;
    }

    /** Namespaces of ours that exist now (from this run or an earlier one). */
    public static List<String> leftovers() throws IOException {
        Shell.Result r = Shell.tryRun(null, "ip", "netns", "list");
        if (r.exitCode() != 0) {
            throw new IOException("'ip netns list' failed: " + r.error().strip());
        }
        List<String> ours = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            String name = line.strip().split(" ")[0];
            if (name.startsWith(PREFIX)) {
                ours.add(name);
            }
        }
        return ours;
    }

    /**
     * Kills every process inside our namespaces and deletes the namespaces (with their links,
     * bridge and rules). Returns what it removed; safe to call when nothing is there.
     */
    public static List<String> removeAll() throws IOException {
        List<String> removed = new ArrayList<>();
        for (String ns : leftovers()) {
            String pids = Shell.tryRun(null, "ip", "netns", "pids", ns).output().strip();
            if (!pids.isEmpty()) {
                List<String> kill = new ArrayList<>(List.of("kill", "-KILL"));
                kill.addAll(List.of(pids.split("\\s+")));
                Shell.tryRun(null, kill.toArray(String[]::new));
                removed.add(ns + " (killed processes " + pids.replace('\n', ' ') + ")");
            } else {
                removed.add(ns);
            }
            Shell.run("ip", "netns", "del", ns);
        }
        return removed;
    }
}
