package dev.totem.simulator.run;

import dev.totem.crypto.SealedEngine;
import dev.totem.membership.TotemProcessor;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.rrp.RedundantRing;
import dev.totem.rrp.RrpConfig;
import dev.totem.protocol.srp.FixedRingEngine;
import dev.totem.simulator.EngineFactory;
import dev.totem.simulator.LatencyModel;
import dev.totem.simulator.NetworkConfig;
import dev.totem.simulator.NodeState;
import dev.totem.simulator.Payloads;
import dev.totem.simulator.SimConfig;
import dev.totem.simulator.Simulation;
import dev.totem.simulator.SimulationListener;
import dev.totem.simulator.check.EvsChecker;
import dev.totem.simulator.check.History;
import dev.totem.simulator.check.Violation;
import dev.totem.simulator.cpg.CpgLayer;
import dev.totem.simulator.cpg.CpgNode;
import dev.totem.simulator.trace.TraceWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs one seed of a {@link Scenario}: nodes, a workload of messages, the fault schedule of the
 * profile, a quiet period, then the checks. Everything is drawn from the seed, so a failing seed
 * replays exactly.
 */
public final class SeedRunner {
    /** How often, in token timeouts, the runner looks whether the run can stop early. */
    private static final int POLLS_PER_TOKEN = 10;

    /**
     * The outcome of one seed.
     *
     * @param seed the seed
     * @param delivered deliveries over all nodes
     * @param configs configuration changes over all nodes
     * @param configsAfterFaultStart configuration changes over all nodes once faults could begin:
     *     once the first ring formed for the profiles that start then, from the start otherwise
     * @param violations broken properties; empty when the seed passed
     * @param virtualMillis virtual time the run took
     * @param events simulation events processed
     */
    public record Result(long seed, long delivered, long configs, long configsAfterFaultStart, List<Violation> violations,
            long virtualMillis,
            long events) {}

    private final Scenario scenario;
    private final long seed;
    private final TotemConfig totemConfig;
    private final Simulation sim;
    private final HistoryRecorder recorder = new HistoryRecorder();
    private final List<Violation> probeViolations = new ArrayList<>();
    private final SplittableRandom workloadRandom;
    private final int[] ids;
    private int nextMessage;

    private final EngineFactory factoryOverride;
    /** The redundant ring's fault detection, in a run whose networks fail one at a time; else null. */
    private final RrpWatch rrpWatch;
    /** ring-stability, in a run without faults under light loss; else null. */
    private final StableRingWatch stableRingWatch;
    /** oneway-stability, in a run of the one-way link fault; else null. */
    private final OneWayWatch oneWayWatch;
    private final TraceWriter trace;
    /** The ids of the engine workload's messages, drawn before the run. */
    private java.util.Set<String> workload = java.util.Set.of();
    /** The processes' workload and checks (CPG, or an application on it); null when the workload talks to the engine. */
    private final ProcessLayer cpg;

    private SeedRunner(Scenario scenario, long seed, TraceWriter trace, EngineFactory factoryOverride, ProcessLayer layer) {
        this.factoryOverride = factoryOverride;
        this.trace = trace;
        this.scenario = scenario;
        this.seed = seed;
        this.totemConfig = totemConfig(scenario);
        ids = new int[scenario.nodes()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i + 1;
        }
        boolean chaos = scenario.faults() == FaultProfile.CHAOS || scenario.faults() == FaultProfile.RETUNE;
        NetworkConfig network = new NetworkConfig(LatencyModel.exponential(50_000, 20_000), scenario.lossProbability(),
                chaos ? 0.02 : 0, chaos ? 0.02 : 0, chaos ? 2_000_000 : 0, NetworkConfig.DEFAULT_MTU_BYTES);
        SimConfig simConfig = SimConfig.defaults().withNetworks(Collections.nCopies(scenario.networks(), network));
        if (layer != null && scenario.engine() != EngineKind.TOTEM) {
            throw new IllegalArgumentException("a process layer needs configuration changes: it runs on the totem engine");
        }
        this.cpg = layer != null ? layer : scenario.layer() == Layer.CPG
                ? new CpgLayer(scenario.safeRatio(), scenario.minSizeBytes(), scenario.maxSizeBytes(), trace) : null;
        this.sim = new Simulation(simConfig, seed, factory(factoryOverride), trace);
        this.workloadRandom = sim.randomStreams().named("workload");
        sim.addListener(recorder);
        sim.addListener(new Retrier());
        if (cpg != null) {
            cpg.attach(sim);
        }
        if (scenario.engine() == EngineKind.SRP) {
            sim.addListener(new SafeProbe());
        }
        this.rrpWatch = scenario.faults() == FaultProfile.NETFAIL || scenario.faults() == FaultProfile.NETFAIL_ONEWAY
                ? new RrpWatch(RrpConfig.defaults(scenario.rrpMode(), scenario.networks(), totemConfig), ids) : null;
        if (rrpWatch != null) {
            sim.addListener(rrpWatch);
        }
        this.stableRingWatch = StableRingWatch.applies(scenario) ? new StableRingWatch(scenario.nodes()) : null;
        if (stableRingWatch != null) {
            sim.addListener(stableRingWatch);
        }
        this.oneWayWatch = scenario.faults().failsLinks()
                ? new OneWayWatch(scenario.lossProbability() > 0, TotemProcessor.repairMergeBoundNanos(totemConfig))
                : null;
        if (oneWayWatch != null) {
            sim.addListener(oneWayWatch);
        }
    }

