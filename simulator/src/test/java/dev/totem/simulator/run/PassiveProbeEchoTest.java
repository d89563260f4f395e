package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.membership.TotemProcessor;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.rrp.RedundantRing;
import dev.totem.rrp.RrpConfig;
import dev.totem.rrp.RrpMode;
import dev.totem.rrp.RrpProbe;
import dev.totem.simulator.LatencyModel;
import dev.totem.simulator.NetworkConfig;
import dev.totem.simulator.SimConfig;
import dev.totem.simulator.Simulation;
import dev.totem.simulator.SimulationListener;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A passive ring of five over two networks: one node reads, in one instant, a peer's probe that
 * leaves network 0 and the next one that takes it back, as a paused node replays its socket
 * buffer on resume ({@code sim --faults pause --networks 2 --rrp passive --seeds 1}). It follows
 * the peer off the network and back; the other nodes heard that peer themselves and must not
 * echo its flip round the ring (they did, every flip announced at once: a hundred million
 * events in nine virtual seconds).
 */
class PassiveProbeEchoTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aFlipMirroredFromAPeerIsNotEchoedRoundTheRing() {
        int[] ids = {1, 2, 3, 4, 5};
        TotemConfig totem = TotemConfig.forNodeCount(ids.length);
        RrpConfig rrp = RrpConfig.defaults(RrpMode.PASSIVE, 2, totem);
        NetworkConfig net = new NetworkConfig(LatencyModel.exponential(50_000, 20_000), 0, 0, 0, 0,
                NetworkConfig.DEFAULT_MTU_BYTES);
        SimConfig config = SimConfig.defaults().withNetworks(Collections.nCopies(2, net)).withLimits(64, 1_000_000, 5_000_000);
        Simulation sim = new Simulation(config, 1,
                (id, store, random) -> new RedundantRing(new TotemProcessor(totem, id, store, random), rrp));
        List<String> flips = new ArrayList<>();
        sim.addListener(new SimulationListener() {
            @Override
            public void onTransition(long timeNanos, int nodeId, Effect.Transition t) {
                if (t.machine().equals("rrp")) {
                    flips.add("node " + nodeId + " " + t.to() + ": " + t.reason());
                }
            }
        });
        sim.addNodes(ids);
        sim.runUntil(5 * SECOND);
        assertThat(flips).isEmpty();

        long at = sim.nowNanos();
        long seq = 1L << 30; // newer than any round node 5 sent
        sim.call(at, 1, (engine, now) -> engine.onPacket(now, 0, ByteBuffer.wrap(RrpProbe.encode(5, 0, 0b10, seq))));
        sim.call(at, 1, (engine, now) -> engine.onPacket(now, 0, ByteBuffer.wrap(RrpProbe.encode(5, 0, 0b11, seq + 1))));
        sim.runUntil(at + 2 * SECOND); // before the fix: SimulationLimitException

        assertThat(flips).containsExactly(
                "node 1 FAULTY: network 0: node 5 stopped sending on it",
                "node 1 ACTIVE: network 0: node 5 sends on it again and every node is heard on it");
    }
}
