package dev.totem.jepsen;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Injects faults one after the other for the length of a run, each drawn from the seed: which
 * fault, on which nodes, for how long. A fault lasts 1.5 to 4 s and is followed by 1 to 2.5 s
 * without faults. A pause lasts at least 1.5 token timeouts, so the others lose the token; half
 * the pauses last 2.5 token timeouts more, past the consensus timeout of the gather that follows,
 * so the others form a ring without the paused node, which comes back to their joins naming it
 * failed queued in its sockets. Faults are followed by time without, so the ring has time to reform between them. The same seed gives the
 * same schedule; what the cluster does under it is real and not repeatable.
 */
final class Nemesis {
    /** What the nemesis acts on; each call records the fault in the run's trace. */
    interface Cluster {
        void kill(int node) throws IOException, InterruptedException;

        void restart(int node) throws IOException, InterruptedException;

        void pause(int node) throws IOException;

        void resume(int node) throws IOException;

        void partition(int[][] groups) throws IOException;

        void block(int from, int to) throws IOException;

        void loss(double share) throws IOException;

        void heal() throws IOException;

        /** {@code nodes} receive nothing on network {@code network}. */
        void cutNetwork(int network, int[] nodes) throws IOException;

        /** Every node drops {@code share} of what arrives on network {@code network}. */
        void degradeNetwork(int network, double share) throws IOException;

        /** Network {@code network} works again. */
        void mendNetwork(int network) throws IOException;

        /** SIGSTOP {@code node}'s client process (CPG layer); false when it has none running. */
        boolean stallClient(int node) throws IOException;

        /** SIGCONT the client process {@link #stallClient} stopped. */
        void resumeClient(int node) throws IOException;
    }

    /** The passing of real time, passed in so tests run the schedule on a virtual clock. */
    interface Clock {
        long nowMs();

        void sleepMs(long ms) throws InterruptedException;

        /** Wall time: the fault's length passes for real (pacing, not synchronisation). */
        Clock REAL = new Clock() {
            @Override
            public long nowMs() {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
            }

            @Override
            public void sleepMs(long ms) throws InterruptedException {
                Thread.sleep(ms);
            }
        };
    }

    private final List<FaultKind> kinds;
    private final Clock clock;
    private final int nodes;
    private final int networks;
    private final SplittableRandom random;
    private final Cluster cluster;
    private final Consumer<String> say;
    /** The shortest block of {@link FaultKind#ONEWAY} and {@link FaultKind#PARTIAL}; the longest is twice it. */
    static final long ONEWAY_MIN_MS = 20_000;
    private final long tokenTimeoutMs;
    /**
     * Whether a repaired one-way link is followed by a restart of one of its ends, drawn apart
     * from {@link #random} so that a seed's schedule of faults stays the one it was before.
     */
    private final SplittableRandom afterRepair;
    /** Whether a pause outlasts the others' consensus timeout; apart from {@link #random} too. */
    private final SplittableRandom pauseLength;
    private int injected;

    /** @param networks networks per node; {@link FaultKind#NETFAIL} needs two or more ({@link FaultKind#PARTIAL}, three nodes) */
    Nemesis(List<FaultKind> kinds, int nodes, int networks, long seed, long tokenTimeoutMs, Cluster cluster,
            Consumer<String> say, Clock clock) {
        if (kinds.contains(FaultKind.NETFAIL) && networks < 2) {
            throw new IllegalArgumentException("fault netfail needs two networks or more (--networks 2)");
        }
        if (kinds.contains(FaultKind.PARTIAL) && nodes < 3) {
            throw new IllegalArgumentException("fault partial fails two links: it needs three nodes or more (--nodes 3)");
        }
        this.kinds = List.copyOf(kinds);
        this.clock = clock;
        this.nodes = nodes;
        this.networks = networks;
        this.random = new SplittableRandom(seed);
        this.afterRepair = new SplittableRandom(seed ^ 0x5EED_0A11L);
        this.pauseLength = new SplittableRandom(seed ^ 0x5EED_9A05L);
        this.tokenTimeoutMs = tokenTimeoutMs;
        this.cluster = cluster;
        this.say = say;
    }

    /** Faults injected so far. */
    int injected() {
        return injected;
    }

