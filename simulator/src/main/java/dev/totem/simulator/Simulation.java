package dev.totem.simulator;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingSeqStore;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.simulator.trace.TraceWriter;
import java.util.Arrays;
import java.util.List;

/**
 * A deterministic discrete-event simulation of Totem nodes: many {@link TotemEngine}s driven in
 * one thread on a virtual clock, over simulated networks with seeded latency, loss,
 * duplication, reordering and partitions, with node crashes, restarts and pauses.
 *
 * <p>Everything random comes from the seed (see {@link RandomStreams}), and events due at the
 * same nanosecond run in the order they were scheduled, so the same seed, configuration,
 * engine and calls give the same run, event for event: the same trace, byte for byte.
 *
 * <pre>{@code
 * TraceHash hash = new TraceHash();
 * Simulation sim = new Simulation(SimConfig.defaults(), seed, MyEngine::new, new TraceWriter(hash));
 * sim.addNodes(1, 2, 3);
 * sim.submit(1_000_000, 1, Payloads.build("m-1", 100), Guarantee.AGREED);
 * sim.crash(5_000_000, 2);
 * sim.restart(9_000_000, 2);
 * sim.runUntil(20_000_000);
 * }</pre>
 *
 * <p>Scheduling methods take an absolute virtual time, not before {@link #nowNanos()}, and may
 * be called before a run or from a listener or action during one. A fault that does not apply
 * when it comes due (crashing a down node, resuming a running one) does nothing and is not
 * traced. Not thread safe.
 */
public final class Simulation {
    private static final Guarantee[] GUARANTEES = Guarantee.values();

    private final SimConfig config;
    private final RandomStreams randomStreams;
    private final EventQueue queue;
    private final NodeTable nodes;
    private final SimNetwork[] networks;
    private final ListenerFanout listeners = new ListenerFanout();
    private final NodeDriver driver;
    private long nowNanos;
    private long eventsProcessed;
    private boolean running;

    /**
     * A simulation with no nodes yet, at virtual time 0.
     *
     * @param config networks and limits
     * @param seed the seed every random draw derives from
     * @param engineFactory builds each node's engine, at its start and at every restart
     * @param trace receives the trace ({@link TraceWriter#nowhere()} for none)
     */
    public Simulation(SimConfig config, long seed, EngineFactory engineFactory, TraceWriter trace) {
        this.config = config;
        this.randomStreams = new RandomStreams(seed);
        this.queue = new EventQueue(config.maxQueuedEvents());
        this.nodes = new NodeTable(config.maxNodes(), config.socketBufferPackets());
        List<NetworkConfig> networkConfigs = config.networks();
        this.networks = new SimNetwork[networkConfigs.size()];
        for (int i = 0; i < networks.length; i++) {
            networks[i] = new SimNetwork(i, networkConfigs.get(i), randomStreams.network(i), queue, nodes);
        }
        if (trace.enabled()) {
            listeners.add(new TraceRecorder(trace));
        }
        this.driver = new NodeDriver(queue, networks, engineFactory, randomStreams, listeners);
    }

    /** A simulation that writes no trace. */
    public Simulation(SimConfig config, long seed, EngineFactory engineFactory) {
        this(config, seed, engineFactory, TraceWriter.nowhere());
    }

    /** The seed of this run. */
    public long seed() {
        return randomStreams.seed();
    }

    /** The configuration of this run. */
    public SimConfig config() {
        return config;
    }

    /** The random streams of this run; workloads and fault generators take theirs by name. */
    public RandomStreams randomStreams() {
        return randomStreams;
    }

    /** Current virtual time in nanoseconds. */
    public long nowNanos() {
        return nowNanos;
    }

    /** Events processed since the simulation was built. */
    public long eventsProcessed() {
        return eventsProcessed;
    }

    /** Events waiting in the queue. */
    public int queuedEvents() {
        return queue.size();
    }

