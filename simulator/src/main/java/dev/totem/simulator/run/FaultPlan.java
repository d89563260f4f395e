package dev.totem.simulator.run;

import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.Simulation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the faults of one seed from its profile and schedules them inside the fault phase, then
 * ends every fault at the phase's end (heal, restart, resume), so the quiet period that follows
 * has none.
 */
final class FaultPlan {
    /**
     * Netfail: the least time between a network's heal and the next network fault. A healed
     * network is back in use after the redundant ring's recovery time (1 s by default); failing
     * another one sooner would leave no network in use for a while, which is a fault of every
     * network, not of one.
     */
    static final long NETFAIL_GAP_NANOS = 2_000_000_000L;
    /** Netfail: the most base loss drawn for every network ("a little loss"). */
    static final double NETFAIL_BASE_LOSS_MAX = 0.01;
    /** Netfail: the most loss of a degraded network. */
    static final double NETFAIL_DEGRADED_LOSS_MAX = 0.3;

    /** Retune: the fewest and most reloads in a fault phase. */
    static final int RELOADS_MIN = 2;
    static final int RELOADS_MAX = 8;

    private final FaultProfile profile;
    private final int[] ids;
    /** The tunables every node starts with; retune's reloads are drawn around them and end on them. */
    private final TotemConfig base;
    private final long tokenNanos;
    private final SplittableRandom random;
    private final int networks;

    FaultPlan(FaultProfile profile, int[] ids, TotemConfig base, SplittableRandom random, int networks) {
        this.profile = profile;
        this.ids = ids.clone();
        this.base = base;
        this.tokenNanos = base.tokenTimeoutNanos();
        this.random = random;
        this.networks = networks;
    }

    /** Schedules the faults of the phase {@code [startNanos, startNanos + phaseNanos)} and their end. */
    void schedule(Simulation sim, long startNanos, long phaseNanos) {
        if (profile.failsNetworks()) {
            scheduleNetworkFaults(sim, startNanos, phaseNanos);
        } else if (profile == FaultProfile.ONEWAY) {
            int from = pick();
            int to = pick();
            while (ids.length > 1 && to == from) {
                to = pick();
            }
            if (to != from) {
                sim.block(startNanos + random.nextLong(tokenNanos), from, to);
                if (random.nextBoolean()) {
                    // After half the repairs an end of the link restarts as it heals, as an operator
                    // does: a node the ring holds off is let in by its first joins (flag BOOT).
                    sim.crash(startNanos + phaseNanos - 1_000_000, random.nextBoolean() ? from : to);
                }
            }
        } else if (profile == FaultProfile.PARTIAL) {
            // Two links, each one way or both ways: no ring can then hold every node.
            int[] first = null;
            for (int link = 0; link < 2; link++) {
                int from = pick();
                int to = pick();
                while (to == from || first != null && Math.min(from, to) == Math.min(first[0], first[1])
                        && Math.max(from, to) == Math.max(first[0], first[1])) {
                    from = pick();
                    to = pick();
                }
                first = new int[] {from, to};
                long at = startNanos + random.nextLong(tokenNanos);
                sim.block(at, from, to);
                if (random.nextBoolean()) {
                    sim.block(at, to, from);
                }
            }
        } else {
            scheduleNodeFaults(sim, phaseNanos);
            if (profile == FaultProfile.RETUNE) {
                scheduleReloads(sim, phaseNanos); // drawn after the faults, so these are chaos's draws
            }
        }
        long end = startNanos + phaseNanos;
        sim.heal(end);
        for (int net = 0; net < networks; net++) {
            sim.setLossProbability(end, net, 0);
        }
        for (int id : ids) {
            sim.restart(end, id);
            sim.resume(end, id);
        }
    }

    private void scheduleNodeFaults(Simulation sim, long phaseNanos) {
        int faults = 2 + random.nextInt(6);
        for (int i = 0; i < faults; i++) {
            long at = random.nextLong(phaseNanos * 3 / 4);
            long duration = tokenNanos / 2 + random.nextLong(3 * tokenNanos);
            long end = Math.min(phaseNanos - 1, at + duration);
            FaultProfile kind = profile == FaultProfile.CHAOS || profile == FaultProfile.RETUNE ? pickChaos() : profile;
            switch (kind) {
                case PARTITION -> partition(sim, at, end);
                case CRASH -> {
                    int node = pick();
                    sim.crash(at, node);
                    sim.restart(end, node);
                }
                case PAUSE -> {
                    int node = pick();
                    // Longer than the token timeout, so the others notice and form a ring without it.
                    sim.pause(at, node);
                    sim.resume(Math.min(phaseNanos - 1, at + tokenNanos + tokenNanos / 5 + random.nextLong(2 * tokenNanos)), node);
                }
                case LOSS -> {
                    sim.setLossProbability(at, 0, random.nextDouble() * 0.3);
                    sim.setLossProbability(end, 0, 0);
                }
                case NONE, CHAOS, NETFAIL, NETFAIL_ALL, NETFAIL_ONEWAY, ONEWAY, PARTIAL, RETUNE -> { }
            }
        }
    }

