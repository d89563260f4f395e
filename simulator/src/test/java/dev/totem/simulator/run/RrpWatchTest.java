package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.rrp.RrpConfig;
import dev.totem.rrp.RrpMode;
import dev.totem.simulator.check.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-made network faults and transitions for {@link RrpWatch}: what it must flag, and what not. */
class RrpWatchTest {
    private static final long MS = 1_000_000L;
    private static final RrpConfig CONFIG = RrpConfig.defaults(RrpMode.PASSIVE, 2, TotemConfig.defaults());

    private static RrpWatch watch() {
        return new RrpWatch(CONFIG, new int[] {1, 2});
    }

    private static void faulty(RrpWatch w, long atMs, int node, int network) {
        w.onTransition(atMs * MS, node, new Effect.Transition("rrp", "ACTIVE", "FAULTY", "network " + network + ": cut"));
    }

    private static void inUse(RrpWatch w, long atMs, int node, int network) {
        w.onTransition(atMs * MS, node, new Effect.Transition("rrp", "FAULTY", "ACTIVE", "network " + network + ": healed"));
    }

    @Test
    void aNodeThatNeverSeesACutNetworkIsReported() {
        RrpWatch w = watch();
        w.onNetworkLoss(1_000 * MS, 0, 1.0);
        faulty(w, 1_400, 1, 0);
        w.onNetworkLoss(3_000 * MS, 0, 0.01);
        inUse(w, 4_000, 1, 0);

        List<Violation> v = w.check(10_000 * MS, 0);

        assertThat(v).hasSize(1);
        assertThat(v.get(0).property()).isEqualTo("rrp-detection");
        assertThat(v.get(0).detail()).contains("node 2", "network 0", "from 1000 to 3000 ms");
    }

    @Test
    void aSplitOfOneNetworkIsACutToo() {
        RrpWatch w = watch();
        w.onNetworkPartition(1_000 * MS, 1, new int[][] {{1}, {2}});
        faulty(w, 1_400, 1, 1);
        faulty(w, 1_450, 2, 1);
        w.onNetworkHeal(3_000 * MS, 1);
        inUse(w, 4_000, 1, 1);
        inUse(w, 4_000, 2, 1);

        assertThat(w.check(10_000 * MS, 0)).isEmpty();
    }

    @Test
    void aCutShorterThanTheSilenceAndTwoProbesNeedNotBeSeen() {
        RrpWatch w = watch();
        long shortMs = (CONFIG.silenceNanos() + 2 * CONFIG.probeIntervalNanos()) / MS - 1;
        w.onNetworkLoss(1_000 * MS, 0, 1.0);
        w.onNetworkLoss((1_000 + shortMs) * MS, 0, 0.0);

        assertThat(w.check(10_000 * MS, 0)).isEmpty();
    }

    @Test
    void aNetworkFaultyBeforeTheCutBeganCountsEvenIfInUseJustAfter() {
        RrpWatch w = watch();
        w.onNetworkLoss(400 * MS, 0, 0.2); // degraded first, then cut
        faulty(w, 500, 1, 0);
        faulty(w, 500, 2, 0);
        w.onNetworkLoss(1_000 * MS, 0, 1.0);
        w.onNetworkLoss(3_000 * MS, 0, 0.0);
        inUse(w, 3_050, 1, 0); // within a probe interval of the cut's end
        inUse(w, 3_050, 2, 0);

        assertThat(w.check(10_000 * MS, 0)).isEmpty();
        assertThat(RrpWatch.faultyDuring(List.of(new long[] {500, 1}, new long[] {900, 0}), 1_000, 3_000)).isFalse();
    }

    @Test
    void aNetworkStillFaultyAtTheEndIsReported() {
        RrpWatch w = watch();
        w.onNetworkLoss(400 * MS, 1, 0.2);
        faulty(w, 500, 2, 1);
        w.onNetworkLoss(1_000 * MS, 1, 0.005);

        assertThat(w.allInUse()).isFalse();
        List<Violation> v = w.check(10_000 * MS, 0);

        assertThat(v).extracting(Violation::property).containsExactly("rrp-recovery");
        assertThat(v.get(0).detail()).contains("node 2", "network 1");
    }

