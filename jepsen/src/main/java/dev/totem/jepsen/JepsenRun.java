package dev.totem.jepsen;

import dev.totem.membership.TotemProcessor;
import dev.totem.node.config.ClusterFile;
import dev.totem.node.config.NodeConfig;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.check.CpgChecker;
import dev.totem.simulator.check.EvsChecker;
import dev.totem.simulator.check.Violation;
import dev.totem.simulator.run.Layer;
import dev.totem.simulator.trace.TraceSink;
import dev.totem.simulator.trace.TraceWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * One Jepsen run: builds the lab (a namespace per node), starts a node process in each, lets the
 * {@link Nemesis} inject faults, heals everything, waits for one configuration, stops the
 * workload with a final marker per node, gathers the processes' traces into one history in the
 * simulator's format and judges it with the same {@link EvsChecker}. Everything it made is
 * removed at the end, also when it fails or is interrupted.
 */
public final class JepsenRun {
    /** How long the ring may take to form at the start, and to converge after the faults. */
    static final long CONVERGE_TIMEOUT_MS = 90_000;
    /**
     * How long the nodes may take to be in one ring after the faults: {@link #CONVERGE_TIMEOUT_MS},
     * or the longest merge hold-off and two consensus timeouts when longer (the simulator's
     * repair-merge bound): a hold begun just before the heal runs its course. At 8 nodes and more
     * the longest hold alone is over 90 s (94 s at 8), so a run with link faults could otherwise
     * end before a merge the protocol is entitled to delay.
     */
    static long mergeWaitMs(TotemConfig totem) {
        return Math.max(CONVERGE_TIMEOUT_MS, TotemProcessor.repairMergeBoundNanos(totem) / 1_000_000 + 10_000);
    }

    private long mergeWaitMs = CONVERGE_TIMEOUT_MS;
    /** Workload kept running once the cluster converged, so liveness has messages to judge. */
    static final long QUIET_WORKLOAD_MS = 2_000;
    /** The token the cluster file gives; the nodes scale it by their count (read back from the file). */
    static final long TOKEN_TIMEOUT_MS = 1_000;

    /**
     * What to run.
     *
     * @param nodes number of nodes, 2 to 16
     * @param durationSeconds how long faults are injected
     * @param faults the faults to draw from
     * @param seed the nemesis's seed
     * @param dir where configuration, traces, logs and the timeline go (exists)
     * @param keyFile the cluster's key (mode 0400)
     * @param nodeCommand the command that runs {@code jepsen-node} (java, class path, main class,
     *     subcommand); the run appends the node's options
     * @param rate messages each node submits per second
     * @param plantedBug every node's processor skips recovery, to show the checker catches it
     * @param networks networks per node, 1 to {@link Lab#NETWORKS_MAX}; with two or more the nodes
     *     run a redundant ring over them
     * @param rrpMode {@code passive} or {@code active}, for two networks or more
     * @param baseLoss share of incoming frames every node drops all through the faults (0 to 0.5),
     *     so that membership changes find members holding different frames
     * @param layer {@code ENGINE}: each node submits raw messages; {@code CPG}: each node runs the
     *     CPG service with processes in groups inside it and a client process over its socket
     *     ({@link CpgWorkload}, {@link JepsenClient}), checked by {@link CpgChecker} too
     * @param clientCommand with CPG, the command that runs {@code jepsen-client}, as {@code
     *     nodeCommand}
     * @param family the networks' IP family ({@code --ipv6})
     * @param transport {@code udpu} (a datagram per peer) or {@code udp} (multicast to the family's
     *     group, {@link IpFamily#mcastGroup}, plus the network's number on the others)
     */
    public record Options(int nodes, int durationSeconds, List<FaultKind> faults, long seed, Path dir, Path keyFile,
            List<String> nodeCommand, int rate, boolean plantedBug, int networks, String rrpMode, double baseLoss,
            Layer layer, List<String> clientCommand, IpFamily family, String transport) {
        public Options {
            if (nodes < 2 || nodes > 16) {
                throw new IllegalArgumentException("--nodes must be 2 to 16, got " + nodes);
            }
            if (durationSeconds < 1) {
                throw new IllegalArgumentException("--duration must be at least 1 second, got " + durationSeconds);
            }
            if (networks < 1 || networks > Lab.NETWORKS_MAX) {
                throw new IllegalArgumentException("--networks must be 1 to " + Lab.NETWORKS_MAX + ", got " + networks);
            }
            if (!rrpMode.equals("passive") && !rrpMode.equals("active")) {
                throw new IllegalArgumentException("--rrp must be passive or active, got '" + rrpMode + "'");
            }
            if (!(baseLoss >= 0 && baseLoss <= 0.5)) {
                throw new IllegalArgumentException("--base-loss must be 0 to 0.5, got " + baseLoss);
            }
            if (faults.contains(FaultKind.NETFAIL) && networks < 2) {
                throw new IllegalArgumentException("fault netfail needs two networks or more (--networks 2)");
            }
            if (!transport.equals("udpu") && !transport.equals("udp")) {
                throw new IllegalArgumentException("--transport must be udpu or udp, got '" + transport + "'");
            }
            if (faults.contains(FaultKind.STALL) && layer != Layer.CPG) {
                throw new IllegalArgumentException("fault stall stops CPG client processes: it needs --layer cpg");
            }
            faults = List.copyOf(faults);
            clientCommand = List.copyOf(clientCommand);
            java.util.Objects.requireNonNull(family, "family");
        }

        /** Whether one network failing at a time is the only fault: then no configuration may change. */
        boolean networksFailOnly() {
            return faults.equals(List.of(FaultKind.NETFAIL));
        }
    }