    /**
     * Retune: nodes reload other tunables at random times, one node at a time as an operator
     * edits and reloads file after file, so that the ring runs with several token timeouts and
     * windows at once; at the phase's end every node reloads the run's own, so that the quiet
     * period is judged on them.
     */
    private void scheduleReloads(Simulation sim, long phaseNanos) {
        int reloads = RELOADS_MIN + random.nextInt(RELOADS_MAX - RELOADS_MIN + 1);
        for (int i = 0; i < reloads; i++) {
            TotemConfig tunables = drawTunables();
            sim.call(random.nextLong(phaseNanos * 3 / 4), pick(), (engine, now) -> engine.reloadTunables(now, tunables));
        }
        for (int id : ids) {
            sim.call(phaseNanos - 1, id, (engine, now) -> engine.reloadTunables(now, base));
        }
    }

    /**
     * Tunables around the run's: a token timeout from half to one and a half times its (the rest
     * derived from it as corosync derives them), a window of 10 to 200 frames, max_messages up to
     * the window, a miss count of 1 to 10 and seqno_unchanged_const of 1 to 60.
     */
    private TotemConfig drawTunables() {
        int token = (int) (base.tokenTimeoutMs() * (0.5 + random.nextDouble()));
        TotemConfig derived = TotemConfig.fromToken(Math.max(100, token), TotemConfig.DEFAULT_NETMTU);
        int window = 10 + random.nextInt(191);
        return new TotemConfig(derived.tokenTimeoutMs(), derived.tokenRetransmitMs(), derived.holdMs(), base.joinMs(),
                derived.consensusMs(), base.mergeMs(), base.failRecvConst(), 1 + random.nextInt(60), window,
                1 + random.nextInt(window), 1 + random.nextInt(10), base.retransmitEntriesMax(), base.frameBytesMax(),
                base.messageBytesMax(), base.sendQueueFramesMax(), base.sortQueueFramesMax());
    }

    /**
     * One network fault at a time, each on a network drawn at random: cut (all its copies lost,
     * or that network alone split in two), or degraded (up to 30% loss); then healed, and a gap
     * before the next. Every network keeps a little loss throughout. With {@link
     * FaultProfile#NETFAIL_ALL} a third of the faults cut every network at once for a split of
     * the nodes, which is a partition that no redundancy can hide.
     */
    private void scheduleNetworkFaults(Simulation sim, long startNanos, long phaseNanos) {
        double base = random.nextDouble() * NETFAIL_BASE_LOSS_MAX;
        for (int net = 0; net < networks; net++) {
            sim.setLossProbability(startNanos, net, base);
        }
        long last = startNanos + phaseNanos - 1;
        long at = startNanos + random.nextLong(tokenNanos);
        while (at < startNanos + phaseNanos * 3 / 4) {
            long end = Math.min(last, at + tokenNanos / 2 + random.nextLong(3 * tokenNanos));
            int net = random.nextInt(networks);
            if (profile == FaultProfile.NETFAIL_ALL && random.nextInt(3) == 0) {
                sim.partition(at, split(random.nextBoolean()));
                sim.heal(end);
            } else {
                switch (random.nextInt(profile == FaultProfile.NETFAIL_ONEWAY ? 4 : 3)) {
                    case 0 -> {
                        sim.setLossProbability(at, net, 1.0);
                        sim.setLossProbability(end, net, base);
                    }
                    case 1 -> {
                        sim.partitionNetwork(at, net, split(random.nextBoolean()));
                        sim.healNetwork(end, net);
                    }
                    case 2 -> {
                        sim.setLossProbability(at, net, random.nextDouble() * NETFAIL_DEGRADED_LOSS_MAX);
                        sim.setLossProbability(end, net, base);
                    }
                    default -> {
                        sim.deafenNetwork(at, net, pick());
                        sim.healNetwork(end, net);
                    }
                }
            }
            at = end + NETFAIL_GAP_NANOS + random.nextLong(tokenNanos);
        }
    }

    /** Two groups: a lone node and the rest, or else majority / minority or any cut in two. */
    private int[][] split(boolean loneNode) {
        if (ids.length < 2) {
            return new int[][] {ids.clone()};
        }
        if (loneNode) {
            int lone = pick();
            return new int[][] {{lone}, Arrays.stream(ids).filter(x -> x != lone).toArray()};
        }
        List<Integer> shuffled = shuffled();
        int cut = 1 + random.nextInt(ids.length - 1);
        return new int[][] {toArray(shuffled.subList(0, cut)), toArray(shuffled.subList(cut, shuffled.size()))};
    }

    private FaultProfile pickChaos() {
        FaultProfile[] kinds = {FaultProfile.PARTITION, FaultProfile.CRASH, FaultProfile.PAUSE, FaultProfile.LOSS};
        return kinds[random.nextInt(kinds.length)];
    }

    private int pick() {
        return ids[random.nextInt(ids.length)];
    }

    private void partition(Simulation sim, long at, long end) {
        if (ids.length < 2) {
            return;
        }
        int kind = random.nextInt(3);
        switch (kind) {
            case 0, 1 -> sim.partition(at, split(kind == 1));
            default -> { // asymmetric: one direction of a few links fails
                int links = 1 + random.nextInt(Math.max(1, ids.length / 2));
                for (int i = 0; i < links; i++) {
                    int from = pick();
                    int to = pick();
                    if (from != to) {
                        sim.block(at, from, to);
                    }
                }
            }
        }
        sim.heal(end);
    }

    private List<Integer> shuffled() {
        List<Integer> l = new ArrayList<>();
        for (int id : ids) {
            l.add(id);
        }
        for (int i = l.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer t = l.get(i);
            l.set(i, l.get(j));
            l.set(j, t);
        }
        return l;
    }

    private static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }
}
