package dev.totem.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.simulator.trace.TraceSink;
import dev.totem.simulator.trace.TraceWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {
    private static final NetworkConfig FIXED_LATENCY = NetworkConfig.defaults().withLatency(LatencyModel.fixed(100_000));

    private final List<String> log = new ArrayList<>();

    @Test
    void eventsDueAtTheSameInstantRunInSchedulingOrder() {
        Simulation sim = new Simulation(SimConfig.defaults(), 3, ProbeEngine.factory(log, ProbeEngine.sendOnSubmit()));
        sim.addNodes(1);
        List<String> order = new ArrayList<>();
        sim.schedule(1_000, () -> order.add("a"));
        sim.submit(1_000, 1, ProbeEngine.text("0 x"), Guarantee.AGREED);
        sim.schedule(1_000, () -> order.add("b"));
        sim.schedule(500, () -> order.add("first"));
        sim.schedule(1_000, () -> sim.schedule(1_000, () -> order.add("scheduled while running")));
        sim.schedule(1_000, () -> order.add("c"));
        sim.runUntil(1_000);

        assertThat(order).containsExactly("first", "a", "b", "c", "scheduled while running");
        assertThat(log).containsExactly("0 1#1 start", "1000 1#1 submit 0 x");
        assertThat(sim.nowNanos()).isEqualTo(1_000);
    }

    /** The trace of a small run, pinned line by line: what the simulator writes, and when. */
    @Test
    void theTraceRecordsSubmitsDeliveriesConfigurationsAndFaults() {
        StringWriter out = new StringWriter();
        Simulation sim = new Simulation(SimConfig.defaults().withNetwork(FIXED_LATENCY), 9, FloodEngine.factory(1, 2),
                new TraceWriter(TraceSink.writer(out)));
        sim.addNodes(1, 2);
        sim.submit(1_000_000, 1, Payloads.build("m-1", 40), Guarantee.SAFE);
        sim.partition(2_000_000, new int[] {2}, new int[] {1});
        sim.submit(2_000_000, 2, Payloads.build("m-2", 40), Guarantee.AGREED);
        sim.heal(3_000_000);
        sim.crash(3_000_000, 2);
        sim.crash(3_500_000, 2); // already down: no effect, no line
        sim.submit(3_600_000, 2, Payloads.build("refused", 40), Guarantee.AGREED);
        sim.restart(4_000_000, 2);
        sim.block(5_000_000, 1, 2);
        sim.pause(6_000_000, 1);
        sim.resume(7_000_000, 1);
        sim.runUntil(10_000_000);

        assertThat(out.toString()).isEqualTo("""
                {"t":0,"node":1,"ev":"start"}
                {"t":0,"node":1,"ev":"config","kind":"regular","ring":"1:1","members":[1,2]}
                {"t":0,"node":2,"ev":"start"}
                {"t":0,"node":2,"ev":"config","kind":"regular","ring":"2:1","members":[1,2]}
                {"t":1000,"node":1,"ev":"submit","id":"m-1","guarantee":"safe"}
                {"t":1100,"node":1,"ev":"deliver","id":"m-1","sender":1,"guarantee":"safe","ring":"1:1"}
                {"t":1100,"node":2,"ev":"deliver","id":"m-1","sender":1,"guarantee":"safe","ring":"2:1"}
                {"t":2000,"node":0,"ev":"partition","groups":[[2],[1]]}
                {"t":2000,"node":2,"ev":"submit","id":"m-2","guarantee":"agreed"}
                {"t":2100,"node":2,"ev":"deliver","id":"m-2","sender":2,"guarantee":"agreed","ring":"2:1"}
                {"t":3000,"node":0,"ev":"heal"}
                {"t":3000,"node":2,"ev":"crash"}
                {"t":4000,"node":2,"ev":"restart"}
                {"t":4000,"node":2,"ev":"config","kind":"regular","ring":"2:2","members":[1,2]}
                {"t":5000,"node":0,"ev":"block","from":1,"to":2}
                {"t":6000,"node":1,"ev":"pause"}
                {"t":7000,"node":1,"ev":"resume"}
                """);
    }

    @Test
    void listenersSeeDeliveriesAndConfigurationsPerNode() {
        Simulation sim = new Simulation(SimConfig.defaults().withNetwork(FIXED_LATENCY), 9, FloodEngine.factory(1, 2, 3));
        sim.addNodes(1, 2, 3);
        List<String> seen = new ArrayList<>();
        sim.addListener(new SimulationListener() {
            @Override
            public void onDeliver(long timeNanos, int nodeId, Effect.Deliver deliver) {
                seen.add(nodeId + " deliver " + Payloads.id(deliver.payload()));
            }

            @Override
            public void onConfigurationChange(long timeNanos, int nodeId, Effect.ConfigurationChange change) {
                seen.add(nodeId + " config " + change.ring());
            }

            @Override
            public void onSubmit(long timeNanos, int nodeId, byte[] payload, Guarantee guarantee, SubmitStatus status) {
                seen.add(nodeId + " submit " + Payloads.id(payload) + " " + status);
            }
        });
        sim.submit(1_000, 3, Payloads.build("hello"), Guarantee.AGREED);
        sim.runUntil(1_000_000);

        assertThat(seen).containsExactly("1 config 1:1", "2 config 2:1", "3 config 3:1", "3 submit hello ACCEPTED",
                "1 deliver hello", "2 deliver hello", "3 deliver hello");
    }

    @Test
    void aFailingEngineIsReportedWithSeedTimeNodeAndEvent() {
        ProbeEngine.Script failsOnTimer = new ProbeEngine.Script() {
            @Override
            public void onStart(ProbeEngine engine, long nowNanos, Effects out) {
                out.add(new Effect.SetTimer(TimerKind.HOLD, 5));
            }

            @Override
            public void onTimer(ProbeEngine engine, long nowNanos, TimerKind timer, Effects out) {
                throw new IllegalStateException("invariant broken");
            }
        };
        Simulation sim = new Simulation(SimConfig.defaults(), 77, ProbeEngine.factory(log, failsOnTimer));
        sim.addNodes(4);
        assertThatThrownBy(() -> sim.runUntil(100))
                .isInstanceOf(SimulationException.class)
                .hasMessageContaining("seed 77, at 5 ns, node 4, timer event")
                .hasRootCauseMessage("invariant broken");
    }

    @Test
    void aFailingActionIsReportedWithSeedAndTime() {
        Simulation sim = new Simulation(SimConfig.defaults(), 78, ProbeEngine.factory(log, ProbeReactions.none()));
        sim.schedule(10, () -> {
            throw new IllegalArgumentException("action broken");
        });
        assertThatThrownBy(() -> sim.runUntil(100))
                .isInstanceOf(SimulationException.class)
                .hasMessageContaining("seed 78, at 10 ns, callback event")
                .hasRootCauseMessage("action broken");
    }

    @Test
    void tooManyEventsInOneRunStopsWithTheLimitNamed() {
        SimConfig config = SimConfig.defaults().withLimits(16, 1_000, 50);
        Simulation sim = new Simulation(config, 1, ProbeEngine.factory(log, ProbeReactions.none()));
        for (int i = 0; i < 60; i++) {
            sim.schedule(i, () -> { });
        }
        assertThatThrownBy(() -> sim.runUntil(1_000))
                .isInstanceOf(SimulationLimitException.class)
                .hasMessageContaining("maxEventsPerRun");
        sim.runUntil(1_000);
        assertThat(sim.eventsProcessed()).isEqualTo(60);
    }

    @Test
    void misuseIsRejectedWhenScheduled() {
        Simulation sim = new Simulation(SimConfig.defaults(), 1, ProbeEngine.factory(log, ProbeReactions.none()));
        sim.addNodes(1, 2);
        sim.runUntil(1_000);
        assertThatThrownBy(() -> sim.crash(999, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.crash(2_000, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.addNodes(2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.addNodes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.partition(2_000, new int[] {1, 2}, new int[] {2}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.block(2_000, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        sim.schedule(2_000, () -> sim.runUntil(3_000));
        assertThatThrownBy(() -> sim.runUntil(2_000)).hasRootCauseInstanceOf(IllegalStateException.class);
    }
}
