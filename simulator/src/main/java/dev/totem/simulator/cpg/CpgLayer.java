package dev.totem.simulator.cpg;

import dev.totem.cpg.ConnectionState;
import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.CpgConfig;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgService;
import dev.totem.cpg.SyncPhase;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.EngineFactory;
import dev.totem.simulator.NodeEvent;
import dev.totem.simulator.Payloads;
import dev.totem.simulator.Simulation;
import dev.totem.simulator.SimulationListener;
import dev.totem.simulator.check.CpgChecker;
import dev.totem.simulator.check.CpgHistory;
import dev.totem.simulator.check.Violation;
import dev.totem.simulator.run.ProcessLayer;
import dev.totem.simulator.trace.TraceWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The CPG layer of a seed run: every node runs the CPG service over its processor
 * ({@link CpgNode}), with 2 or 3 processes that join, multicast to, leave and rejoin a few
 * groups, exit and are replaced; what they see is traced ({@code cpg_*} events) and checked by
 * {@link CpgChecker}. The seed runner drives it: engines from {@link #factory}, the workload,
 * convergence, the late messages after the faults, then {@link #check()}.
 */
public final class CpgLayer implements ProcessLayer, SimulationListener, CpgNode.Observer {
    /** The groups the processes use. */
    public static final List<String> GROUPS = List.of("alpha", "beta", "gamma");
    /** Share of workload steps in which the chosen process exits (and a new one starts). */
    private static final double EXIT = 0.02;
    /** Share of steps of a joined process that leave the chosen group instead of multicasting. */
    private static final double LEAVE = 0.08;
    private static final long RETRY_NANOS = 1_000_000;
    /** Pids are node * PIDS_PER_NODE + a count, so a pid names its node and is never reused. */
    private static final int PIDS_PER_NODE = 1000;

    private final CpgConfig config = CpgConfig.defaults();
    private final double safeRatio;
    private final int minSizeBytes;
    private final int maxSizeBytes;
    private final TraceWriter trace;
    private final CpgHistory history = new CpgHistory();
    private final Map<Integer, Integer> processesStarted = new TreeMap<>();
    private final Map<String, Set<String>> lateByGroup = new TreeMap<>();
    /**
     * Late multicasts scheduled and not yet made (or refused and scheduled again): until they ran,
     * {@link #lateByGroup} does not name them, and their delivery cannot be waited for.
     */
    private int latePending;
    private final Map<String, Set<String>> lateDelivered = new HashMap<>();
    private Simulation sim;
    private SplittableRandom schedule;
    private SplittableRandom decisions;
    private long nextMessage;

    /**
     * @param safeRatio share of multicasts sent with the safe guarantee
     * @param minSizeBytes smallest payload (raised to fit the message id)
     * @param maxSizeBytes largest payload
     * @param trace where {@code cpg_*} events go
     */
    public CpgLayer(double safeRatio, int minSizeBytes, int maxSizeBytes, TraceWriter trace) {
        this.safeRatio = safeRatio;
        this.minSizeBytes = minSizeBytes;
        this.maxSizeBytes = maxSizeBytes;
        this.trace = trace;
    }

    /** The processor configuration of {@code totemConfig} that carries full CPG messages. */
    @Override
    public TotemConfig carrying(TotemConfig totemConfig) {
        return CpgNode.carrying(totemConfig, config);
    }

    /** Builds each node: a {@link CpgNode} with 2 or 3 processes over the engine {@code below} builds. */
    @Override
    public EngineFactory factory(EngineFactory below) {
        return (nodeId, store, random) -> {
            CpgNode node = new CpgNode(below.create(nodeId, store, random), config, this);
            int processes = 2 + decisions().nextInt(2);
            for (int i = 0; i < processes; i++) {
                node.spawn(newPid(nodeId));
            }
            return node;
        };
    }

    /** Joins the simulation built with {@link #factory}: listens to it and takes its random streams. */
    @Override
    public void attach(Simulation simulation) {
        this.sim = simulation;
        this.schedule = simulation.randomStreams().named("cpg-schedule");
        this.decisions = simulation.randomStreams().named("cpg-workload");
        simulation.addListener(this);
    }

    /** What the processes did and saw so far. */
    public CpgHistory history() {
        return history;
    }

    /** Schedules {@code steps} workload steps at random times in the first three quarters of the phase. */
    @Override
    public void scheduleWorkload(int steps, long phaseNanos, int[] ids) {
        for (int i = 0; i < steps; i++) {
            long at = schedule.nextLong(Math.max(1, phaseNanos * 3 / 4));
            int node = ids[schedule.nextInt(ids.length)];
            sim.call(at, node, (engine, now) -> CpgNode.of(engine).client(now, this::step));
        }
    }

    /**
     * The CPG side of convergence: every live node synchronised in one ring with the same group
     * table, nothing of its own still on the way, and no process halfway through a join or leave.
     */
    @Override
    public boolean converged(int[] live) {
        String ring = null;
        Map<String, List<CpgAddress>> table = null;
        for (int id : live) {
            CpgNode n = CpgNode.of(sim.engine(id));
            if (n == null) {
                return false;
            }
            CpgService s = n.service();
            if (s.phase() != SyncPhase.SYNCED || s.outstandingMessages() > 0 || (ring != null && !ring.equals(s.ring().toString()))) {
                return false;
            }
            ring = s.ring().toString();
            Map<String, List<CpgAddress>> mine = s.groupMembers();
            if (table != null && !table.equals(mine)) {
                return false;
            }
            table = mine;
            for (int pid : n.pids()) {
                for (String g : GROUPS) {
                    ConnectionState st = n.process(pid).state(g);
                    if (st == ConnectionState.JOIN_STARTED || st == ConnectionState.LEAVE_STARTED) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** From now on no fault happens: every joined process of a live node multicasts one late message to each of its groups. */
    @Override
    public void sendLateMessages(int[] live) {
        history.quietFrom(sim.nowNanos() / 1_000);
        for (int id : live) {
            lateCall(sim.nowNanos(), id, n -> {
                for (int pid : n.pids()) {
                    for (String g : GROUPS) {
                        if (n.process(pid).state(g) == ConnectionState.JOIN_COMPLETED) {
                            lateMessage(n, pid, g);
                        }
                    }
                }
            });
        }
    }

    /** Runs {@code action} on node {@code id}'s clients at {@code at}, counted in {@link #latePending} until it ran. */
    private void lateCall(long at, int id, java.util.function.Consumer<CpgNode> action) {
        latePending++;
        sim.call(at, id, (engine, now) -> CpgNode.of(engine).client(now, n -> {
            latePending--;
            action.accept(n);
        }));
    }

    private void lateMessage(CpgNode n, int pid, String group) {
        CpgHandle h = n.process(pid);
        if (h == null || h.state(group) != ConnectionState.JOIN_COMPLETED) {
            return;
        }
        String id = mcast(n, h, group);
        if (id == null) {
            lateCall(sim.nowNanos() + RETRY_NANOS, n.nodeId(), m -> lateMessage(m, pid, group));
        } else {
            lateByGroup.computeIfAbsent(group, g -> new HashSet<>()).add(id);
        }
    }

    /** Every joined process of every live node delivered every late message of its groups. */
    @Override
    public boolean lateMessagesDelivered(int[] live) {
        if (latePending > 0) {
            return false;
        }
        for (int id : live) {
            CpgNode n = CpgNode.of(sim.engine(id));
            if (n == null) {
                return false;
            }
            for (int pid : n.pids()) {
                for (String g : GROUPS) {
                    Set<String> late = lateByGroup.get(g);
                    if (late != null && n.process(pid).state(g) == ConnectionState.JOIN_COMPLETED
                            && !lateDelivered.getOrDefault(id + "/" + pid, Set.of()).containsAll(late)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Group messages delivered, over all processes. */
    @Override
    public long delivered() {
        return history.deliveries();
    }

    /** The per-group properties of the run. */
    @Override
    public List<Violation> check() {
        return new ArrayList<>(CpgChecker.check(history));
    }

    // ------------------------------------------------------------------ the workload

    private SplittableRandom decisions() {
        return Objects.requireNonNull(decisions, "CpgLayer.attach was not called");
    }

    private int newPid(int node) {
        int n = processesStarted.merge(node, 1, Integer::sum);
        if (n >= PIDS_PER_NODE) {
            throw new IllegalStateException("node " + node + " started " + n + " processes, more than pids allow");
        }
        return node * PIDS_PER_NODE + n;
    }

    /** One step of one random process of {@code n}: exit, join, leave or multicast, by its state. */
    private void step(CpgNode n) {
        List<Integer> pids = n.pids();
        if (pids.isEmpty()) {
            n.spawn(newPid(n.nodeId()));
            return;
        }
        int pid = pids.get(decisions.nextInt(pids.size()));
        CpgHandle h = n.process(pid);
        long now = sim.nowNanos();
        if (decisions.nextDouble() < EXIT) {
            n.kill(pid);
            history.gone(now / 1_000, n.nodeId(), pid);
            trace.cpgGone(now, n.nodeId(), pid);
            n.spawn(newPid(n.nodeId()));
            return;
        }
        String group = GROUPS.get(decisions.nextInt(GROUPS.size()));
        switch (h.state(group)) {
            case UNJOINED -> {
                if (h.join(group).ok()) {
                    history.join(now / 1_000, n.nodeId(), pid, group);
                    trace.cpgJoin(now, n.nodeId(), pid, group);
                }
            }
            case JOIN_STARTED -> mcast(n, h, group);
            case JOIN_COMPLETED -> {
                if (decisions.nextDouble() < LEAVE) {
                    if (h.leave(group).ok()) {
                        history.leave(now / 1_000, n.nodeId(), pid, group);
                        trace.cpgLeave(now, n.nodeId(), pid, group);
                    }
                } else {
                    mcast(n, h, group);
                }
            }
            case LEAVE_STARTED -> { }
        }
    }

    /** Multicasts a new message of a random size; its id, or null when the node said TRY_AGAIN. */
    private String mcast(CpgNode n, CpgHandle h, String group) {
        String id = "c" + (nextMessage + 1);
        int min = Math.max(minSizeBytes, id.length() + 1);
        int max = Math.max(min, maxSizeBytes);
        // Log-uniform sizes: most messages small, a few near the maximum.
        int size = (int) Math.round(Math.exp(Math.log(min) + decisions.nextDouble() * (Math.log(max) - Math.log(min))));
        Guarantee g = decisions.nextDouble() < safeRatio ? Guarantee.SAFE : Guarantee.AGREED;
        if (!h.mcast(group, Payloads.build(id, Math.max(min, Math.min(max, size))), g).ok()) {
            return null;
        }
        nextMessage++;
        long now = sim.nowNanos();
        history.mcast(now / 1_000, n.nodeId(), h.clientId().pid(), group, id);
        trace.cpgMcast(now, n.nodeId(), h.clientId().pid(), group, id);
        return id;
    }

    // ------------------------------------------------------------------ what the processes see

    @Override
    public void deliver(int node, int pid, CpgEvent.Deliver d) {
        long now = sim.nowNanos();
        String id = Payloads.id(idBytes(d));
        history.deliver(now / 1_000, node, pid, d.group(), id, d.senderNode(), d.senderPid());
        trace.cpgDeliver(now, node, pid, d.group(), id, d.senderNode(), d.senderPid());
        if (lateByGroup.containsKey(d.group())) {
            lateDelivered.computeIfAbsent(node + "/" + pid, k -> new HashSet<>()).add(id);
        }
    }

    /** The start of a payload, enough for its id, without copying a large payload whole. */
    private static byte[] idBytes(CpgEvent.Deliver d) {
        byte[] head = new byte[Math.min(d.length(), Payloads.MAX_ID_BYTES + 1)];
        d.payloadView().get(head);
        return head;
    }

    @Override
    public void confchg(int node, int pid, CpgEvent.Confchg c) {
        long now = sim.nowNanos();
        history.confchg(now / 1_000, node, pid, c.group(), c.view(), c.members(), c.left(), c.joined());
        trace.cpgConfchg(now, node, pid, c.group(), c.view(), c.members(), c.left(), c.joined());
    }

    @Override
    public void onNodeEvent(long timeNanos, int nodeId, NodeEvent event) {
        if (event == NodeEvent.CRASH) {
            history.crash(timeNanos / 1_000, nodeId);
        }
    }
}