    /** Adds an observer; listeners see events after the trace, in the order they were added. */
    public void addListener(SimulationListener listener) {
        listeners.add(listener);
    }

    /** Adds nodes that start at the current virtual time, in the order given. */
    public void addNodes(int... nodeIds) {
        for (int nodeId : nodeIds) {
            addNode(nodeId, nowNanos);
        }
    }

    /**
     * Adds a node to every network; it stays down until {@code startAtNanos}. Node ids are
     * positive and unique.
     */
    public void addNode(int nodeId, long startAtNanos) {
        requireNotPast(startAtNanos);
        SimNode node = nodes.add(nodeId);
        queue.add(startAtNanos, EventKind.RESTART, node.index, 0, null);
    }

    /** Node ids, ascending. */
    public int[] nodeIds() {
        return nodes.ids();
    }

    /** The life state of a node. */
    public NodeState nodeState(int nodeId) {
        return nodes.byId(nodeId).state;
    }

    /** The node's current engine, or null while it is down. */
    public TotemEngine engine(int nodeId) {
        return nodes.byId(nodeId).engine;
    }

    /** The node's ring seq store, which outlives its crashes. */
    public RingSeqStore ringSeqStore(int nodeId) {
        return nodes.byId(nodeId).ringSeqStore;
    }

    /** Number of simulated networks. */
    public int networkCount() {
        return networks.length;
    }

    /** The frame counters of network {@code networkIndex}. */
    public NetworkStats networkStats(int networkIndex) {
        return networks[networkIndex].stats();
    }

    /**
     * The application of {@code nodeId} submits {@code payload} at {@code atNanos}. Listeners see
     * the engine's answer; the trace records the submit only if the engine accepted it. Build
     * payloads with {@link Payloads} so the trace can name them.
     */
    public void submit(long atNanos, int nodeId, byte[] payload, Guarantee guarantee) {
        if (payload == null || guarantee == null) {
            throw new IllegalArgumentException("payload and guarantee are required");
        }
        scheduleForNode(atNanos, EventKind.SUBMIT, nodeId, guarantee.ordinal(), payload);
    }

    /** The node crashes: its engine, timers and buffered frames are discarded; its store stays. */
    public void crash(long atNanos, int nodeId) {
        scheduleForNode(atNanos, EventKind.CRASH, nodeId, 0, null);
    }

    /** A down node starts a new engine from the factory on its store. */
    public void restart(long atNanos, int nodeId) {
        scheduleForNode(atNanos, EventKind.RESTART, nodeId, 0, null);
    }

    /** A running node stops processing; frames queue in its socket buffer, timers wait. */
    public void pause(long atNanos, int nodeId) {
        scheduleForNode(atNanos, EventKind.PAUSE, nodeId, 0, null);
    }

    /** A paused node processes what it buffered, then runs on. */
    public void resume(long atNanos, int nodeId) {
        scheduleForNode(atNanos, EventKind.RESUME, nodeId, 0, null);
    }

    /**
     * Splits every network into {@code groups} of node ids that reach only their own group; a
     * node in no group is cut off from all others. Replaces the previous partition. Frames
     * already in flight still arrive.
     */
    public void partition(long atNanos, int[]... groups) {
        schedule(atNanos, EventKind.PARTITION, -1, canonicalGroups(groups));
    }

    /** Sorted copies of the groups; rejects overlapping groups now, not when due. */
    private static int[][] canonicalGroups(int[][] groups) {
        int[][] canonical = new int[groups.length][];
        for (int i = 0; i < groups.length; i++) {
            canonical[i] = groups[i].clone();
            Arrays.sort(canonical[i]);
        }
        new Reachability().partition(canonical);
        return canonical;
    }

    /** Frames from {@code fromNodeId} to {@code toNodeId} are dropped on every network; the reverse still flows. */
    public void block(long atNanos, int fromNodeId, int toNodeId) {
        if (fromNodeId <= 0 || toNodeId <= 0 || fromNodeId == toNodeId) {
            throw new IllegalArgumentException("block needs two distinct node ids: " + fromNodeId + " -> " + toNodeId);
        }
        schedule(atNanos, EventKind.BLOCK, -1, new int[] {fromNodeId, toNodeId});
    }

