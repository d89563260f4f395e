package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.RingId;
import dev.totem.simulator.check.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-made configuration changes for {@link StableRingWatch}: what it must flag, and what not. */
class StableRingWatchTest {
    private static final long MS = 1_000_000L;

    private static void install(StableRingWatch w, long atMs, int node, long ringSeq, int... members) {
        RingId ring = new RingId(members[0], ringSeq);
        w.onConfigurationChange(atMs * MS, node, new Effect.ConfigurationChange(Effect.ConfigurationKind.TRANSITIONAL,
                ring, members, new int[0], new int[0]));
        w.onConfigurationChange(atMs * MS, node, new Effect.ConfigurationChange(Effect.ConfigurationKind.REGULAR,
                ring, members, new int[0], new int[0]));
    }

    @Test
    void ringsThatFormBeforeEveryNodeIsInOnesDoNotCount() {
        StableRingWatch w = new StableRingWatch(3);
        install(w, 10, 1, 1, 1);
        install(w, 20, 1, 2, 1, 2);
        install(w, 30, 1, 3, 1, 2, 3);
        install(w, 30, 2, 3, 1, 2, 3);

        assertThat(w.check()).isEmpty();
    }

    @Test
    void aRingThatReformsIsReportedWithTheFirstNodeThatDid() {
        StableRingWatch w = new StableRingWatch(3);
        for (int node = 1; node <= 3; node++) {
            install(w, 30, node, 3, 1, 2, 3);
        }
        install(w, 2_000 + 2, 2, 4, 1, 2, 3);
        install(w, 2_000 + 1, 3, 4, 1, 2, 3);
        install(w, 3_000, 3, 5, 1, 2, 3);

        List<Violation> v = w.check();

        assertThat(v).hasSize(1);
        assertThat(v.get(0).property()).isEqualTo("ring-stability");
        assertThat(v.get(0).detail()).contains("node 3 re-formed its ring 2 times", "at 2001000 us");
    }

    @Test
    void onlyFaultFreeRunsOfTheMembershipEngineUnderLightLossAreJudged() {
        assertThat(StableRingWatch.applies(scenario(0.02, FaultProfile.NONE, EngineKind.TOTEM))).isTrue();
        assertThat(StableRingWatch.applies(scenario(0.03, FaultProfile.NONE, EngineKind.TOTEM))).isFalse();
        assertThat(StableRingWatch.applies(scenario(0, FaultProfile.CRASH, EngineKind.TOTEM))).isFalse();
        assertThat(StableRingWatch.applies(scenario(0, FaultProfile.NONE, EngineKind.SRP))).isFalse();
    }

    private static Scenario scenario(double loss, FaultProfile faults, EngineKind engine) {
        return new Scenario(5, 10, loss, 0, 64, 64, faults, engine, 0);
    }
}
