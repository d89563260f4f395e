package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.membership.TotemProcessor;
import dev.totem.membership.TotemProcessor.PlantedBug;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.Payloads;
import dev.totem.simulator.SimConfig;
import dev.totem.simulator.Simulation;
import dev.totem.simulator.SimulationListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node paused longer than the token timeout comes back to joins the others sent meanwhile,
 * naming it failed. Acted on, they make it fail them in turn and form a ring alone before it
 * merges back (two configuration changes more for everyone); dropped, as corosync flushes them,
 * it goes from its old ring straight to the ring of all.
 */
class PauseFlushTest {
    private static final int PAUSED = 3;

    @Test
    void aNodeBackFromAPauseDropsTheJoinsQueuedMeanwhileAndFormsNoRingAlone() {
        TotemConfig config = TotemConfig.forNodeCount(3);
        for (long seed = 1; seed <= 5; seed++) {
            Run flushed = run(config, seed, PlantedBug.NONE);
            assertThat(flushed.pausedNodeRings).as("seed %d: regular configurations of node %d after the pause", seed, PAUSED)
                    .noneSatisfy(members -> assertThat(members).containsExactly(PAUSED))
                    .last().satisfies(members -> assertThat(members).containsExactly(1, 2, 3));
            assertThat(flushed.processor.membershipStats().joinsFlushedAfterPause).as("seed %d", seed).isPositive();
            assertThat(flushed.processor.membershipStats().pauseFlushes).as("seed %d", seed).isEqualTo(1);

            Run acted = run(config, seed, PlantedBug.NO_PAUSE_FLUSH);
            assertThat(acted.pausedNodeRings).as("seed %d without the flush", seed)
                    .anySatisfy(members -> assertThat(members).containsExactly(PAUSED));
            assertThat(acted.processor.membershipStats().joinsFlushedAfterPause).isZero();
        }
    }

    @Test
    void aPauseShorterThanHalfTheTokenTimeoutFlushesNothing() {
        TotemConfig config = TotemConfig.forNodeCount(3);
        Run shortPause = run(config, 1, PlantedBug.NONE, config.tokenTimeoutNanos() / 3);
        assertThat(shortPause.processor.membershipStats().pauseFlushes).isZero();
        assertThat(shortPause.processor.membershipStats().joinsFlushedAfterPause).isZero();
    }

    private record Run(TotemProcessor processor, List<int[]> pausedNodeRings) {
    }

    private static Run run(TotemConfig config, long seed, PlantedBug bug) {
        return run(config, seed, bug, 3 * config.tokenTimeoutNanos());
    }

    /** Three nodes multicasting every 100 ms; node 3 paused at the tenth token timeout for {@code pauseNanos}. */
    private static Run run(TotemConfig config, long seed, PlantedBug bug, long pauseNanos) {
        long token = config.tokenTimeoutNanos();
        Simulation sim = new Simulation(SimConfig.defaults(), seed,
                (id, store, random) -> new TotemProcessor(config, id, store, random, bug));
        sim.addNodes(1, 2, 3);
        long pauseAt = 10 * token;
        long end = pauseAt + pauseNanos + 20 * token;
        for (int i = 0; i * 100_000_000L < end; i++) {
            sim.submit(i * 100_000_000L, 1 + i % 3, Payloads.build("m" + i, 100), Guarantee.AGREED);
        }
        List<int[]> rings = new ArrayList<>();
        sim.addListener(new SimulationListener() {
            @Override
            public void onConfigurationChange(long t, int node, Effect.ConfigurationChange c) {
                if (node == PAUSED && t >= pauseAt && c.kind() == Effect.ConfigurationKind.REGULAR) {
                    rings.add(Arrays.copyOf(c.members(), c.members().length));
                }
            }
        });
        sim.pause(pauseAt, PAUSED);
        sim.resume(pauseAt + pauseNanos, PAUSED);
        sim.runUntil(end);
        return new Run((TotemProcessor) sim.engine(PAUSED), rings);
    }
}
