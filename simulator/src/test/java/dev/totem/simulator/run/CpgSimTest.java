package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.rrp.RrpMode;
import dev.totem.simulator.trace.TraceHash;
import dev.totem.simulator.trace.TraceWriter;
import org.junit.jupiter.api.Test;

/**
 * Closed process groups over the full processor, a CI-sized slice of
 * {@code ./totem sim --layer cpg --faults chaos}. A failure names the seed; the same command
 * with {@code --seeds S --trace seed-S.jsonl} replays it.
 */
class CpgSimTest {
    private static Scenario cpg(FaultProfile faults, int steps, int maxSize) {
        return new Scenario(5, steps, 0, 0.3, 1, maxSize, faults, EngineKind.TOTEM, 0, Layer.CPG);
    }

    private static void passes(Scenario scenario, long fromSeed, long toSeed) {
        SimPropertyTest.passes(scenario, fromSeed, toSeed);
    }

    @Test
    void groupsWithoutFaults() {
        passes(cpg(FaultProfile.NONE, 600, 2000), 1, 2);
    }

    @Test
    void groupsUnderChaos() {
        passes(cpg(FaultProfile.CHAOS, 1000, 4000), 1, 6);
    }

    /** Over a redundant ring the layer reaches its nodes through it (the runs once stopped at a ClassCastException). */
    @Test
    void groupsOverTwoNetworksOneFailingAtATime() {
        passes(new Scenario(5, 600, 0, 0.3, 1, 2000, FaultProfile.NETFAIL, EngineKind.TOTEM, 0, 2, RrpMode.PASSIVE, Layer.CPG),
                1, 3);
    }

    @Test
    void mebibyteMessagesUnderCrashes() {
        passes(cpg(FaultProfile.CRASH, 150, 1 << 20), 1, 1);
    }

    @Test
    void theSameSeedGivesTheSameTrace() {
        Scenario s = cpg(FaultProfile.CHAOS, 300, 500);
        TraceHash a = new TraceHash();
        TraceHash b = new TraceHash();
        SeedRunner.run(s, 7, new TraceWriter(a));
        SeedRunner.run(s, 7, new TraceWriter(b));
        assertThat(a.hex()).isEqualTo(b.hex());
    }
}
