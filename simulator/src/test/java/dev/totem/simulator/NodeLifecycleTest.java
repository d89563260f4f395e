package dev.totem.simulator;

import static dev.totem.simulator.ProbeReactions.atStart;
import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect.SetTimer;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemEngine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Crash, restart, pause and resume, and what survives each. */
class NodeLifecycleTest {
    private static final long LATENCY_NANOS = 100_000;

    private final List<String> log = new ArrayList<>();

    private Simulation simulation(SimConfig config, ProbeEngine.Script script, int... nodeIds) {
        SimConfig fixedLatency = config.withNetwork(NetworkConfig.defaults().withLatency(LatencyModel.fixed(LATENCY_NANOS)));
        Simulation sim = new Simulation(fixedLatency, 5, ProbeEngine.factory(log, script));
        sim.addNodes(nodeIds);
        return sim;
    }

    private static void send(Simulation sim, long atNanos, int from, int to, String text) {
        sim.submit(atNanos, from, ProbeEngine.text(to + " " + text), Guarantee.AGREED);
    }

    @Test
    void aCrashDiscardsTheEngineAndItsTimers() {
        Simulation sim = simulation(SimConfig.defaults(), atStart(new SetTimer(TimerKind.HOLD, 1_000_000)), 1);
        sim.crash(500_000, 1);
        sim.restart(600_000, 1);
        sim.runUntil(10_000_000);

        assertThat(log).containsExactly("0 1#1 start", "600000 1#2 start", "1600000 1#2 timer HOLD");
        assertThat(sim.queuedEvents()).isZero();
    }

    @Test
    void framesToACrashedNodeAreDroppedAndCounted() {
        Simulation sim = simulation(SimConfig.defaults(), ProbeEngine.sendOnSubmit(), 1, 2);
        sim.crash(0, 2);
        send(sim, 1_000, 1, 2, "lost");
        sim.runUntil(10_000_000);

        assertThat(sim.nodeState(2)).isEqualTo(NodeState.DOWN);
        assertThat(sim.engine(2)).isNull();
        assertThat(ProbeEngine.linesOf(log, 2)).containsExactly("0 2#1 start");
        assertThat(sim.networkStats(0).droppedReceiverDown()).isEqualTo(1);
    }

    @Test
    void aRestartBuildsANewEngineOnTheSameRingSeqStore() {
        Simulation sim = new Simulation(SimConfig.defaults(), 5, FloodEngine.factory(1, 2));
        sim.addNodes(1, 2);
        sim.runUntil(1_000);
        TotemEngine first = sim.engine(2);
        sim.crash(2_000, 2);
        sim.restart(3_000, 2);
        sim.crash(4_000, 2);
        sim.restart(5_000, 2);
        sim.runUntil(10_000);

        assertThat(sim.engine(2)).isNotSameAs(first);
        assertThat(sim.ringSeqStore(2).load()).isEqualTo(3);
        assertThat(sim.ringSeqStore(1).load()).isEqualTo(1);
    }

    @Test
    void aPausedNodeBuffersFramesAndTimersAndProcessesThemOnResume() {
        Simulation sim = simulation(SimConfig.defaults(), atStart(new SetTimer(TimerKind.JOIN, 300_000)).sendingOnSubmit(), 1, 2);
        sim.pause(100_000, 2);
        send(sim, 150_000, 1, 2, "a");
        send(sim, 250_000, 1, 2, "b");
        send(sim, 350_000, 1, 0, "c");
        sim.resume(1_000_000, 2);
        sim.runUntil(10_000_000);

        assertThat(ProbeEngine.linesOf(log, 2)).containsExactly("0 2#1 start", "1000000 2#1 packet a",
                "1000000 2#1 timer JOIN", "1000000 2#1 packet b", "1000000 2#1 packet c");
        assertThat(sim.nodeState(2)).isEqualTo(NodeState.UP);
    }

