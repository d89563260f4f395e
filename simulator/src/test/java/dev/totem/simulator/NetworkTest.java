package dev.totem.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Guarantee;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkTest {
    private static final long LATENCY_NANOS = 100_000;

    private final List<String> log = new ArrayList<>();

    private Simulation simulation(NetworkConfig network, int... nodeIds) {
        Simulation sim = new Simulation(SimConfig.defaults().withNetwork(network), 11,
                ProbeEngine.factory(log, ProbeEngine.sendOnSubmit()));
        sim.addNodes(nodeIds);
        return sim;
    }

    private static NetworkConfig fixedLatency() {
        return NetworkConfig.defaults().withLatency(LatencyModel.fixed(LATENCY_NANOS));
    }

    /** Sends {@code text} from {@code from} to {@code to} (0: multicast) at {@code atNanos}. */
    private static void send(Simulation sim, long atNanos, int from, int to, String text) {
        sim.submit(atNanos, from, ProbeEngine.text(to + " " + text), Guarantee.AGREED);
    }

    private List<String> packets(int node) {
        return ProbeEngine.linesOf(log, node).stream().filter(line -> line.contains(" packet ")).toList();
    }

    @Test
    void multicastReachesEveryNodeIncludingTheSender() {
        Simulation sim = simulation(fixedLatency(), 1, 2, 3);
        send(sim, 1_000, 2, 0, "all");
        sim.runUntil(1_000_000);
        for (int node = 1; node <= 3; node++) {
            assertThat(packets(node)).containsExactly("101000 " + node + "#1 packet all");
        }
        assertThat(sim.networkStats(0).sent()).isEqualTo(1);
        assertThat(sim.networkStats(0).delivered()).isEqualTo(3);
    }

    @Test
    void aPartitionKeepsGroupsApartUntilHealed() {
        Simulation sim = simulation(fixedLatency(), 1, 2, 3);
        sim.partition(0, new int[] {1, 2}, new int[] {3});
        send(sim, 1_000, 1, 0, "split");
        send(sim, 1_000, 3, 2, "across");
        sim.heal(50_000);
        send(sim, 60_000, 1, 0, "healed");
        sim.runUntil(1_000_000);

        assertThat(packets(2)).containsExactly("101000 2#1 packet split", "160000 2#1 packet healed");
        assertThat(packets(3)).containsExactly("160000 3#1 packet healed");
        assertThat(sim.networkStats(0).droppedByPartition()).isEqualTo(2);
    }

    @Test
    void aNodeInNoGroupIsCutOffFromEveryone() {
        Simulation sim = simulation(fixedLatency(), 1, 2, 3);
        sim.partition(0, new int[] {1, 2});
        send(sim, 1_000, 3, 0, "alone");
        sim.runUntil(1_000_000);
        assertThat(packets(1)).isEmpty();
        assertThat(packets(2)).isEmpty();
        assertThat(packets(3)).containsExactly("101000 3#1 packet alone");
    }

    @Test
    void aBlockDropsOneDirectionOnly() {
        Simulation sim = simulation(fixedLatency(), 1, 2, 3);
        sim.block(0, 1, 3);
        send(sim, 1_000, 1, 3, "one-to-three");
        send(sim, 1_000, 3, 1, "three-to-one");
        send(sim, 1_000, 1, 0, "mcast");
        sim.runUntil(1_000_000);

        assertThat(packets(1)).containsExactly("101000 1#1 packet three-to-one", "101000 1#1 packet mcast");
        assertThat(packets(2)).containsExactly("101000 2#1 packet mcast");
        assertThat(packets(3)).isEmpty();
        assertThat(sim.networkStats(0).droppedByPartition()).isEqualTo(2);
    }

    @Test
    void framesLargerThanTheMtuAreDroppedAndCounted() {
        Simulation sim = simulation(fixedLatency().withMtuBytes(10), 1, 2);
        send(sim, 1_000, 1, 2, "0123456789");
        send(sim, 1_000, 1, 2, "0123456789X");
        sim.runUntil(1_000_000);
        assertThat(packets(2)).containsExactly("101000 2#1 packet 0123456789");
        assertThat(sim.networkStats(0).droppedByMtu()).isEqualTo(1);
        assertThat(sim.networkStats(0).sent()).isEqualTo(2);
    }

    @Test
    void unicastToAnUnknownNodeIsCounted() {
        Simulation sim = simulation(fixedLatency(), 1);
        send(sim, 1_000, 1, 9, "nobody");
        sim.runUntil(1_000_000);
        assertThat(sim.networkStats(0).droppedUnknownDestination()).isEqualTo(1);
    }

    /** With a fixed seed the counts are fixed too; the bounds say the rates are the configured ones. */
    @Test
    void lossAndDuplicationHappenAtTheConfiguredRates() {
        int frames = 20_000;
        Simulation sim = simulation(fixedLatency().withLossProbability(0.1).withDuplicateProbability(0.05), 1, 2);
        for (int i = 0; i < frames; i++) {
            send(sim, 1_000 + i, 1, 2, "f");
        }
        sim.runUntil(1_000_000_000);

        NetworkStats stats = sim.networkStats(0);
        assertThat(stats.lost()).isBetween(1_800L, 2_200L);
        // Only copies that survived loss can be duplicated: about 0.05 * 0.9 of the frames.
        assertThat(stats.duplicated()).isBetween(750L, 1_050L);
        assertThat(stats.delivered()).isEqualTo(frames - stats.lost() + stats.duplicated());
        assertThat(packets(2)).hasSize((int) stats.delivered());
    }

    @Test
    void jitterReordersAndFixedLatencyDoesNot() {
        assertThat(arrivalOrder(fixedLatency())).isSorted();
        assertThat(arrivalOrder(fixedLatency().withLatency(LatencyModel.uniform(50_000, 50_000)))).isNotEqualTo(
                arrivalOrder(fixedLatency()));
        assertThat(arrivalOrder(fixedLatency().withExtraDelay(0.2, 1_000_000))).isNotEqualTo(arrivalOrder(fixedLatency()));
    }

    private List<Integer> arrivalOrder(NetworkConfig network) {
        log.clear();
        Simulation sim = simulation(network, 1, 2);
        for (int i = 0; i < 100; i++) {
            send(sim, 1_000 + i * 1_000, 1, 2, Integer.toString(i));
        }
        sim.runUntil(1_000_000_000);
        return packets(2).stream().map(line -> Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1))).toList();
    }
}
