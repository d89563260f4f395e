package dev.totem.jepsen;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The packet filter of each node namespace: an nftables table {@code inet totemj} whose input
 * chain drops what the current faults say (the kernel here has no netem, so loss is a random
 * drop rule too). Each change rewrites a node's chain in one atomic {@code nft -f}.
 */
final class Firewall {
    private static final String TABLE = "inet totemj";

    /** Loads a node's script; {@link #NFT} runs {@code nft -f -} in the node's namespace. */
    interface Loader {
        void load(int node, String script) throws IOException;
    }

    static final Loader NFT = (node, script) ->
            Shell.runWithInput(script, "ip", "netns", "exec", Lab.namespace(node), "nft", "-f", "-");

    private final int nodes;
    private final int networks;
    private final IpFamily family;
    private final Loader loader;
    /** Per node: the nodes whose frames it drops (on every network). */
    private final TreeSet<Integer>[] dropFrom;
    /** Per node: the networks on which it receives nothing. */
    private final TreeSet<Integer>[] cutNetworks;
    /** Share of incoming UDP frames every node drops, 0 to 1. */
    private double loss;
    /** Share every node drops whatever the faults (at least): the run's base loss. */
    private double baseLoss;
    /** Per network: share of its incoming UDP frames every node drops, 0 to 1. */
    private final double[] networkLoss;

    @SuppressWarnings("unchecked")
    Firewall(int nodes, int networks, IpFamily family, Loader loader) {
        this.family = family;
        this.nodes = nodes;
        this.networks = networks;
        this.loader = loader;
        this.dropFrom = new TreeSet[nodes + 1];
        this.cutNetworks = new TreeSet[nodes + 1];
        this.networkLoss = new double[networks];
        for (int n = 1; n <= nodes; n++) {
            dropFrom[n] = new TreeSet<>();
            cutNetworks[n] = new TreeSet<>();
        }
    }

    /** Splits the nodes into {@code groups}: each drops frames from every node outside its group. */
    void partition(int[][] groups) throws IOException {
        for (int n = 1; n <= nodes; n++) {
            dropFrom[n].clear();
        }
        for (int[] group : groups) {
            for (int n : group) {
                for (int m = 1; m <= nodes; m++) {
                    int other = m;
                    if (Arrays.stream(group).noneMatch(x -> x == other)) {
                        dropFrom[n].add(m);
                    }
                }
            }
        }
        applyAll();
    }

    /** Frames from {@code from} to {@code to} are dropped; the other direction still flows. */
    void block(int from, int to) throws IOException {
        dropFrom[to].add(from);
        apply(to);
    }

    /** Every node drops this share of incoming UDP frames. */
    void loss(double share) throws IOException {
        this.loss = share;
        applyAll();
    }

    /** {@code cut} nodes receive nothing on network {@code network} (what they send still leaves). */
    void cutNetwork(int network, int[] cut) throws IOException {
        for (int n : cut) {
            cutNetworks[n].add(network);
            apply(n);
        }
    }

    /** Every node drops this share of what arrives on network {@code network}. */
    void degradeNetwork(int network, double share) throws IOException {
        networkLoss[network] = share;
        applyAll();
    }

    /** Network {@code network} carries every frame to every node again. */
    void mendNetwork(int network) throws IOException {
        networkLoss[network] = 0;
        for (int n = 1; n <= nodes; n++) {
            cutNetworks[n].remove(network);
        }
        applyAll();
    }

    /** Every node drops at least this share of incoming UDP frames until set back to 0; {@link #heal} keeps it. */
    void baseLoss(double share) throws IOException {
        this.baseLoss = share;
        applyAll();
    }

    /** Lifts every partition, block, loss, cut and degraded network (not the base loss). */
    void heal() throws IOException {
        for (int n = 1; n <= nodes; n++) {
            dropFrom[n].clear();
            cutNetworks[n].clear();
        }
        loss = 0;
        Arrays.fill(networkLoss, 0);
        applyAll();
    }

    private void applyAll() throws IOException {
        for (int n = 1; n <= nodes; n++) {
            apply(n);
        }
    }

    private void apply(int node) throws IOException {
        loader.load(node, script(node));
    }

    /** The nft script that sets {@code node}'s input chain to the current faults. */
    String script(int node) {
        StringBuilder script = new StringBuilder();
        script.append("add table ").append(TABLE).append('\n');
        script.append("add chain ").append(TABLE).append(" input { type filter hook input priority 0 ; policy accept ; }\n");
        script.append("flush chain ").append(TABLE).append(" input\n");
        for (int network : cutNetworks[node]) {
            script.append("add rule ").append(TABLE).append(" input iifname \"").append(Lab.device(network)).append("\" drop\n");
        }
        for (int k = 0; k < networks; k++) {
            int perMille = (int) Math.round(networkLoss[k] * 1000);
            if (perMille > 0) {
                script.append(String.format(Locale.ROOT,
                        "add rule %s input iifname \"%s\" meta l4proto udp numgen random mod 1000 < %d drop%n", TABLE,
                        Lab.device(k), perMille));
            }
        }
        if (!dropFrom[node].isEmpty()) {
            StringBuilder set = new StringBuilder();
            for (int from : dropFrom[node]) {
                for (int k = 0; k < networks; k++) {
                    set.append(set.length() == 0 ? "" : ", ").append(family.address(k, from));
                }
            }
            script.append("add rule ").append(TABLE).append(" input ").append(family.nftSourceMatch()).append(" { ")
                    .append(set).append(" } drop\n");
        }
        int perMille = (int) Math.round(Math.max(loss, baseLoss) * 1000);
        if (perMille > 0) {
            script.append(String.format(Locale.ROOT, "add rule %s input meta l4proto udp numgen random mod 1000 < %d drop%n",
                    TABLE, perMille));
        }
        return script.toString();
    }
}