    @Test
    void aFullSocketBufferDropsLaterFrames() {
        Simulation sim = simulation(SimConfig.defaults().withSocketBufferPackets(2), ProbeEngine.sendOnSubmit(), 1, 2);
        sim.pause(0, 2);
        for (int i = 0; i < 5; i++) {
            send(sim, 1_000 + i, 1, 2, "f" + i);
        }
        sim.resume(1_000_000, 2);
        sim.runUntil(10_000_000);

        assertThat(ProbeEngine.linesOf(log, 2)).containsExactly("0 2#1 start", "1000000 2#1 packet f0", "1000000 2#1 packet f1");
        assertThat(sim.networkStats(0).droppedSocketBufferFull()).isEqualTo(3);
    }

    /** A frame buffered before a due timer may re-arm it; the old expiry must then not fire. */
    @Test
    void aTimerReArmedDuringResumeDoesNotFireTwice() {
        SetTimer tokenLoss = new SetTimer(TimerKind.TOKEN_LOSS, 500_000);
        ProbeEngine.Script script = atStart(tokenLoss).onPacket(tokenLoss).sendingOnSubmit();
        Simulation sim = simulation(SimConfig.defaults(), script, 1, 2);
        sim.pause(100_000, 2);
        send(sim, 200_000, 1, 2, "token");
        sim.resume(1_000_000, 2);
        sim.runUntil(1_400_000);

        assertThat(ProbeEngine.linesOf(log, 2)).containsExactly("0 2#1 start", "1000000 2#1 packet token");
        sim.runUntil(2_000_000);
        assertThat(ProbeEngine.linesOf(log, 2)).endsWith("1500000 2#1 timer TOKEN_LOSS");
    }

    @Test
    void aCrashWhilePausedDropsWhatWasBuffered() {
        Simulation sim = simulation(SimConfig.defaults(), ProbeEngine.sendOnSubmit(), 1, 2);
        sim.pause(0, 2);
        send(sim, 1_000, 1, 2, "buffered");
        sim.crash(500_000, 2);
        sim.resume(600_000, 2); // not paused any more: no effect
        sim.restart(700_000, 2);
        sim.runUntil(10_000_000);

        assertThat(ProbeEngine.linesOf(log, 2)).containsExactly("0 2#1 start", "700000 2#2 start");
        assertThat(sim.networkStats(0).droppedReceiverDown()).isEqualTo(1);
    }

    @Test
    void submitsToANodeThatIsNotUpAreRefused() {
        Simulation sim = simulation(SimConfig.defaults(), ProbeEngine.sendOnSubmit(), 1, 2);
        List<String> answers = new ArrayList<>();
        sim.addListener(new SimulationListener() {
            @Override
            public void onSubmit(long timeNanos, int nodeId, byte[] payload, Guarantee guarantee, SubmitStatus status) {
                answers.add(nodeId + " " + status);
            }
        });
        sim.pause(0, 1);
        sim.crash(0, 2);
        send(sim, 1_000, 1, 0, "x");
        send(sim, 1_000, 2, 0, "y");
        sim.resume(2_000, 1);
        send(sim, 3_000, 1, 0, "z");
        sim.runUntil(10_000_000);

        assertThat(answers).containsExactly("1 NOT_READY", "2 NOT_READY", "1 ACCEPTED");
    }

    @Test
    void aNodeAddedWithALaterStartIsDownUntilThen() {
        Simulation sim = simulation(SimConfig.defaults(), ProbeEngine.sendOnSubmit(), 1);
        sim.addNode(2, 5_000_000);
        sim.runUntil(4_000_000);
        assertThat(sim.nodeState(2)).isEqualTo(NodeState.DOWN);
        sim.runUntil(5_000_000);
        assertThat(sim.nodeState(2)).isEqualTo(NodeState.UP);
        assertThat(sim.nodeIds()).containsExactly(1, 2);
    }
}