    /**
     * Each node's engines, bottom up: the processor ({@code override}'s when given), its redundant
     * ring (in mode none on one network), the crypto layer when it is sealed, and the process
     * layer on top, as a node stacks them.
     */
    private EngineFactory factory(EngineFactory override) {
        TotemConfig config = scenario.sealed() ? totemConfig.withFrameOverhead(SimCrypto.overheadBytes()) : totemConfig;
        if (scenario.engine() == EngineKind.SRP) {
            return sealed(redundant(override != null ? override
                    : (nodeId, store, random) -> new FixedRingEngine(config, nodeId, ids)));
        }
        TotemConfig processorConfig = cpg != null ? cpg.carrying(config) : config;
        EngineFactory below = sealed(redundant(override != null ? override
                : (nodeId, store, random) -> new TotemProcessor(processorConfig, nodeId, store, random)));
        return cpg != null ? cpg.factory(below) : below;
    }

    private EngineFactory sealed(EngineFactory below) {
        return scenario.sealed() ? SimCrypto.sealed(below) : below;
    }

    /** Every engine runs under a redundant ring, in mode none with one network, as in a node. */
    private EngineFactory redundant(EngineFactory base) {
        RrpConfig rrp = RrpConfig.defaults(scenario.rrpMode(), scenario.networks(), totemConfig);
        return (nodeId, store, random) -> new RedundantRing(base.create(nodeId, store, random), rrp);
    }

    /** The engine speaking Totem on a node, under its process layer and redundant ring; null while down. */
    private TotemEngine engine(int nodeId) {
        TotemEngine e = sim.engine(nodeId);
        if (e instanceof CpgNode n) {
            return n.processor();
        }
        e = e instanceof SealedEngine s ? s.inner() : e;
        return e instanceof RedundantRing r ? r.inner() : e;
    }

    /** Runs {@code seed} of {@code scenario}; {@code trace} receives its JSON Lines trace. */
    public static Result run(Scenario scenario, long seed, TraceWriter trace) {
        return new SeedRunner(scenario, seed, trace, null, null).run();
    }

    /**
     * Runs {@code seed} of {@code scenario} with {@code layer}'s processes above the engines (an
     * application on CPG, say) instead of the scenario's layer; the engine must be totem.
     */
    public static Result run(Scenario scenario, long seed, TraceWriter trace, ProcessLayer layer) {
        return new SeedRunner(scenario, seed, trace, null, layer).run();
    }

    /**
     * Runs a seed with engines from {@code factory} instead of the scenario's (to test the checker
     * on a broken engine); on the CPG layer, the processors under the CPG service.
     */
    public static Result run(Scenario scenario, long seed, TraceWriter trace, EngineFactory factory) {
        return new SeedRunner(scenario, seed, trace, factory, null).run();
    }

    /** The Totem configuration a scenario runs with. */
    public static TotemConfig totemConfig(Scenario scenario) {
        return scenario.tokenTimeoutMs() > 0
                ? TotemConfig.fromToken(scenario.tokenTimeoutMs(), TotemConfig.DEFAULT_NETMTU)
                : TotemConfig.forNodeCount(scenario.nodes());
    }

    private long tokenNanos() {
        return totemConfig.tokenTimeoutNanos();
    }