    @Test
    void otherMachinesAndReasonsAreIgnored() {
        RrpWatch w = watch();
        w.onTransition(0, 1, new Effect.Transition("membership", "OPERATIONAL", "GATHER", "network 0: no"));
        w.onTransition(0, 1, new Effect.Transition("rrp", "ACTIVE", "FAULTY", "something else"));

        assertThat(w.allInUse()).isTrue();
        assertThat(RrpWatch.networkOf("network 3: node 2 silent")).isEqualTo(3);
        assertThat(RrpWatch.networkOf("network x: ?")).isEqualTo(-1);
    }

    @Test
    void aSoundNetworkMarkedFaultyIsReported() {
        RrpWatch w = watch();
        w.onNetworkLoss(0, 0, 0.005);
        w.onNetworkLoss(0, 1, 0.005);
        w.onNetworkLoss(1_000 * MS, 0, 1.0);
        faulty(w, 1_400, 1, 0);
        faulty(w, 1_400, 2, 0);
        faulty(w, 2_000, 2, 1); // network 1 keeps only the loss every network has
        w.onNetworkLoss(3_000 * MS, 0, 0.005);
        inUse(w, 4_000, 1, 0);
        inUse(w, 4_000, 2, 0);
        inUse(w, 4_000, 2, 1);

        List<Violation> v = w.check(10_000 * MS, 0);

        assertThat(v).hasSize(1);
        assertThat(v.get(0).property()).isEqualTo("rrp-accuracy");
        assertThat(v.get(0).detail()).contains("node 2", "network 1", "at 2000 ms");
    }

    @Test
    void aDegradedNetworkMayBeMarkedFaultyAndSoMayOneJustHealed() {
        RrpWatch w = watch();
        w.onNetworkLoss(1_000 * MS, 1, 0.2);
        faulty(w, 1_500, 1, 1);
        w.onNetworkLoss(3_000 * MS, 1, 0.005);
        faulty(w, 8_000, 2, 1); // within a counter window, silence and three probes (5.85 s) of the end
        inUse(w, 5_000, 1, 1);
        inUse(w, 9_000, 2, 1);

        assertThat(w.check(10_000 * MS, 0)).isEmpty();
    }
    @Test
    void inPassiveModeEveryNodeMustLeaveANetworkAMemberIsDeafOn() {
        RrpWatch w = watch();
        w.onNetworkDeaf(1_000 * MS, 0, 2);
        faulty(w, 1_400, 2, 0);
        w.onNetworkHeal(3_000 * MS, 0);
        inUse(w, 4_000, 2, 0);

        List<Violation> v = w.check(10_000 * MS, 0);

        assertThat(v).hasSize(1);
        assertThat(v.get(0).property()).isEqualTo("rrp-detection");
        assertThat(v.get(0).detail()).contains("node 1 never marked network 0", "node 2 was deaf on it",
                "from 1000 to 3000 ms");
    }

    @Test
    void inActiveModeOnlyTheDeafNodeMustSeeIt() {
        RrpWatch w = new RrpWatch(RrpConfig.defaults(RrpMode.ACTIVE, 2, TotemConfig.defaults()), new int[] {1, 2});
        w.onNetworkDeaf(1_000 * MS, 1, 2);
        w.onNetworkHeal(3_000 * MS, 1);

        List<Violation> v = w.check(10_000 * MS, 0);
        assertThat(v).hasSize(1);
        assertThat(v.get(0).detail()).contains("node 2 never marked network 1");

        RrpWatch seen = new RrpWatch(RrpConfig.defaults(RrpMode.ACTIVE, 2, TotemConfig.defaults()), new int[] {1, 2});
        seen.onNetworkDeaf(1_000 * MS, 1, 2);
        faulty(seen, 1_500, 2, 1);
        seen.onNetworkHeal(3_000 * MS, 1);
        inUse(seen, 4_000, 2, 1);
        assertThat(seen.check(10_000 * MS, 0)).isEmpty();
    }
}