    /** Lifts every partition and block. */
    public void heal(long atNanos) {
        schedule(atNanos, EventKind.HEAL, -1, null);
    }

    /**
     * From {@code atNanos} on, every frame copy on network {@code networkIndex} is lost with
     * {@code probability} (a loss burst, or its end).
     */
    public void setLossProbability(long atNanos, int networkIndex, double probability) {
        SimNetwork network = networks[networkIndex];
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("loss probability must be in [0, 1]: " + probability);
        }
        schedule(atNanos, () -> {
            network.lossProbability(probability);
            listeners.onNetworkLoss(nowNanos, networkIndex, probability);
        });
    }

    /**
     * Splits network {@code networkIndex} alone into {@code groups}, as {@link #partition} does
     * for every network: one failed switch of a redundant ring. Replaces that network's previous
     * partition; the other networks are unchanged.
     */
    public void partitionNetwork(long atNanos, int networkIndex, int[]... groups) {
        SimNetwork network = networks[networkIndex];
        int[][] canonical = canonicalGroups(groups);
        schedule(atNanos, () -> {
            network.reachability().partition(canonical);
            listeners.onNetworkPartition(nowNanos, networkIndex, canonical);
        });
    }

    /**
     * Node {@code nodeId} hears nothing on network {@code networkIndex} from {@code atNanos} on,
     * while what it sends there still arrives: every other node's frames to it on that network
     * are blocked. {@link #healNetwork} lifts it.
     */
    public void deafenNetwork(long atNanos, int networkIndex, int nodeId) {
        SimNetwork network = networks[networkIndex];
        if (nodeId <= 0) {
            throw new IllegalArgumentException("deafenNetwork needs a node id, got " + nodeId);
        }
        schedule(atNanos, () -> {
            for (int other : nodeIds()) {
                if (other != nodeId) {
                    network.reachability().block(other, nodeId);
                }
            }
            listeners.onNetworkDeaf(nowNanos, networkIndex, nodeId);
        });
    }

    /** Lifts every partition and block of network {@code networkIndex} alone. */
    public void healNetwork(long atNanos, int networkIndex) {
        SimNetwork network = networks[networkIndex];
        schedule(atNanos, () -> {
            network.reachability().heal();
            listeners.onNetworkHeal(nowNanos, networkIndex);
        });
    }

    /**
     * The application of {@code nodeId} calls its engine at {@code atNanos} ({@code call} gets the
     * engine and the time; the effects it returns are applied as any engine batch). The call does
     * not run when the node is down or paused then: the application stops with its node.
     */
    public void call(long atNanos, int nodeId, NodeCall call) {
        if (call == null) {
            throw new IllegalArgumentException("call is null");
        }
        scheduleForNode(atNanos, EventKind.CALL, nodeId, 0, call);
    }

    /** Runs {@code action} at {@code atNanos}, in order with the other events of that instant. */
    public void schedule(long atNanos, Runnable action) {
        if (action == null) {
            throw new IllegalArgumentException("action is null");
        }
        schedule(atNanos, EventKind.CALLBACK, -1, action);
    }

    /**
     * Processes every event due at or before {@code endNanos}, then sets the clock to it.
     *
     * @throws SimulationLimitException after {@link SimConfig#maxEventsPerRun()} events
     * @throws SimulationException when an engine, listener or action fails
     */
    public void runUntil(long endNanos) {
        requireNotPast(endNanos);
        if (running) {
            throw new IllegalStateException("runUntil called from inside the simulation");
        }
        running = true;
        try {
            long processed = 0;
            while (!queue.isEmpty() && queue.peekTimeNanos() <= endNanos) {
                if (processed == config.maxEventsPerRun()) {
                    throw new SimulationLimitException("seed " + seed() + ": " + processed + " events before "
                            + endNanos + " ns, stopped at " + nowNanos + " ns (SimConfig.maxEventsPerRun)");
                }
                processNext();
                processed++;
            }
            nowNanos = endNanos;
        } finally {
            running = false;
        }
    }

    /** Runs for {@code durationNanos} of virtual time from now. */
    public void runFor(long durationNanos) {
        if (durationNanos < 0) {
            throw new IllegalArgumentException("negative duration: " + durationNanos);
        }
        runUntil(nowNanos + durationNanos);
    }

    private void processNext() {
        nowNanos = queue.peekTimeNanos();
        int slot = queue.poll();
        int kind = queue.kind(slot);
        int nodeIndex = queue.node(slot);
        int arg = queue.arg(slot);
        Object ref = queue.ref(slot);
        queue.release(slot);
        eventsProcessed++;
        try {
            dispatch(kind, nodeIndex, arg, ref, slot);
        } catch (SimulationLimitException | SimulationException e) {
            throw e;
        } catch (RuntimeException e) {
            String node = nodeIndex < 0 ? "" : ", node " + nodes.at(nodeIndex).nodeId;
            throw new SimulationException("seed " + seed() + ", at " + nowNanos + " ns" + node + ", "
                    + EventKind.name(kind) + " event", e);
        }
    }

    private void dispatch(int kind, int nodeIndex, int arg, Object ref, int slot) {
        switch (kind) {
            case EventKind.PACKET -> driver.packetArrived(nowNanos, nodes.at(nodeIndex), arg, (byte[]) ref);
            case EventKind.TIMER -> driver.timerFired(nowNanos, nodes.at(nodeIndex), arg, slot);
            case EventKind.SUBMIT -> driver.submit(nowNanos, nodes.at(nodeIndex), (byte[]) ref, GUARANTEES[arg]);
            case EventKind.RESTART -> driver.bringUp(nowNanos, nodes.at(nodeIndex));
            case EventKind.CRASH -> driver.crash(nowNanos, nodes.at(nodeIndex));
            case EventKind.PAUSE -> driver.pause(nowNanos, nodes.at(nodeIndex));
            case EventKind.RESUME -> driver.resume(nowNanos, nodes.at(nodeIndex));
            case EventKind.PARTITION -> partitionNow((int[][]) ref);
            case EventKind.BLOCK -> blockNow((int[]) ref);
            case EventKind.HEAL -> healNow();
            case EventKind.CALLBACK -> ((Runnable) ref).run();
            case EventKind.CALL -> driver.call(nowNanos, nodes.at(nodeIndex), (NodeCall) ref);
            default -> throw new IllegalStateException("unknown event kind " + kind);
        }
    }

    private void partitionNow(int[][] groups) {
        for (SimNetwork network : networks) {
            network.reachability().partition(groups);
        }
        listeners.onPartition(nowNanos, groups);
    }

    private void blockNow(int[] fromTo) {
        for (SimNetwork network : networks) {
            network.reachability().block(fromTo[0], fromTo[1]);
        }
        listeners.onBlock(nowNanos, fromTo[0], fromTo[1]);
    }

    private void healNow() {
        for (SimNetwork network : networks) {
            network.reachability().heal();
        }
        listeners.onHeal(nowNanos);
    }

    private void scheduleForNode(long atNanos, int kind, int nodeId, int arg, Object ref) {
        requireNotPast(atNanos);
        queue.add(atNanos, kind, nodes.byId(nodeId).index, arg, ref);
    }

    private void schedule(long atNanos, int kind, int nodeIndex, Object ref) {
        requireNotPast(atNanos);
        queue.add(atNanos, kind, nodeIndex, 0, ref);
    }

    private void requireNotPast(long atNanos) {
        if (atNanos < nowNanos) {
            throw new IllegalArgumentException("time " + atNanos + " ns is before now (" + nowNanos + " ns)");
        }
    }
}