    private Result run() {
        History history = recorder.history();
        sim.addNodes(ids);
        // A link fault lasts long enough for the merge hold-off to reach its longer holds.
        long faultPhase = (scenario.faults().failsLinks() ? 60 : 20) * tokenNanos();
        long step = tokenNanos() / POLLS_PER_TOKEN;
        if (cpg != null) {
            cpg.scheduleWorkload(scenario.messages(), faultPhase, ids);
        } else {
            scheduleWorkload(faultPhase);
        }
        long faultStart = 0;
        if (scenario.faults().failsNetworks()) {
            // Network faults start once the first ring formed, so the configurations the run
            // counts from then on are the ones the faults caused, not how the ring came together.
            faultStart = firstRing(step);
        }
        recorder.countConfigsFrom(faultStart);
        if (scenario.faults() != FaultProfile.NONE) {
            new FaultPlan(scenario.faults(), ids, totemConfig, sim.randomStreams().named("faults"), scenario.networks())
                    .schedule(sim, faultStart, faultPhase);
        }
        sim.runUntil(faultStart + faultPhase);
        // The run stops as soon as it can; the bound only catches a ring that never gets there.
        // A fixed ring under heavy loss moves slowly (every lost token costs token_retransmit).
        long bound = sim.nowNanos() + (scenario.engine() == EngineKind.SRP ? 200 : 40) * tokenNanos();
        if (scenario.engine() == EngineKind.SRP) {
            history.configurationsExpected(false);
            history.quietFrom(0);
            // Every workload message, by the ids drawn for it: one whose submit is still being
            // retried after a TRY_AGAIN is not in the history yet, and must be waited for too.
            while (sim.nowNanos() < bound && !allDelivered(history, workload)) {
                sim.runUntil(sim.nowNanos() + step);
            }
        } else {
            while (sim.nowNanos() < bound && !converged()) {
                sim.runUntil(sim.nowNanos() + step);
            }
            if (oneWayWatch != null && converged()) {
                oneWayWatch.merged(sim.nowNanos());
            }
            history.quietFrom(sim.nowNanos() / 1_000);
            trace.quiet(sim.nowNanos()); // so a checker reading the trace back checks liveness too
            // The late messages are named here, not read back from the history: they are only
            // submitted when the loop below runs the simulation, so until then the history holds
            // none and "all of them delivered" would hold at once: the run would end without them.
            java.util.Set<String> late = new java.util.HashSet<>();
            if (cpg != null) {
                cpg.sendLateMessages(liveIds());
            } else {
                for (int id : liveIds()) {
                    late.add(submit(sim.nowNanos(), id, Guarantee.SAFE));
                }
            }
            long lateBound = sim.nowNanos() + 20 * tokenNanos();
            while (sim.nowNanos() < lateBound && !(cpg != null ? cpg.lateMessagesDelivered(liveIds()) : allDelivered(history, late))) {
                sim.runUntil(sim.nowNanos() + step);
            }
            // A network the faults left faulty comes back on its own (rrp-recovery): give it the time.
            while (rrpWatch != null && sim.nowNanos() < lateBound && !rrpWatch.allInUse()) {
                sim.runUntil(sim.nowNanos() + step);
            }
        }
        List<Violation> violations = new ArrayList<>(probeViolations);
        violations.addAll(EvsChecker.check(history));
        if (rrpWatch != null) {
            violations.addAll(rrpWatch.check(sim.nowNanos(), recorder.configsCounted()));
        }
        if (stableRingWatch != null) {
            violations.addAll(stableRingWatch.check());
        }
        if (oneWayWatch != null) {
            violations.addAll(oneWayWatch.check());
        }
        if (cpg != null) {
            violations.addAll(cpg.check());
        }
        return new Result(seed, cpg != null ? cpg.delivered() : history.deliveries(), recorder.configs(),
                recorder.configsCounted(), violations, sim.nowNanos() / 1_000_000, sim.eventsProcessed());
    }

