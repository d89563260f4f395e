package dev.totem.locks.sim;

import dev.totem.cpg.CpgConfig;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgService;
import dev.totem.cpg.SyncPhase;
import dev.totem.locks.Lease;
import dev.totem.locks.LockConfig;
import dev.totem.locks.LockService;
import dev.totem.locks.LockTable;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.EngineFactory;
import dev.totem.simulator.NodeEvent;
import dev.totem.simulator.NodeState;
import dev.totem.simulator.Simulation;
import dev.totem.simulator.SimulationListener;
import dev.totem.simulator.check.Violation;
import dev.totem.simulator.cpg.CpgNode;
import dev.totem.simulator.run.ProcessLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The lock service in a seed run: every node runs the CPG service ({@link CpgNode}) with two
 * processes, each a {@link LockService} in one group. Workload steps make a process acquire a
 * lock (held a random while, then released), try one, cancel or release one, exit without
 * leaving (3 %) or close its service (2 %); a new process takes the place of one that went, and
 * nodes that restart get new processes. {@link LockChecker} watches every replica as it goes.
 * After the faults the run waits until every replica is synchronised with the same table, then
 * every process gives back all it holds and everything it is granted, and asks once more for the
 * lock {@link #LATE_NAME}, given back as soon as granted: the run ends when every late request was
 * granted, every request is answered and every table is empty ({@code lock-liveness} otherwise).
 */
public final class LockLayer implements ProcessLayer, SimulationListener, CpgNode.Observer {
    /** The locks the processes use: few, so they contend. */
    public static final List<String> NAMES = List.of("a", "b", "c", "d");
    /** The lock every process asks for once after the faults: granted to each, the service is live again. */
    public static final String LATE_NAME = "late";
    private static final int PROCESSES_PER_NODE = 2;
    /** Pids are node * PIDS_PER_NODE + a count, so a pid names its node and is never reused. */
    private static final int PIDS_PER_NODE = 100_000;
    /** Maintenance: start missing processes, pump sends CPG refused; drain in the last phase. */
    private static final long TICK_NANOS = 50_000_000;
    private static final long HOLD_NANOS_MAX = 50_000_000;
    private static final int PENDING_PER_PROCESS_MAX = 3;

    private final CpgConfig cpgConfig = CpgConfig.defaults();
    private final LockConfig lockConfig;
    private final Supplier<LockTable> tables;
    private final LockChecker checker = new LockChecker();
    private final Map<Long, Proc> procs = new TreeMap<>();
    private final Map<Integer, Integer> started = new TreeMap<>();
    private Simulation sim;
    private SplittableRandom schedule;
    private SplittableRandom decisions;
    private SplittableRandom rounds;
    private boolean draining;
    /** Processes that asked for {@link #LATE_NAME} after the faults, and those it was granted to. */
    private final Set<String> lateAsked = new TreeSet<>();
    private final Set<String> lateGranted = new TreeSet<>();
    /** Late calls scheduled and not yet run: until they ran, {@link #lateAsked} is not complete. */
    private int latePending;
    private int[] ids = new int[0];

    /** One process: its lock service and where it stands in its group's order. */
    private static final class Proc {
        final int node;
        final int pid;
        final String name;
        LockService service;
        String view = "none";
        long k;

        Proc(int node, int pid) {
            this.node = node;
            this.pid = pid;
            this.name = node + "/" + pid;
        }
    }

    /** The service as shipped. */
    public LockLayer() {
        this(LockConfig.defaults(), null);
    }

    /**
     * @param lockConfig the service's configuration
     * @param tables makes each replica's tables (a broken one, to test the checker); null for the real one
     */
    public LockLayer(LockConfig lockConfig, Supplier<LockTable> tables) {
        this.lockConfig = lockConfig;
        this.tables = tables != null ? tables : () -> new LockTable(lockConfig.requestsMax());
    }

    @Override
    public TotemConfig carrying(TotemConfig totemConfig) {
        return CpgNode.carrying(totemConfig, cpgConfig);
    }

    @Override
    public EngineFactory factory(EngineFactory below) {
        return (nodeId, store, random) -> new CpgNode(below.create(nodeId, store, random), cpgConfig, this);
    }

    @Override
    public void attach(Simulation simulation) {
        this.sim = simulation;
        this.schedule = simulation.randomStreams().named("lock-schedule");
        this.decisions = simulation.randomStreams().named("lock-workload");
        this.rounds = simulation.randomStreams().named("lock-rounds");
        simulation.addListener(this);
    }

    @Override
    public void scheduleWorkload(int steps, long phaseNanos, int[] nodeIds) {
        this.ids = nodeIds.clone();
        for (int i = 0; i < steps; i++) {
            long at = schedule.nextLong(Math.max(1, phaseNanos * 3 / 4));
            int node = nodeIds[schedule.nextInt(nodeIds.length)];
            sim.call(at, node, (engine, now) -> CpgNode.of(engine).client(now, this::step));
        }
        sim.schedule(0, this::tick);
    }

    /** Every node that is up gets its maintenance, and the next tick is scheduled. */
    private void tick() {
        for (int id : ids) {
            if (sim.nodeState(id) == NodeState.UP) {
                sim.call(sim.nowNanos(), id, (engine, now) -> CpgNode.of(engine).client(now, this::maintain));
            }
        }
        sim.schedule(sim.nowNanos() + TICK_NANOS, this::tick);
    }

    private void maintain(CpgNode n) {
        ensureProcesses(n);
        for (Proc p : processesOf(n.nodeId())) {
            if (draining) {
                p.service.leases().forEach(Lease::release);
            }
            p.service.pump();
        }
    }

    private List<Proc> processesOf(int node) {
        List<Proc> out = new ArrayList<>();
        for (Proc p : procs.values()) {
            if (p.node == node) {
                out.add(p);
            }
        }
        return out;
    }

    private static long key(int node, int pid) {
        return ((long) node << 32) | pid;
    }

    private void ensureProcesses(CpgNode n) {
        if (n.service().phase() != SyncPhase.SYNCED) {
            return;
        }
        for (int have = processesOf(n.nodeId()).size(); have < PROCESSES_PER_NODE; have++) {
            int node = n.nodeId();
            int count = started.merge(node, 1, Integer::sum);
            if (count >= PIDS_PER_NODE) {
                throw new IllegalStateException("node " + node + " started " + count + " processes, more than pids allow");
            }
            Proc p = new Proc(node, node * PIDS_PER_NODE + count);
            p.service = LockService.open(listener -> {
                n.spawn(p.pid);
                return n.process(p.pid);
            }, lockConfig, tables, rounds::nextLong);
            if (p.service.joinError() != null) {
                n.kill(p.pid);
                return;
            }
            p.service.observe(e -> checker.event(p.name, e));
            procs.put(key(node, p.pid), p);
        }
    }

    /** One step of one random process of {@code n}. */
    private void step(CpgNode n) {
        ensureProcesses(n);
        List<Proc> mine = processesOf(n.nodeId());
        if (mine.isEmpty()) {
            return;
        }
        Proc p = mine.get(decisions.nextInt(mine.size()));
        double d = decisions.nextDouble();
        String name = NAMES.get(decisions.nextInt(NAMES.size()));
        if (d < 0.03) {
            procs.remove(key(p.node, p.pid));
            n.kill(p.pid);
        } else if (d < 0.05) {
            procs.remove(key(p.node, p.pid));
            p.service.close();
        } else if (d < 0.70) {
            if (p.service.pendingRequests() < PENDING_PER_PROCESS_MAX) {
                p.service.acquire(name).thenAccept(lease -> hold(p, lease));
            }
        } else if (d < 0.85) {
            p.service.tryAcquire(name).thenAccept(lease -> lease.ifPresent(l -> hold(p, l)));
        } else {
            p.service.release(name);
        }
    }

    /** Keeps a granted lease a random while (none once draining), then releases it if the process still lives. */
    private void hold(Proc p, Lease lease) {
        if (draining) {
            lease.release();
            return;
        }
        long at = sim.nowNanos() + 1 + decisions.nextLong(HOLD_NANOS_MAX);
        sim.call(at, p.node, (engine, now) -> CpgNode.of(engine).client(now, n -> {
            if (procs.get(key(p.node, p.pid)) == p && lease.held()) {
                lease.release();
            }
        }));
    }

    // ------------------------------------------------------------------ what the processes see

    @Override
    public void deliver(int node, int pid, CpgEvent.Deliver d) {
        Proc p = procs.get(key(node, pid));
        if (p != null) {
            p.service.onDeliver(d);
            p.k++;
            checker.afterInput(p.name, p.view + "#" + p.k, p.service.replica(), p.service.leases());
        }
    }

    @Override
    public void confchg(int node, int pid, CpgEvent.Confchg c) {
        Proc p = procs.get(key(node, pid));
        if (p != null) {
            p.view = c.group() + ":" + c.view();
            p.k = 0;
            p.service.onConfchg(c);
            checker.afterInput(p.name, p.view + "#" + p.k, p.service.replica(), p.service.leases());
        }
    }

    @Override
    public void onNodeEvent(long timeNanos, int nodeId, NodeEvent event) {
        if (event == NodeEvent.CRASH) {
            procs.values().removeIf(p -> p.node == nodeId);
        }
    }

    // ------------------------------------------------------------------ the end of the run

    @Override
    public boolean converged(int[] live) {
        Long digest = null;
        for (int id : live) {
            CpgNode n = CpgNode.of(sim.engine(id));
            if (n == null) {
                return false;
            }
            CpgService s = n.service();
            if (s.phase() != SyncPhase.SYNCED || s.outstandingMessages() > 0 || processesOf(id).isEmpty()) {
                return false;
            }
        }
        for (Proc p : procs.values()) {
            LockService s = p.service;
            if (s.handle().closed() || s.replica().phase() != dev.totem.locks.LockReplica.Phase.SYNCED || s.unsent() > 0
                    || s.handle().membership(lockConfig.group()).size() != procs.size()) {
                return false;
            }
            long mine = s.replica().table().digest();
            if (digest != null && digest != mine) {
                return false;
            }
            digest = mine;
        }
        return true;
    }

    @Override
    public void sendLateMessages(int[] live) {
        draining = true;
        for (int id : live) {
            latePending++;
            sim.call(sim.nowNanos(), id, (engine, now) -> CpgNode.of(engine).client(now, n -> {
                latePending--;
                maintain(n);
                for (Proc p : processesOf(n.nodeId())) {
                    lateAsked.add(p.name);
                    p.service.acquire(LATE_NAME).thenAccept(lease -> {
                        lateGranted.add(p.name);
                        lease.release();
                    });
                }
            }));
        }
    }

    /** Processes that asked for the late lock, still live, and were not granted it. */
    private Set<String> lateNotGranted() {
        Set<String> missing = new TreeSet<>();
        for (Proc p : procs.values()) {
            if (lateAsked.contains(p.name) && !lateGranted.contains(p.name)) {
                missing.add(p.name);
            }
        }
        return missing;
    }

    @Override
    public boolean lateMessagesDelivered(int[] live) {
        return latePending == 0 && converged(live) && lateNotGranted().isEmpty() && leftOver().isEmpty();
    }

    /** Why {@link #converged} says no, for the violation's text. */
    private String unsettled(int[] live) {
        StringBuilder b = new StringBuilder();
        for (int id : live) {
            CpgNode n = CpgNode.of(sim.engine(id));
            if (n != null) {
                b.append("node ").append(id).append(' ').append(n.service().phase()).append(" ring ").append(n.service().ring())
                        .append(" outstanding ").append(n.service().outstandingMessages()).append("; ");
            }
        }
        for (Proc p : procs.values()) {
            LockService s = p.service;
            b.append(p.name).append(' ').append(s.replica().phase()).append(s.handle().closed() ? " closed" : "")
                    .append(" unsent ").append(s.unsent()).append(" members ").append(s.handle().membership(lockConfig.group()).size())
                    .append(" digest ").append(Long.toHexString(s.replica().table().digest())).append(" view ").append(p.view)
                    .append('#').append(p.k).append(" syncs ").append(s.replica().syncs()).append(' ').append(s.replica().table()).append("; ");
        }
        return b.append(procs.size()).append(" processes").toString();
    }

    /** What keeps the run from being settled: requests unanswered, leases held, tables not empty. */
    private List<String> leftOver() {
        List<String> left = new ArrayList<>();
        for (Proc p : procs.values()) {
            LockService s = p.service;
            if (s.pendingRequests() > 0 || !s.leases().isEmpty() || s.replica().table().requests() > 0 || s.unsent() > 0) {
                left.add(p.name + ": " + s.pendingRequests() + " pending, " + s.leases() + ", unsent " + s.unsent() + ", "
                        + s.replica().table() + " " + s.replica().phase());
            }
        }
        return left;
    }

    @Override
    public long delivered() {
        return checker.grants();
    }

    @Override
    public List<Violation> check() {
        List<Violation> out = new ArrayList<>(checker.violations());
        int[] live = java.util.Arrays.stream(ids).filter(id -> sim.nodeState(id) == NodeState.UP).toArray();
        if (!converged(live)) {
            out.add(new Violation("lock-liveness", "the replicas did not settle on one synchronised table after the faults: "
                    + unsettled(live)));
        } else {
            List<String> left = leftOver();
            if (!left.isEmpty()) {
                out.add(new Violation("lock-liveness", "after the faults and the drain: " + left));
            }
            Set<String> notGranted = lateNotGranted();
            if (latePending > 0 || !notGranted.isEmpty()) {
                out.add(new Violation("lock-liveness", "after the faults, " + (latePending > 0 ? latePending
                        + " nodes never ran their late request; " : "") + "processes asked for " + LATE_NAME
                        + " and never got it: " + notGranted + " (of " + lateAsked.size() + " that asked)"));
            }
        }
        return out;
    }

    /** The processes that asked for {@link #LATE_NAME} after the faults and were granted it. */
    Set<String> lateGranted() {
        return Set.copyOf(lateGranted);
    }

    /** The live processes, by name. */
    Set<String> processNames() {
        Set<String> names = new TreeSet<>();
        procs.values().forEach(p -> names.add(p.name));
        return names;
    }

    Simulation simulation() {
        return Objects.requireNonNull(sim, "attach was not called");
    }
}
