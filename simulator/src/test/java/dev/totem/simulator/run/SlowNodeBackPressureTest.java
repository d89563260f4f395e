package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.srp.FixedRingEngine;
import dev.totem.simulator.Payloads;
import dev.totem.simulator.SimConfig;
import dev.totem.simulator.Simulation;
import dev.totem.simulator.SimulationListener;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One node is slow to take the token (here: stopped for a while, the extreme case). The others
 * keep submitting as fast as they can: their send queues stop at the cap and submits answer
 * TRY_AGAIN instead of growing; nothing accepted is lost once the slow node catches up.
 */
class SlowNodeBackPressureTest {
    @Test
    void sendQueueIsCappedAndBackPressureReturnedWhileTheTokenIsHeldUp() {
        TotemConfig config = TotemConfig.fromToken(1000, 1500).withSendQueueFramesMax(64);
        int[] ids = {1, 2, 3};
        Simulation sim = new Simulation(SimConfig.defaults(), 7, (id, store, random) -> new FixedRingEngine(config, id, ids));
        Map<SubmitStatus, Integer> answers = new EnumMap<>(SubmitStatus.class);
        Set<String> accepted = new HashSet<>();
        Map<Integer, Set<String>> delivered = Map.of(1, new HashSet<>(), 2, new HashSet<>(), 3, new HashSet<>());
        int[] maxQueued = new int[1];
        sim.addListener(new SimulationListener() {
            @Override
            public void onSubmit(long t, int node, byte[] payload, Guarantee g, SubmitStatus status) {
                answers.merge(status, 1, Integer::sum);
                if (status == SubmitStatus.ACCEPTED) {
                    accepted.add(Payloads.id(payload));
                }
                maxQueued[0] = Math.max(maxQueued[0], ((FixedRingEngine) sim.engine(node)).queuedFrames());
            }

            @Override
            public void onDeliver(long t, int node, Effect.Deliver d) {
                delivered.get(node).add(Payloads.id(d.payload()));
            }
        });
        sim.addNodes(ids);
        sim.pause(100_000_000, 3);
        // 4000 messages of 1 KB from nodes 1 and 2, one every 50 µs, mostly while node 3 sleeps.
        for (int i = 0; i < 4000; i++) {
            sim.submit(100_000_000 + i * 50_000L, 1 + (i % 2), Payloads.build("m" + i, 1000), Guarantee.AGREED);
        }
        sim.resume(600_000_000, 3);
        sim.runUntil(5_000_000_000L);

        assertThat(answers.get(SubmitStatus.TRY_AGAIN)).as("submits refused while the token was held up").isPositive();
        assertThat(maxQueued[0]).as("frames queued at most").isLessThanOrEqualTo(64);
        for (int node : ids) {
            assertThat(delivered.get(node)).as("node %d delivered every accepted message", node).isEqualTo(accepted);
        }
    }
}
