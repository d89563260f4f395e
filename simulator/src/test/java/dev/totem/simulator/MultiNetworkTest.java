package dev.totem.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.simulator.trace.TraceWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Engines that send on a chosen network, and the per-network faults. */
class MultiNetworkTest {
    private final List<String> log = new ArrayList<>();

    /**
     * Submitting "N text" sends text as a multicast on network N ("-" for a plain {@link
     * Effect.Send}); every arrival is logged with its network.
     */
    private final class NetworkEngine implements TotemEngine {
        private final int id;
        private final Effects effects = new Effects();

        NetworkEngine(int id) {
            this.id = id;
        }

        @Override
        public int nodeId() {
            return id;
        }

        @Override
        public Effects start(long nowNanos) {
            return effects.clear();
        }

        @Override
        public Effects onPacket(long nowNanos, ByteBuffer frame) {
            throw new AssertionError("the simulator passes the network index");
        }

        @Override
        public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
            byte[] bytes = new byte[frame.remaining()];
            frame.get(bytes);
            log.add(id + " got " + new String(bytes, StandardCharsets.UTF_8) + " on " + network);
            return effects.clear();
        }

        @Override
        public Effects onTimer(long nowNanos, TimerKind timer) {
            return effects.clear();
        }

        @Override
        public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
            String[] parts = new String(payload, StandardCharsets.UTF_8).split(" ", 2);
            byte[] frame = parts[1].getBytes(StandardCharsets.UTF_8);
            effects.clear().add(parts[0].equals("-") ? new Effect.Send(Effect.MULTICAST, frame)
                    : new Effect.SendOn(Integer.parseInt(parts[0]), Effect.MULTICAST, frame));
            return effects;
        }
    }

    private Simulation simulation(int networks) {
        List<NetworkConfig> nets = new ArrayList<>();
        for (int i = 0; i < networks; i++) {
            nets.add(NetworkConfig.defaults().withLatency(LatencyModel.fixed(100_000)));
        }
        Simulation sim = new Simulation(SimConfig.defaults().withNetworks(nets), 5,
                (nodeId, store, random) -> new NetworkEngine(nodeId));
        sim.addNodes(1, 2, 3);
        return sim;
    }

    private static void send(Simulation sim, long at, int from, String what) {
        sim.submit(at, from, what.getBytes(StandardCharsets.UTF_8), Guarantee.AGREED);
    }

    @Test
    void sendOnGoesOutOnItsNetworkAndArrivesWithItsIndex() {
        Simulation sim = simulation(3);
        send(sim, 1_000, 1, "2 hello");
        send(sim, 2_000, 2, "- plain");
        sim.runUntil(1_000_000);
        assertThat(log).containsExactlyInAnyOrder("1 got hello on 2", "2 got hello on 2", "3 got hello on 2",
                "1 got plain on 0", "2 got plain on 0", "3 got plain on 0");
        assertThat(sim.networkStats(2).sent()).isEqualTo(1);
        assertThat(sim.networkStats(0).sent()).isEqualTo(1);
        assertThat(sim.networkStats(1).sent()).isZero();
    }

    @Test
    void aPartitionOrALossOfOneNetworkLeavesTheOthersAlone() {
        Simulation sim = simulation(2);
        sim.partitionNetwork(0, 1, new int[] {1}, new int[] {2, 3});
        sim.setLossProbability(0, 0, 1.0);
        send(sim, 1_000, 1, "0 lost");
        send(sim, 1_000, 1, "1 cut");
        send(sim, 1_000, 2, "1 across");
        sim.healNetwork(300_000, 1);
        sim.setLossProbability(300_000, 0, 0);
        send(sim, 400_000, 1, "1 healed");
        sim.runUntil(1_000_000);
        assertThat(log).containsExactlyInAnyOrder("1 got lost on 0", "1 got cut on 1", "2 got across on 1",
                "3 got across on 1", "1 got healed on 1", "2 got healed on 1", "3 got healed on 1");
        assertThat(sim.networkStats(1).droppedByPartition()).isEqualTo(3);
        assertThat(sim.networkStats(0).lost()).isEqualTo(2);
    }

    @Test
    void aNodeDeafOnOneNetworkIsStillHeardThere() {
        Simulation sim = simulation(2);
        sim.deafenNetwork(0, 1, 2);
        send(sim, 1_000, 1, "1 unheard");
        send(sim, 1_000, 2, "1 heard");
        send(sim, 1_000, 1, "0 other");
        sim.healNetwork(300_000, 1);
        send(sim, 400_000, 3, "1 healed");
        sim.runUntil(1_000_000);
        assertThat(log).containsExactlyInAnyOrder("1 got unheard on 1", "3 got unheard on 1",
                "1 got heard on 1", "2 got heard on 1", "3 got heard on 1",
                "1 got other on 0", "2 got other on 0", "3 got other on 0",
                "1 got healed on 1", "2 got healed on 1", "3 got healed on 1");
    }

    @Test
    void networkFaultsAreTraced() {
        StringBuilder trace = new StringBuilder();
        Simulation sim = new Simulation(SimConfig.defaults().withNetworks(List.of(NetworkConfig.defaults(),
                NetworkConfig.defaults())), 5, (nodeId, store, random) -> new NetworkEngine(nodeId),
                new TraceWriter(line -> trace.append(line)));
        sim.addNodes(1, 2);
        sim.partitionNetwork(1_000, 1, new int[] {2, 1});
        sim.setLossProbability(2_000, 0, 0.25);
        sim.healNetwork(3_000, 1);
        sim.deafenNetwork(4_000, 0, 2);
        sim.runUntil(10_000);
        assertThat(trace.toString()).contains("{\"t\":1,\"node\":0,\"ev\":\"net_partition\",\"network\":1,\"groups\":[[1,2]]}\n"
                + "{\"t\":2,\"node\":0,\"ev\":\"net_loss\",\"network\":0,\"loss\":0.25}\n"
                + "{\"t\":3,\"node\":0,\"ev\":\"net_heal\",\"network\":1}\n"
                + "{\"t\":4,\"node\":0,\"ev\":\"net_deaf\",\"network\":0,\"deaf\":2}\n");
    }

    @Test
    void sendingOnANetworkThatDoesNotExistIsAnEngineBug() {
        Simulation sim = simulation(2);
        send(sim, 1_000, 1, "2 nowhere");
        assertThatThrownBy(() -> sim.runUntil(1_000_000)).isInstanceOf(SimulationException.class)
                .hasStackTraceContaining("network 2 of 2");
    }
}
