package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.rrp.RrpMode;
import dev.totem.simulator.trace.TraceWriter;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every seed that once found a bug, with the scenario it ran, so the bug stays fixed. Each row
 * says what the bug was; the same run is {@code ./totem sim} with the options in the row.
 */
class RegressionSeedsTest {
    static Stream<Arguments> seeds() {
        return Stream.of(
                // A node resumed from a pause and multicast old-ring frames that reached some
                // survivors during recovery only: they delivered messages the others never had.
                Arguments.of(280L, new Scenario(5, 2000, 0, 0, 64, 64, FaultProfile.CHAOS, EngineKind.TOTEM, 0)),
                // A fragmented message was begun in one ring and finished in the next: its sender
                // delivered it in the new configuration, a member that never saw its start could not.
                Arguments.of(12L, new Scenario(5, 1000, 0, 0.3, 1, 4000, FaultProfile.CHAOS, EngineKind.TOTEM, 0)),
                // A fixed ring under 30% loss with messages up to 300 KB needs more virtual time
                // than the first bound allowed (not a protocol bug: the bound was too tight).
                Arguments.of(1L, new Scenario(4, 100, 0.3, 0.3, 1, 300_000, FaultProfile.NONE, EngineKind.SRP, 0)),
                // The run ended with the fault phase, while a ring under 10% loss still delivered
                // its backlog of messages up to 60 KB: self-delivery failed (a harness bug; the
                // run now waits for late messages, which it had looked for before they existed).
                Arguments.of(5011L, new Scenario(3, 2000, 0.1, 0, 1, 60_000, FaultProfile.CHAOS, EngineKind.TOTEM, 0)),
                // Two passive networks, one at 25% loss: a token lost on both networks until the
                // 1.2 s token_retransmit, twice in a row, left a node that missed one frame with
                // three token visits in 2.5 s; failed-to-receive fired (time only) and the ring
                // re-formed though only one network was bad (rrp-masking).
                Arguments.of(5215L, new Scenario(5, 2000, 0, 0, 64, 64, FaultProfile.NETFAIL, EngineKind.TOTEM, 0, 2,
                        RrpMode.PASSIVE)),
                // Two passive networks: a node resumed from a pause read a peer's probes leaving
                // network 0 and taking it back in one instant; each node announced the fault it
                // mirrored, the others took it for news, and the flip echoed without end (the run
                // hit the simulator's 100 million events). The same after a partition, seed 2.
                Arguments.of(1L, new Scenario(5, 2000, 0, 0, 64, 64, FaultProfile.PAUSE, EngineKind.TOTEM, 0, 2,
                        RrpMode.PASSIVE)),
                Arguments.of(2L, new Scenario(5, 2000, 0, 0, 64, 64, FaultProfile.PARTITION, EngineKind.TOTEM, 0, 2,
                        RrpMode.PASSIVE)),
                // Two links down among five nodes: rings of two and three held one another's members
                // off, counting as shut out a node that sent no join, or that a member of the new
                // ring held off; after the repair the holds renewed one another: one ring 272 s on
                // (a liveness violation), 180 s on seed 20157 (repair-merge; the longest hold is 95 s).
                Arguments.of(10442L, new Scenario(5, 2000, 0, 0, 64, 64, FaultProfile.PARTIAL, EngineKind.TOTEM, 0)),
                Arguments.of(20157L, new Scenario(5, 2000, 0, 0, 64, 64, FaultProfile.PARTIAL, EngineKind.TOTEM, 0)),
                // The same on one link with 3 nodes: one ring 79.6 s after the repair (the longest hold is 70 s).
                Arguments.of(278L, new Scenario(3, 2000, 0, 0, 64, 64, FaultProfile.ONEWAY, EngineKind.TOTEM, 0)),
                // Two one-way links into one of four nodes: it hears one other, those two form a
                // ring and the other two theirs, and equal parts held neither off: the ring
                // re-formed at every consensus timeout (47 rings at node 2 while the links were
                // down, 40 allowed).
                Arguments.of(1377125L, new Scenario(4, 2000, 0, 0, 64, 64, FaultProfile.PARTIAL, EngineKind.TOTEM, 0)),
                // The tie-break's first cuts: a node alone that had heard one node of a larger ring
                // held it off (one ring 129.9 s after the repair, 92.9 allowed), and a ring split
                // in two by the other half's hold on a fifth node held that half off (149.0 s, 106.9).
                Arguments.of(1377056L, new Scenario(4, 2000, 0, 0, 64, 64, FaultProfile.PARTIAL, EngineKind.TOTEM, 0)),
                Arguments.of(10541L, new Scenario(5, 2000, 0, 0, 64, 64, FaultProfile.PARTIAL, EngineKind.TOTEM, 0)),
                // After the repair, churn the fault left behind shut a node out once more, and its
                // count of exclusions in a row, carried over from the fault, gave it the longest
                // hold at once: one ring 116.1 s after the repair (92.9 allowed), 124.3 and 127.1 s
                // with 6 nodes (121.0), 107.4 s at 2 % loss (106.9).
                Arguments.of(1377153L, new Scenario(4, 2000, 0, 0, 64, 64, FaultProfile.PARTIAL, EngineKind.TOTEM, 0)),
                Arguments.of(1390111L, new Scenario(6, 2000, 0, 0, 64, 64, FaultProfile.PARTIAL, EngineKind.TOTEM, 0)),
                Arguments.of(1390216L, new Scenario(6, 2000, 0, 0, 64, 64, FaultProfile.PARTIAL, EngineKind.TOTEM, 0)),
                Arguments.of(1376046L, new Scenario(5, 2000, 0.02, 0, 64, 64, FaultProfile.PARTIAL, EngineKind.TOTEM, 0)));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void seedStaysFixed(long seed, Scenario scenario) {
        SeedRunner.Result r = SeedRunner.run(scenario, seed, TraceWriter.nowhere());
        assertThat(r.violations()).as("seed %d", seed).isEmpty();
        assertThat(r.delivered()).isPositive();
    }
}
