package dev.totem.simulator;

import static dev.totem.simulator.ProbeReactions.atStart;
import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect.CancelTimer;
import dev.totem.protocol.api.Effect.SetTimer;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TimerKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** At most one armed timer per (node, kind): SetTimer replaces, CancelTimer disarms, a timer fires once. */
class TimerTest {
    private final List<String> log = new ArrayList<>();

    private Simulation simulation(ProbeEngine.Script script) {
        Simulation sim = new Simulation(SimConfig.defaults(), 1, ProbeEngine.factory(log, script));
        sim.addNodes(1);
        return sim;
    }

    @Test
    void theLastSetTimerOfABatchWins() {
        Simulation sim = simulation(atStart(new SetTimer(TimerKind.HOLD, 1_000), new SetTimer(TimerKind.HOLD, 5_000)));
        sim.runUntil(100_000);
        assertThat(log).containsExactly("0 1#1 start", "5000 1#1 timer HOLD");
    }

    @Test
    void aLaterSetTimerReplacesTheArmedOne() {
        Simulation sim = simulation(atStart(new SetTimer(TimerKind.JOIN, 1_000)).onSubmit(new SetTimer(TimerKind.JOIN, 2_000)));
        sim.submit(500, 1, ProbeEngine.text("rearm"), Guarantee.AGREED);
        sim.runUntil(100_000);
        assertThat(log).containsExactly("0 1#1 start", "500 1#1 submit rearm", "2500 1#1 timer JOIN");
    }

    @Test
    void cancelTimerDisarmsOnlyItsKind() {
        Simulation sim = simulation(atStart(new SetTimer(TimerKind.CONSENSUS, 1_000), new SetTimer(TimerKind.MERGE_DETECT, 1_000),
                new CancelTimer(TimerKind.HOLD)) // not armed: harmless
                .onSubmit(new CancelTimer(TimerKind.CONSENSUS)));
        sim.submit(500, 1, ProbeEngine.text("cancel"), Guarantee.AGREED);
        sim.runUntil(100_000);
        assertThat(log).containsExactly("0 1#1 start", "500 1#1 submit cancel", "1000 1#1 timer MERGE_DETECT");
        assertThat(sim.queuedEvents()).isZero();
    }

    @Test
    void timersOfDifferentKindsDueTogetherFireInArmingOrder() {
        Simulation sim = simulation(atStart(new SetTimer(TimerKind.TOKEN_RETRANSMIT, 1_000), new SetTimer(TimerKind.HOLD, 1_000),
                new SetTimer(TimerKind.TOKEN_LOSS, 1_000)));
        sim.runUntil(100_000);
        assertThat(log).containsExactly("0 1#1 start", "1000 1#1 timer TOKEN_RETRANSMIT", "1000 1#1 timer HOLD",
                "1000 1#1 timer TOKEN_LOSS");
    }

    /** Totem re-arms its token loss timer on every token; replaced timers must not pile up in the queue. */
    @Test
    void reArmingOftenKeepsTheQueueSmall() {
        SetTimer hold = new SetTimer(TimerKind.HOLD, 1_000);
        SetTimer tokenLoss = new SetTimer(TimerKind.TOKEN_LOSS, 1_000_000_000);
        Simulation sim = simulation(atStart(hold, tokenLoss).onTimer(hold, tokenLoss));
        sim.runUntil(10_000_000);
        assertThat(log).hasSize(10_001);
        assertThat(sim.queuedEvents()).isEqualTo(2);
    }
}