    /**
     * What the run found.
     *
     * @param faults faults injected
     * @param submitted messages the nodes submitted
     * @param delivered deliveries over all nodes
     * @param violations what the checker found, by property in the checker's order
     * @param history the merged trace
     */
    public record Outcome(int faults, long submitted, long delivered, List<Violation> violations, Path history) {}

    private final Options options;
    private final Consumer<String> say;
    private final NodeProcess[] processes;
    private final int[] incarnations;
    /** With CPG, the nodes' client processes (from the first ring on). */
    private volatile ClientProcesses clients;
    private final List<Path> traces = new ArrayList<>();
    private RunClock clock;
    private TraceWriter trace;
    private BufferedWriter traceFile;
    private Firewall firewall;
    private Path config;
    private long epochMicros;
    /** When the nemesis began, on the run's clock. */
    private long faultsBeganMicros;

    public JepsenRun(Options options, Consumer<String> say) {
        this.options = options;
        this.say = say;
        this.processes = new NodeProcess[options.nodes() + 1];
        this.incarnations = new int[options.nodes() + 1];
    }

    /** Where a node of the CPG layer serves its socket, given its state directory. */
    public static Path cpgSocket(Path stateDir) {
        return stateDir.resolve("cpg.sock");
    }

    /**
     * Runs it. The caller has checked for leftovers ({@link Lab#leftovers()}).
     *
     * @throws IOException when the lab cannot be built or a process cannot be started
     */
    public Outcome run() throws IOException, InterruptedException {
        Thread cleanup = new Thread(this::cleanUp, "jepsen-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return runInLab();
        } finally {
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs cleanUp too
            }
        }
    }

    private Outcome runInLab() throws IOException, InterruptedException {
        int n = options.nodes();
        List<Map<Integer, String>> rings = new ArrayList<>();
        for (int k = 0; k < options.networks(); k++) {
            Map<Integer, String> addresses = new TreeMap<>();
            for (int node = 1; node <= n; node++) {
                addresses.put(node, options.family().address(k, node));
            }
            rings.add(addresses);
        }
        Map<String, String> totemOptions = options.networks() > 1 ? Map.of("rrp_mode", options.rrpMode()) : Map.of();
        // Corosync's port: each node has its own address, so they share it (and the group, over udp).
        Optional<String> group = options.transport().equals("udp") ? Optional.of(options.family().mcastGroup()) : Optional.empty();
        config = new ClusterFile("jepsen", options.transport(), rings.get(0), 5405, group, TOKEN_TIMEOUT_MS,
                Optional.of(options.keyFile()), totemOptions).withMoreRings(rings.subList(1, rings.size()))
                .write(options.dir().resolve("totem.conf"));
        // The nodes scale the file's token by their count (corosync's token_coefficient): 2950 ms at 5.
        TotemConfig totem = NodeConfig.load(config).orElseThrow().totem();
        long tokenTimeoutMs = totem.tokenTimeoutMs();
        mergeWaitMs = mergeWaitMs(totem);
        say.accept("building " + n + " network namespaces (" + Lab.PREFIX + "1.." + n + ", " + options.networks()
                + (options.networks() > 1 ? " networks, rrp " + options.rrpMode() : " network")
                + (options.family() == IpFamily.IPV6 ? " of IPv6" : "") + ", " + options.transport()
                + group.map(g -> " to " + g + (options.networks() > 1 ? " (+k on network k)" : "")).orElse("")
                + ", bridges in " + Lab.HUB + ")");
        Lab.create(n, options.networks(), options.family());
        firewall = new Firewall(n, options.networks(), options.family(), Firewall.NFT);
        firewall.heal();
        epochMicros = RunClock.wallMicros();
        clock = new RunClock(epochMicros);
        Path nemesisTrace = options.dir().resolve("nemesis.jsonl");
        traces.add(nemesisTrace);
        traceFile = Files.newBufferedWriter(nemesisTrace, StandardCharsets.UTF_8);
        trace = new TraceWriter(TraceSink.writer(traceFile));
        for (int node = 1; node <= n; node++) {
            int id = node;
            global(t -> trace.start(t, id));
            launch(node);
        }
        long formStart = System.nanoTime();
        if (!await(this::converged, CONVERGE_TIMEOUT_MS)) {
            throw new IOException("the first ring of " + n + " nodes did not form in " + CONVERGE_TIMEOUT_MS / 1000
                    + " s; node logs are in " + options.dir());
        }
        say.accept(String.format(Locale.ROOT, "ring of %d formed in %.1f s; faults for %d s (seed %d): %s", n,
                (System.nanoTime() - formStart) / 1e9, options.durationSeconds(), options.seed(), faultNames()));
        if (options.layer() == Layer.CPG) {
            ClientProcesses c = new ClientProcesses(options, epochMicros, node -> processes[node].alive(), say);
            synchronized (this) {
                clients = c;
            }
            c.start();
        }
        Faults faults = new Faults();
        Nemesis nemesis = new Nemesis(options.faults(), n, options.networks(), options.seed(), tokenTimeoutMs, faults,
                say, Nemesis.Clock.REAL);
        faultsBeganMicros = clock.nowNanos() / 1_000;
        if (options.baseLoss() > 0) {
            faults.baseLoss(options.baseLoss());
        }
        nemesis.run(TimeUnit.SECONDS.toMillis(options.durationSeconds()));
        if (options.baseLoss() > 0) {
            faults.baseLoss(0);
        }
        say.accept("faults over (" + nemesis.injected() + " injected); waiting for one ring of all " + n + " nodes");
        long healStart = System.nanoTime();
        boolean converged = await(this::converged, mergeWaitMs);
        say.accept(converged
                ? String.format(Locale.ROOT, "converged in %.1f s: %s", (System.nanoTime() - healStart) / 1e9, processes[1].lastRegular())
                : "no single ring after " + mergeWaitMs / 1000 + " s; the checker will say why");
        if (options.layer() == Layer.CPG) {
            endCpg();
        } else {
            synchronized (this) {
                trace.quiet(clock.nowNanos());
            }
            Thread.sleep(QUIET_WORKLOAD_MS); // more workload in the converged ring: pacing, not synchronisation
            for (int node = 1; node <= n; node++) {
                processes[node].command("fin");
            }
            if (!await(this::finsDelivered, CONVERGE_TIMEOUT_MS)) {
                say.accept("not every node delivered every final marker; the checker will say why");
            }
        }
        List<NodeProcess> all = runningProcesses();
        for (NodeProcess p : all) {
            p.command("freeze");
        }
        await(() -> all.stream().allMatch(p -> p.frozen() || !p.alive()), 10_000);
        for (NodeProcess p : all) {
            p.kill();
        }
        synchronized (this) {
            traceFile.close();
        }
        return judge(nemesis.injected());
    }

    /**
     * The end of a CPG run: the workload stops and every node settles (no join or leave on the
     * way), so the late messages that follow come after every membership change in the total
     * order; then the quiet point, and every process's late messages, until each process
     * delivered those of all members of its views.
     */
    private void endCpg() throws IOException, InterruptedException {
        clients.stopReplacing();
        for (NodeProcess p : runningProcesses()) {
            p.command("stop");
        }
        if (!await(() -> allSaid(NodeProcess::settled), CONVERGE_TIMEOUT_MS)) {
            say.accept("not every node settled its processes' joins and leaves; the checker will say why");
        }
        synchronized (this) {
            trace.quiet(clock.nowNanos());
        }
        for (NodeProcess p : runningProcesses()) {
            p.command("fin");
        }
        if (!await(() -> allSaid(NodeProcess::lateDone), CONVERGE_TIMEOUT_MS)) {
            say.accept("not every process delivered every late message of its groups; the checker will say why");
        }
    }

    /** The node processes, and with the CPG layer the client processes that run. */
    private List<NodeProcess> runningProcesses() {
        List<NodeProcess> out = new ArrayList<>(Arrays.asList(processes).subList(1, options.nodes() + 1));
        if (clients != null) {
            out.addAll(clients.running());
        }
        return out;
    }

    /** Whether every node process said it, and every client process that runs. */
    private boolean allSaid(Predicate<NodeProcess> said) {
        for (int node = 1; node <= options.nodes(); node++) {
            if (!said.test(processes[node])) {
                return false;
            }
        }
        return clients.allSaid(said);
    }

    private Outcome judge(int faults) throws IOException {
        List<Path> all = new ArrayList<>(traces);
        int clientProcesses = 0;
        if (clients != null) {
            all.addAll(clients.traces());
            clientProcesses = clients.traces().size();
        }
        return HistoryJudge.judge(options, all, faultsBeganMicros, clientProcesses, faults, say);
    }

    private String faultNames() {
        return String.join(",", options.faults().stream().map(FaultKind::cliName).toList());
    }

    private void launch(int node) throws IOException {
        int incarnation = incarnations[node]++;
        Path nodeTrace = options.dir().resolve("node" + node + "." + incarnation + ".jsonl");
        traces.add(nodeTrace);
        List<String> cmd = new ArrayList<>(options.nodeCommand());
        cmd.addAll(List.of("-c", config.toString(), "--nodeid", Integer.toString(node),
                "--state-dir", options.dir().resolve("state" + node).toString(),
                "--incarnation", Integer.toString(incarnation), "--epoch-micros", Long.toString(epochMicros),
                "--trace", nodeTrace.toString(), "--rate", Integer.toString(options.rate()),
                "--seed", Long.toString(options.seed())));
        if (options.plantedBug()) {
            cmd.addAll(List.of("--planted-bug", "skip-recovery"));
        }
        if (options.layer() == Layer.CPG) {
            cmd.addAll(List.of("--layer", "cpg"));
        }
        processes[node] = NodeProcess.start(node, incarnation, cmd, nodeTrace,
                options.dir().resolve("node" + node + "." + incarnation + ".log"));
    }

    private boolean converged() {
        String first = null;
        for (int node = 1; node <= options.nodes(); node++) {
            String r = processes[node] == null ? "" : processes[node].lastRegular();
            if (!r.startsWith(allMembers()) || (first != null && !first.equals(r))) {
                return false;
            }
            first = r;
        }
        return true;
    }

    private String allMembers() {
        StringBuilder b = new StringBuilder("[");
        for (int node = 1; node <= options.nodes(); node++) {
            b.append(node == 1 ? "" : ", ").append(node);
        }
        return b.append("] ").toString();
    }

    private boolean finsDelivered() {
        for (int node = 1; node <= options.nodes(); node++) {
            if (processes[node].finsFrom().size() < options.nodes()) {
                return false;
            }
        }
        return true;
    }

    /** Polls {@code condition} every 50 ms for up to {@code timeoutMs}, showing progress every 5 s. */
    private boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long nextNote = start + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            long now = System.nanoTime();
            if (now > deadline) {
                return false;
            }
            if (now > nextNote) {
                nextNote = now + TimeUnit.SECONDS.toNanos(5);
                StringBuilder b = new StringBuilder("  waiting:");
                for (int node = 1; node <= options.nodes(); node++) {
                    b.append(" node ").append(node).append(' ').append(processes[node] == null ? "-" : processes[node].lastRegular());
                }
                say.accept(b.toString());
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** One line of the run's own trace, given the time it is written at. */
    private interface TimedWrite {
        void write(long timeNanos);
    }

    private synchronized void global(TimedWrite write) {
        write.write(clock.nowNanos());
    }

    /** Kills what is left and removes the lab; safe to call more than once. */
    private synchronized void cleanUp() {
        List<NodeProcess> all = new ArrayList<>(Arrays.asList(processes));
        if (clients != null) {
            clients.stopReplacing();
            all.addAll(clients.all());
        }
        for (NodeProcess p : all) {
            if (p != null && p.alive()) {
                try {
                    p.resume(); // a stopped process must run to die cleanly of SIGKILL's reaping
                } catch (IOException e) {
                    // it is killed below anyway
                }
                try {
                    p.kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try {
            List<String> removed = Lab.removeAll();
            if (!removed.isEmpty()) {
                say.accept("removed " + String.join(", ", removed));
            }
        } catch (IOException e) {
            say.accept("could not remove every namespace: " + e.getMessage() + "; run ./totem jepsen --cleanup");
        }
    }

    /** The nemesis's actions, each recorded in the trace when it took effect. */
    private final class Faults implements Nemesis.Cluster {
        @Override
        public void kill(int node) throws InterruptedException {
            // The node first: a client killed before it would be a process gone (PROCDOWN) the
            // others might hear of before the crash is on record.
            processes[node].kill();
            if (clients != null) {
                clients.kill(node);
            }
            global(t -> trace.crash(t, node));
        }

        @Override
        public void restart(int node) throws IOException {
            global(t -> trace.restart(t, node));
            launch(node);
            if (clients != null) {
                clients.restarted(node);
            }
        }

        @Override
        public void pause(int node) throws IOException {
            processes[node].pause();
            global(t -> trace.pause(t, node));
        }

        @Override
        public void resume(int node) throws IOException {
            global(t -> trace.resume(t, node));
            processes[node].resume();
        }

        @Override
        public void partition(int[][] groups) throws IOException {
            firewall.partition(groups);
            global(t -> trace.partition(t, groups));
        }

        @Override
        public void block(int from, int to) throws IOException {
            firewall.block(from, to);
            global(t -> trace.block(t, from, to));
        }

        @Override
        public void loss(double share) throws IOException {
            firewall.loss(share);
            traceLossEverywhere(share);
        }

        @Override
        public void heal() throws IOException {
            firewall.heal();
            global(t -> trace.heal(t));
        }

        void baseLoss(double share) throws IOException {
            firewall.baseLoss(share);
            traceLossEverywhere(share);
        }

        /** Every node drops {@code share} of what it receives, whatever the network. */
        private void traceLossEverywhere(double share) {
            global(t -> {
                for (int k = 0; k < options.networks(); k++) {
                    trace.netLoss(t, k, share);
                }
            });
        }

        @Override
        public void cutNetwork(int network, int[] nodes) throws IOException {
            firewall.cutNetwork(network, nodes);
            if (nodes.length == options.nodes()) {
                global(t -> trace.netLoss(t, network, 1.0));
            } else {
                int[] others = IntStream.rangeClosed(1, options.nodes())
                        .filter(x -> Arrays.stream(nodes).noneMatch(c -> c == x)).toArray();
                global(t -> trace.netPartition(t, network, new int[][] {others, nodes}));
            }
        }

        @Override
        public void degradeNetwork(int network, double share) throws IOException {
            firewall.degradeNetwork(network, share);
            global(t -> trace.netLoss(t, network, share));
        }

        @Override
        public boolean stallClient(int node) throws IOException {
            return clients != null && clients.stall(node);
        }

        @Override
        public void resumeClient(int node) throws IOException {
            clients.resumeStalled(node);
        }

        @Override
        public void mendNetwork(int network) throws IOException {
            firewall.mendNetwork(network);
            global(t -> {
                trace.netLoss(t, network, 0);
                trace.netHeal(t, network);
            });
        }
    }
}