    /** Injects faults until {@code durationMs} passed; each fault is over when this returns. */
    void run(long durationMs) throws IOException, InterruptedException {
        long end = clock.nowMs() + durationMs;
        while (clock.nowMs() < end) {
            FaultKind kind = kinds.get(random.nextInt(kinds.size()));
            long lastsMs = 1_500 + random.nextLong(2_500);
            switch (kind) {
                case KILL -> {
                    int n = 1 + random.nextInt(nodes);
                    say.accept("kill node " + n + " (SIGKILL), restart in " + lastsMs + " ms");
                    cluster.kill(n);
                    sleep(lastsMs);
                    say.accept("restart node " + n);
                    cluster.restart(n);
                }
                case PAUSE -> {
                    int n = 1 + random.nextInt(nodes);
                    boolean pastConsensus = pauseLength.nextBoolean();
                    // Token loss, then a gather whose consensus timeout (1.2 tokens) fails the node.
                    long ms = pastConsensus ? lastsMs + tokenTimeoutMs * 5 / 2 : Math.max(lastsMs, tokenTimeoutMs * 3 / 2);
                    say.accept("pause node " + n + " (SIGSTOP) for " + ms + " ms"
                            + (pastConsensus ? " (past the others' consensus timeout: they form a ring without it)" : ""));
                    cluster.pause(n);
                    sleep(ms);
                    say.accept("resume node " + n + " (SIGCONT)");
                    cluster.resume(n);
                }
                case PARTITION -> {
                    partition(lastsMs);
                }
                case LOSS -> {
                    double share = 0.05 + random.nextDouble() * 0.25;
                    say.accept(String.format(java.util.Locale.ROOT, "drop %.0f%% of every node's frames for %d ms",
                            share * 100, lastsMs));
                    cluster.loss(share);
                    sleep(lastsMs);
                    say.accept("loss healed");
                    cluster.loss(0);
                }
                case NETFAIL -> netfail(lastsMs);
                case ONEWAY -> {
                    if (nodes >= 2) {
                        long ms = ONEWAY_MIN_MS + random.nextLong(ONEWAY_MIN_MS);
                        int[] link = block(ms);
                        sleep(ms);
                        say.accept("heal");
                        cluster.heal();
                        if (afterRepair.nextBoolean()) {
                            // What an operator does after a repair; a node the ring holds off is let in at once.
                            int n = link[afterRepair.nextInt(2)];
                            say.accept("restart node " + n + " at once, an end of the repaired link (SIGKILL, start)");
                            cluster.kill(n);
                            cluster.restart(n);
                        }
                    }
                }
                case PARTIAL -> {
                    long ms = ONEWAY_MIN_MS + random.nextLong(ONEWAY_MIN_MS);
                    blockTwoLinks(ms);
                    sleep(ms);
                    say.accept("heal");
                    cluster.heal();
                }
                case STALL -> {
                    int n = 1 + random.nextInt(nodes);
                    if (cluster.stallClient(n)) {
                        say.accept("stall the client process of node " + n + " (SIGSTOP) for " + lastsMs + " ms");
                        sleep(lastsMs);
                        say.accept("resume the client process of node " + n + " (SIGCONT)");
                        cluster.resumeClient(n);
                    }
                }
            }
            injected++;
            sleep(1_000 + random.nextLong(1_500));
        }
    }

    private void partition(long lastsMs) throws IOException, InterruptedException {
        int shape = random.nextInt(3);
        if (shape == 2 && nodes >= 2) {
            block(lastsMs);
        } else {
            int[] order = shuffledNodes();
            int minority = shape == 1 || nodes < 3 ? 1 : 1 + random.nextInt((nodes - 1) / 2);
            int[][] groups = {sorted(Arrays.copyOfRange(order, minority, nodes)), sorted(Arrays.copyOfRange(order, 0, minority))};
            say.accept("partition " + Arrays.deepToString(groups) + " for " + lastsMs + " ms");
            cluster.partition(groups);
        }
        sleep(lastsMs);
        say.accept("heal");
        cluster.heal();
    }

    /** Blocks frames from one node to another; the caller heals. */
    /** @return the link blocked: from, to */
    private int[] block(long lastsMs) throws IOException {
        int from = 1 + random.nextInt(nodes);
        int to = 1 + (from + random.nextInt(nodes - 1)) % nodes;
        say.accept("block frames from node " + from + " to node " + to + " (one way) for " + lastsMs + " ms");
        cluster.block(from, to);
        return new int[] {from, to};
    }

    /** Two distinct links (node pairs) fail, each one way or both ways. */
    private void blockTwoLinks(long lastsMs) throws IOException {
        int a = 1 + random.nextInt(nodes);
        int b = 1 + (a + random.nextInt(nodes - 1)) % nodes;
        int c;
        int d;
        do {
            c = 1 + random.nextInt(nodes);
            d = 1 + (c + random.nextInt(nodes - 1)) % nodes;
        } while (Math.min(a, b) == Math.min(c, d) && Math.max(a, b) == Math.max(c, d));
        boolean abBoth = random.nextBoolean();
        boolean cdBoth = random.nextBoolean();
        say.accept("block frames from node " + a + " to node " + b + (abBoth ? " (both ways)" : " (one way)") + " and from node "
                + c + " to node " + d + (cdBoth ? " (both ways)" : " (one way)") + " for " + lastsMs + " ms");
        cluster.block(a, b);
        if (abBoth) {
            cluster.block(b, a);
        }
        cluster.block(c, d);
        if (cdBoth) {
            cluster.block(d, c);
        }
    }

    private void netfail(long lastsMs) throws IOException, InterruptedException {
        int network = random.nextInt(networks);
        switch (random.nextInt(3)) {
            case 0 -> {
                say.accept("cut network " + network + " for " + lastsMs + " ms");
                cluster.cutNetwork(network, IntStream.rangeClosed(1, nodes).toArray());
            }
            case 1 -> {
                int n = 1 + random.nextInt(nodes);
                say.accept("node " + n + " receives nothing on network " + network + " for " + lastsMs + " ms");
                cluster.cutNetwork(network, new int[] {n});
            }
            default -> {
                double share = 0.05 + random.nextDouble() * 0.25;
                say.accept(String.format(java.util.Locale.ROOT, "drop %.0f%% of network %d's frames for %d ms", share * 100,
                        network, lastsMs));
                cluster.degradeNetwork(network, share);
            }
        }
        sleep(lastsMs);
        say.accept("network " + network + " mended");
        cluster.mendNetwork(network);
    }

    private int[] shuffledNodes() {
        List<Integer> all = new ArrayList<>();
        for (int n = 1; n <= nodes; n++) {
            all.add(n);
        }
        int[] order = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            order[i] = all.remove(random.nextInt(all.size()));
        }
        return order;
    }

    private static int[] sorted(int[] a) {
        Arrays.sort(a);
        return a;
    }

    private void sleep(long ms) throws InterruptedException {
        clock.sleepMs(ms);
    }
}