    /**
     * Forms the first ring of all nodes in one step and returns when it did (at most ten token
     * timeouts on).
     *
     * <p>The nodes boot while their networks are still down, until the processor's startup
     * jitter (up to one join period) has fired on every node, so they all gather at once. Booted
     * together on a working network, two nodes could agree on a ring of two before the others'
     * joins reach them (seed 497 of passive netfail: 3 ms after boot), and the merge that follows
     * would pass for a change the network faults caused; the processor now waits one join period
     * after the first join it hears before its first commit, which closes that race too.
     */
    private long firstRing(long step) {
        int[][] alone = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            alone[i] = new int[] {ids[i]};
        }
        long earliest = totemConfig.joinNanos() + 1_000_000L;
        sim.partition(0, alone);
        sim.heal(earliest);
        long bound = 10 * tokenNanos();
        sim.runUntil(earliest);
        while (sim.nowNanos() < bound && !converged()) {
            sim.runUntil(Math.min(bound, sim.nowNanos() + Math.max(1_000_000, step / 100)));
        }
        return sim.nowNanos();
    }

    private void scheduleWorkload(long phaseNanos) {
        workload = new java.util.HashSet<>();
        for (int i = 0; i < scenario.messages(); i++) {
            long at = workloadRandom.nextLong(Math.max(1, phaseNanos * 3 / 4));
            int node = ids[workloadRandom.nextInt(ids.length)];
            Guarantee g = workloadRandom.nextDouble() < scenario.safeRatio() ? Guarantee.SAFE : Guarantee.AGREED;
            workload.add(submit(at, node, g));
        }
    }

    /** Submits a message of a drawn size at {@code at} and returns its id. */
    private String submit(long at, int node, Guarantee g) {
        String id = "m" + (++nextMessage);
        int min = Math.max(scenario.minSizeBytes(), id.length() + 1);
        int max = Math.max(min, scenario.maxSizeBytes());
        // Log-uniform sizes: most messages small, a few near the maximum.
        int size = (int) Math.round(Math.exp(Math.log(min) + workloadRandom.nextDouble() * (Math.log(max) - Math.log(min))));
        sim.submit(at, node, Payloads.build(id, Math.max(min, Math.min(max, size))), g);
        return id;
    }

    private int[] liveIds() {
        return Arrays.stream(ids).filter(id -> sim.nodeState(id) == NodeState.UP).toArray();
    }

    /** Every live node's last configuration is one regular configuration of exactly the live nodes. */
    private boolean converged() {
        int[] live = liveIds();
        String ring = null;
        for (int id : live) {
            if (!(engine(id) instanceof TotemProcessor p) || p.state() != dev.totem.membership.MembershipState.OPERATIONAL) {
                return false;
            }
            String r = p.ringId().toString();
            if (ring != null && !ring.equals(r)) {
                return false;
            }
            ring = r;
        }
        for (int id : live) {
            History.Event c = null;
            for (History.Event e : recorder.history().events(id)) {
                if (e.kind() == History.Kind.CONFIG) {
                    c = e;
                }
            }
            if (c == null || !Arrays.equals(c.members(), live)) {
                return false;
            }
        }
        return cpg == null || cpg.converged(live);
    }

    /** Every message of {@code expected} was delivered by every live node. */
    private boolean allDelivered(History history, java.util.Set<String> expected) {
        for (int id : liveIds()) {
            java.util.Set<String> got = new java.util.HashSet<>();
            for (History.Event e : history.events(id)) {
                if (e.kind() == History.Kind.DELIVER) {
                    got.add(e.id());
                }
            }
            if (!got.containsAll(expected)) {
                return false;
            }
        }
        return true;
    }

    /** An application that retries a refused submit a little later, as corosync clients do on TRY_AGAIN. */
    private final class Retrier implements SimulationListener {
        @Override
        public void onSubmit(long timeNanos, int nodeId, byte[] payload, Guarantee guarantee, SubmitStatus status) {
            if (status == SubmitStatus.TRY_AGAIN) {
                sim.submit(timeNanos + 1_000_000, nodeId, payload, guarantee);
            }
        }
    }

    /**
     * On a fixed ring, checks what safe delivery promises when it happens: every node holds
     * every seq up to the point the delivering node considers safe.
     */
    private final class SafeProbe implements SimulationListener {
        @Override
        public void onDeliver(long timeNanos, int nodeId, Effect.Deliver deliver) {
            if (deliver.guarantee() != Guarantee.SAFE || probeViolations.size() > 5) {
                return;
            }
            long safe = ((FixedRingEngine) engine(nodeId)).ring().safeUpTo();
            for (int other : ids) {
                FixedRingEngine e = (FixedRingEngine) engine(other);
                if (e != null && e.ring().myAru() < safe) {
                    probeViolations.add(new Violation("safe", "node " + nodeId + " delivered a safe message with every seq up to "
                            + safe + " considered held by all, but node " + other + " holds only up to " + e.ring().myAru()));
                }
            }
        }
    }
}
