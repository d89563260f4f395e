package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.membership.TotemProcessor;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.Payloads;
import dev.totem.simulator.SimConfig;
import dev.totem.simulator.Simulation;
import dev.totem.simulator.SimulationListener;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A node that reloaded a shorter token timeout finds a lost token by it, while the others still
 * wait for theirs, and the ring they form afterwards holds every node: the reload reached the
 * processor's timers, and nodes with different timeouts agree on the order.
 */
class ReloadedTunablesTest {
    private static final TotemConfig CONFIG = TotemConfig.forNodeCount(4); // token 4300 ms
    private static final int RELOADED = 3;
    private static final int CRASHED = 1;

    @Test
    void aReloadedTokenTimeoutFindsTheLossSoonerAndTheRingStillFormsWithEveryone() {
        TotemConfig shorter = TotemConfig.fromToken(1000, TotemConfig.DEFAULT_NETMTU);
        long token = CONFIG.tokenTimeoutNanos();
        for (long seed = 1; seed <= 5; seed++) {
            Simulation sim = new Simulation(SimConfig.defaults(), seed,
                    (id, store, random) -> new TotemProcessor(CONFIG, id, store, random));
            sim.addNodes(1, 2, 3, 4);
            long reloadAt = 5 * token;
            long crashAt = 8 * token;
            sim.call(reloadAt, RELOADED, (engine, now) -> engine.reloadTunables(now, shorter));
            for (int i = 0; i * 50_000_000L < 20 * token; i++) {
                sim.submit(i * 50_000_000L, 2 + i % 3, Payloads.build("m" + i, 100), Guarantee.AGREED);
            }
            sim.crash(crashAt, CRASHED);
            Map<Integer, Long> lostAfterCrash = new TreeMap<>();
            Map<Integer, int[]> lastRing = new TreeMap<>();
            sim.addListener(new SimulationListener() {
                @Override
                public void onTokenLost(long t, int node, Effect.TokenLost lost) {
                    if (t >= crashAt) {
                        lostAfterCrash.putIfAbsent(node, t - crashAt);
                    }
                }

                @Override
                public void onConfigurationChange(long t, int node, Effect.ConfigurationChange c) {
                    if (c.kind() == Effect.ConfigurationKind.REGULAR) {
                        lastRing.put(node, c.members().clone());
                    }
                }
            });
            sim.runUntil(crashAt + 4 * token);
            assertThat(lostAfterCrash).as("seed %d: token losses after the crash", seed).containsKey(RELOADED);
            assertThat(lostAfterCrash.get(RELOADED)).as("seed %d: node %d by its reloaded 1000 ms", seed, RELOADED)
                    .isLessThan(shorter.tokenTimeoutNanos() + shorter.tokenTimeoutNanos() / 2);
            // The others leave gather as soon as node 3's joins arrive, before their own timeouts.
            for (int node : new int[] {2, 4}) {
                assertThat(lastRing.get(node)).as("seed %d: node %d's ring", seed, node).containsExactly(2, 3, 4);
            }
            assertThat(lastRing.get(RELOADED)).containsExactly(2, 3, 4);
            assertThat(((TotemProcessor) sim.engine(RELOADED)).config().tokenTimeoutMs()).isEqualTo(1000);
            assertThat(((TotemProcessor) sim.engine(2)).config().tokenTimeoutMs()).isEqualTo(CONFIG.tokenTimeoutMs());
        }
    }
}
