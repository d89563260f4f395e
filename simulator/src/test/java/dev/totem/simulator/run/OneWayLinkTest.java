package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.membership.TotemProcessor;
import dev.totem.membership.TotemProcessor.PlantedBug;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.check.Violation;
import dev.totem.simulator.trace.TraceWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One link down in one direction for a long while ({@code --faults oneway}): the merge hold-off
 * keeps the rest of the ring stable (oneway-stability), every EVS property holds, and once the
 * link heals the shut-out node is back within the bound of the run.
 */
class OneWayLinkTest {
    private static Scenario oneWay(int nodes) {
        return new Scenario(nodes, 500, 0, 0.3, 64, 64, FaultProfile.ONEWAY, EngineKind.TOTEM, 0);
    }

    @Test
    void theRingOutsideTheLinkStaysStableAndTheNodeComesBack() {
        SimPropertyTest.passes(oneWay(5), 1, 8);
        SimPropertyTest.passes(oneWay(3), 1, 4);
        SimPropertyTest.passes(oneWay(8), 1, 2);
    }

    /**
     * The watch is only worth its passes if it fails a ring that lets the shut-out node try each
     * time, as corosync's does. Not every link matters: the first member after the deaf node
     * round the ring that holds a frame serves its retransmission request, so unless that is the
     * node it cannot hear, or that node hands it the token, the link costs only retransmissions
     * (seed 1, link 5 -> 3: node 4 serves node 3).
     */
    @Test
    void withoutTheHoldOffTheRingKeepsReforming() {
        assertThat(seedsCaught(5, 8, PlantedBug.NO_MERGE_HOLD_OFF, "rings while link"))
                .as("seeds of 1..8 whose ring kept re-forming without the hold-off").hasSizeGreaterThanOrEqualTo(3);
    }

    /** The seeds of 1..{@code seeds} on which the watch caught processors with {@code bug}; it must catch nothing else. */
    private static List<Long> seedsCaught(int nodes, long seeds, PlantedBug bug, String detail) {
        Scenario scenario = oneWay(nodes);
        TotemConfig config = SeedRunner.totemConfig(scenario);
        List<Long> caught = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            SeedRunner.Result r = SeedRunner.run(scenario, seed, TraceWriter.nowhere(),
                    (id, store, random) -> new TotemProcessor(config, id, store, random, bug));
            assertThat(r.violations()).as("seed %d with %s", seed, bug).extracting(Violation::property)
                    .isSubsetOf("oneway-stability");
            if (!r.violations().isEmpty()) {
                assertThat(r.violations().get(0).detail()).contains(detail);
                caught.add(seed);
            }
        }
        return caught;
    }

    /**
     * The shut-out end of the link forms a ring of its own at each try the others make; without
     * the merge quiet it also gathered on every frame of theirs that it took for a merge, and formed
     * a ring alone at each consensus timeout (27 to 47 rings in the phase on seeds 1..30 of 3 nodes).
     */
    @Test
    void withoutTheQuietTheShutOutNodeReformsAloneOverAndOver() {
        assertThat(seedsCaught(3, 4, PlantedBug.NO_MERGE_QUIET, "at an end of the link"))
                .as("seeds of 1..4 whose shut-out node kept re-forming alone").hasSizeGreaterThanOrEqualTo(3);
    }

    /**
     * A node that failed to receive names itself failed and waits, alone in gather, for the
     * others' agreement or its consensus timeout, sending a join every join period. The others,
     * operational in their ring without it, once took each of those joins for news and formed
     * their ring again: every 50 ms for seconds (seed 2 of 3 nodes, link 3 -> 2, with no hold-off
     * to hide it: 1504 rings in the phase, over 9,000 configuration changes in all). They ignore a
     * join from outside their ring that names its own sender failed.
     */
    @Test
    void aNodeThatFailedToReceiveDoesNotPullTheOthersIntoGatherWithEachJoin() {
        Scenario scenario = oneWay(3);
        TotemConfig config = SeedRunner.totemConfig(scenario);
        SeedRunner.Result r = SeedRunner.run(scenario, 2, TraceWriter.nowhere(),
                (id, store, random) -> new TotemProcessor(config, id, store, random, PlantedBug.NO_MERGE_HOLD_OFF));
        assertThat(r.configs()).as("configuration changes of seed 2 without the hold-off").isBetween(100L, 1_500L);
    }
}
