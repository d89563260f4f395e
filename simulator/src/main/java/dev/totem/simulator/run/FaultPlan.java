package dev.totem.simulator.run;

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
    private final FaultProfile profile;
    private final int[] ids;
    private final long tokenNanos;
    private final SplittableRandom random;

    FaultPlan(FaultProfile profile, int[] ids, long tokenNanos, SplittableRandom random) {
        this.profile = profile;
        this.ids = ids.clone();
        this.tokenNanos = tokenNanos;
        this.random = random;
    }

    void schedule(Simulation sim, long phaseNanos) {
        int faults = 2 + random.nextInt(6);
        for (int i = 0; i < faults; i++) {
            long at = random.nextLong(phaseNanos * 3 / 4);
            long duration = tokenNanos / 2 + random.nextLong(3 * tokenNanos);
            long end = Math.min(phaseNanos - 1, at + duration);
            FaultProfile kind = profile == FaultProfile.CHAOS ? pickChaos() : profile;
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
                case NONE, CHAOS -> { }
            }
        }
        sim.heal(phaseNanos);
        sim.setLossProbability(phaseNanos, 0, 0);
        for (int id : ids) {
            sim.restart(phaseNanos, id);
            sim.resume(phaseNanos, id);
        }
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
        switch (random.nextInt(3)) {
            case 0 -> { // majority / minority, or any split in two
                List<Integer> shuffled = shuffled();
                int cut = 1 + random.nextInt(ids.length - 1);
                sim.partition(at, toArray(shuffled.subList(0, cut)), toArray(shuffled.subList(cut, shuffled.size())));
            }
            case 1 -> { // a lone node
                int lone = pick();
                int[] rest = Arrays.stream(ids).filter(x -> x != lone).toArray();
                sim.partition(at, new int[] {lone}, rest);
            }
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
