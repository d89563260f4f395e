package dev.totem.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Guarantee;
import dev.totem.simulator.trace.TraceHash;
import dev.totem.simulator.trace.TraceWriter;
import dev.totem.testkit.SeededCases;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A seed fixes the whole run: the same seed gives the same trace, byte for byte; another seed another trace. */
class DeterminismTest {
    private static final int[] MEMBERS = {1, 2, 3, 4, 5};
    private static final long RUN_NANOS = 200_000_000;

    @Test
    void theSameSeedGivesTheSameTraceAndAnotherSeedAnother() {
        SeededCases.run(20_000, 4, (random, seed) -> {
            TraceHash first = floodWithFaults(seed);
            TraceHash second = floodWithFaults(seed);
            TraceHash other = floodWithFaults(seed + 1_000_003);

            assertThat(first.lines()).as("a trace with content").isGreaterThan(500);
            assertThat(second.hex()).isEqualTo(first.hex());
            assertThat(other.hex()).isNotEqualTo(first.hex());
        });
    }

    @Test
    void timersAndUnicastAreDeterministicToo() {
        SeededCases.run(30_000, 3, (random, seed) -> {
            TraceHash first = tokenRingWithFaults(seed);
            assertThat(first.lines()).as("faults and token losses").isGreaterThan(10);
            assertThat(tokenRingWithFaults(seed).hex()).isEqualTo(first.hex());
        });
    }

    /** Flood engines under a random workload, lossy jittery network, crashes, pauses and partitions. */
    private static TraceHash floodWithFaults(long seed) {
        TraceHash hash = new TraceHash();
        NetworkConfig network = NetworkConfig.defaults().withLossProbability(0.02).withDuplicateProbability(0.01)
                .withExtraDelay(0.05, 2_000_000);
        Simulation sim = new Simulation(SimConfig.defaults().withNetwork(network), seed, FloodEngine.factory(MEMBERS),
                new TraceWriter(hash));
        sim.addNodes(MEMBERS);
        SplittableRandom workload = sim.randomStreams().named("workload");
        for (int i = 0; i < 300; i++) {
            Guarantee guarantee = workload.nextBoolean() ? Guarantee.AGREED : Guarantee.SAFE;
            byte[] payload = Payloads.build("m-" + i, 16 + workload.nextInt(200));
            sim.submit(workload.nextLong(RUN_NANOS), MEMBERS[workload.nextInt(MEMBERS.length)], payload, guarantee);
        }
        scheduleFaults(sim, sim.randomStreams().named("faults"));
        sim.runUntil(RUN_NANOS);
        return hash;
    }

    /** Token-passing engines (timers, unicast) under loss, pauses and crashes. */
    private static TraceHash tokenRingWithFaults(long seed) {
        TraceHash hash = new TraceHash();
        Simulation sim = new Simulation(SimConfig.defaults().withNetwork(NetworkConfig.defaults().withLossProbability(0.01)),
                seed, TokenRingEngine.factory(MEMBERS), new TraceWriter(hash));
        sim.addNodes(MEMBERS);
        scheduleFaults(sim, sim.randomStreams().named("faults"));
        sim.runUntil(RUN_NANOS);
        return hash;
    }

    private static void scheduleFaults(Simulation sim, SplittableRandom faults) {
        for (int i = 0; i < 6; i++) {
            long startNanos = faults.nextLong(RUN_NANOS / 2);
            long endNanos = startNanos + faults.nextLong(RUN_NANOS / 4);
            int node = MEMBERS[faults.nextInt(MEMBERS.length)];
            switch (faults.nextInt(3)) {
                case 0 -> {
                    sim.crash(startNanos, node);
                    sim.restart(endNanos, node);
                }
                case 1 -> {
                    sim.pause(startNanos, node);
                    sim.resume(endNanos, node);
                }
                default -> {
                    sim.partition(startNanos, new int[] {1, 2}, new int[] {3, 4, 5});
                    sim.block(startNanos, 3, node == 3 ? 4 : node);
                    sim.heal(endNanos);
                }
            }
        }
    }
}
