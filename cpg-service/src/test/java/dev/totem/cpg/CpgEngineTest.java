package dev.totem.cpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpgEngineTest {
    private static final RingId RING = new RingId(1, 4);

    /** A ring of one: start installs it; each timer delivers what was submitted, after a Send. */
    private static final class LoopbackEngine implements TotemEngine {
        final Effects effects = new Effects();
        final ArrayDeque<byte[]> queued = new ArrayDeque<>();
        /** How frames came in: "packet N" or "owned N" with the network index. */
        final List<String> arrivals = new java.util.ArrayList<>();

        @Override
        public int nodeId() {
            return 1;
        }

        @Override
        public Effects start(long nowNanos) {
            effects.clear();
            effects.add(new Effect.ConfigurationChange(Effect.ConfigurationKind.REGULAR, RING, new int[] {1}, new int[0],
                    new int[] {1}));
            return effects;
        }

        @Override
        public Effects onPacket(long nowNanos, ByteBuffer frame) {
            arrivals.add("packet ?");
            return effects.clear();
        }

        @Override
        public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
            arrivals.add("packet " + network);
            return effects.clear();
        }

        @Override
        public Effects onOwnedFrame(long nowNanos, int network, byte[] frame) {
            arrivals.add("owned " + network);
            return effects.clear();
        }

        @Override
        public Effects reloadTunables(long nowNanos, TotemConfig reloaded) {
            arrivals.add("reload " + reloaded.tokenTimeoutMs());
            return effects.clear();
        }

        @Override
        public Effects onTimer(long nowNanos, TimerKind timer) {
            effects.clear();
            effects.add(new Effect.Send(Effect.MULTICAST, new byte[] {1}));
            while (!queued.isEmpty()) {
                effects.add(new Effect.Deliver(1, queued.poll(), Guarantee.AGREED, RING));
            }
            return effects;
        }

        @Override
        public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
            effects.clear();
            queued.add(payload);
            effects.submitStatus(SubmitStatus.ACCEPTED);
            return effects;
        }
    }

    @Test
    void framesGoDownWithTheirNetwork() {
        LoopbackEngine inner = new LoopbackEngine();
        CpgEngine engine = new CpgEngine(inner, CpgConfig.defaults(), n -> { });
        engine.start(0);
        engine.onPacket(1, 1, ByteBuffer.allocate(4));
        engine.onOwnedFrame(2, 2, new byte[4]);
        engine.onPacket(3, ByteBuffer.allocate(4));
        // A redundant ring below judges each network by what arrives on it: network 1's frames
        // taken for network 0's faulted network 1 within half a second. A driver with one network
        // says nothing, which means network 0, and the layer says so below.
        assertThat(inner.arrivals).containsExactly("packet 1", "owned 2", "packet 0");
        engine.reloadTunables(4, TotemConfig.fromToken(1234, TotemConfig.DEFAULT_NETMTU));
        assertThat(inner.arrivals).last().isEqualTo("reload 1234");
    }

    @Test
    void anotherServicesMessageGoesRoundAndComesOutAsAPlainDelivery() {
        LoopbackEngine inner = new LoopbackEngine();
        CpgEngine engine = new CpgEngine(inner, CpgConfig.defaults(), n -> { });
        engine.start(0);
        byte[] cfg = {1, 1, 1}; // corosync's cfg service: 1
        assertThat(engine.submitService(1, cfg, Guarantee.AGREED).submitStatus()).isEqualTo(SubmitStatus.ACCEPTED);
        List<Effect> round = List.copyOf(engine.onTimer(2, TimerKind.TOKEN_RETRANSMIT).list());
        assertThat(round).filteredOn(e -> e instanceof Effect.Deliver)
                .singleElement().satisfies(e -> assertThat(((Effect.Deliver) e).payload()).isEqualTo(cfg));
        assertThat(engine.service().stats().malformed).as("not fed to CPG").isZero();
        assertThatThrownBy(() -> engine.submitService(3, new byte[] {(byte) CpgEngine.SERVICE_CPG, 1}, Guarantee.AGREED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other than CPG's");
        assertThatThrownBy(() -> engine.submitService(3, new byte[0], Guarantee.AGREED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deliveriesFeedTheServiceAndEverythingElsePassesThrough() {
        CpgEngine engine = new CpgEngine(new LoopbackEngine(), CpgConfig.defaults(), n -> { });
        List<Effect> started = List.copyOf(engine.start(0).list());
        assertThat(started).hasSize(2);
        assertThat(started.get(0)).isInstanceOf(Effect.ConfigurationChange.class);
        assertThat(started.get(1)).isEqualTo(new Effect.Transition("cpg", "NO_RING", "SYNCING", "regular configuration 1:4"));
        List<Effect> synced = List.copyOf(engine.onTimer(1, TimerKind.TOKEN_LOSS).list());
        assertThat(synced).hasSize(2); // the JOINLIST's delivery was consumed
        assertThat(synced.get(0)).isInstanceOf(Effect.Send.class);
        assertThat(synced.get(1)).isEqualTo(new Effect.Transition("cpg", "SYNCING", "SYNCED", "every JOINLIST of ring 1:4 delivered"));
        assertThat(engine.service().phase()).isEqualTo(SyncPhase.SYNCED);

        RecordingListener listener = new RecordingListener();
        CpgHandle[] h = new CpgHandle[1];
        engine.client(2, cpg -> {
            h[0] = cpg.open(ClientId.of(9), listener);
            assertThat(h[0].join("g").ok()).isTrue();
            assertThat(h[0].mcast("g", new byte[] {7}, Guarantee.AGREED).ok()).isTrue();
        });
        Effects fx = engine.onTimer(3, TimerKind.TOKEN_LOSS);
        assertThat(fx.list()).noneMatch(e -> e instanceof Effect.Deliver);
        assertThat(listener.events).containsExactly(
                new CpgEvent.Confchg("g", List.of(CpgAddress.member(1, 9)), List.of(), List.of(new CpgAddress(1, 9, Reason.JOIN)), "r1:4@2"),
                new CpgEvent.Deliver("g", 1, 9, new byte[] {7}));
        assertThat(engine.submit(4, new byte[1], Guarantee.AGREED).submitStatus()).isEqualTo(SubmitStatus.NOT_READY);
    }

    /** An engine whose driver dispatches, started and synchronised (ring of one). */
    private static CpgEngine syncedWithDriverDispatching(CpgConfig config) {
        CpgEngine engine = new CpgEngine(new LoopbackEngine(), config, n -> { });
        engine.driverDispatches();
        engine.start(0);
        engine.onTimer(1, TimerKind.TOKEN_LOSS);
        return engine;
    }

    @Test
    void whenTheDriverDispatchesInputsOnlyQueueEventsUntilDispatchRunsTheCallbacks() {
        CpgEngine engine = syncedWithDriverDispatching(CpgConfig.defaults());
        RecordingListener listener = new RecordingListener();
        CpgHandle[] h = new CpgHandle[1];
        engine.client(2, cpg -> {
            h[0] = cpg.open(ClientId.of(9), new CpgListener() {
                @Override
                public void onDeliver(CpgEvent.Deliver d) {
                    listener.onDeliver(d);
                    if (d.payload()[0] == 7) {
                        // A callback may multicast: its effects join the dispatch's batch.
                        assertThat(h[0].mcast("g", new byte[] {8}, Guarantee.AGREED).ok()).isTrue();
                    }
                }

                @Override
                public void onConfchg(CpgEvent.Confchg c) {
                    listener.onConfchg(c);
                }
            });
            assertThat(h[0].join("g").ok()).isTrue();
            assertThat(h[0].mcast("g", new byte[] {7}, Guarantee.AGREED).ok()).isTrue();
        });

        List<Effect> batch = List.copyOf(engine.onTimer(3, TimerKind.TOKEN_LOSS).list());
        assertThat(batch).anyMatch(e -> e instanceof Effect.Send);
        assertThat(listener.events).as("the batch's frames go out before any callback").isEmpty();

        engine.dispatch(4);
        assertThat(engine.dispatched()).isEqualTo(2);
        assertThat(listener.events).containsExactly(
                new CpgEvent.Confchg("g", List.of(CpgAddress.member(1, 9)), List.of(), List.of(new CpgAddress(1, 9, Reason.JOIN)), "r1:4@2"),
                new CpgEvent.Deliver("g", 1, 9, new byte[] {7}));
        engine.onTimer(5, TimerKind.TOKEN_LOSS);
        engine.dispatch(6);
        assertThat(listener.events).last().isEqualTo(new CpgEvent.Deliver("g", 1, 9, new byte[] {8}));
        engine.dispatch(7);
        assertThat(engine.dispatched()).isZero();
    }

    @Test
    void aBurstLargerThanAClientQueueInOneInputIsHandedOverAtOnceInsteadOfDisconnectingTheClient() {
        CpgEngine engine = syncedWithDriverDispatching(CpgConfig.defaults().withClientQueue(8, 1 << 20));
        RecordingListener listener = new RecordingListener();
        CpgHandle[] h = new CpgHandle[1];
        engine.client(2, cpg -> {
            h[0] = cpg.open(ClientId.of(9), listener);
            assertThat(h[0].join("g").ok()).isTrue();
            for (int i = 0; i < 30; i++) {
                assertThat(h[0].mcast("g", new byte[] {(byte) i}, Guarantee.AGREED).ok()).isTrue();
            }
        });

        engine.onTimer(3, TimerKind.TOKEN_LOSS); // 30 deliveries in one input, a queue of 8
        engine.dispatch(4);

        assertThat(listener.disconnected).isNull();
        assertThat(listener.events).hasSize(31); // the confchg, then every message
        assertThat(h[0].closed()).isFalse();
    }

    @Test
    void aListenerMayNotCallTheEngineItself() {
        CpgEngine engine = new CpgEngine(new LoopbackEngine(), CpgConfig.defaults(), n -> { });
        engine.start(0);
        assertThatThrownBy(() -> engine.client(1, cpg -> engine.client(1, inner -> { })))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside one of its own inputs");
        engine.onTimer(2, TimerKind.TOKEN_LOSS); // the engine still works
        assertThat(engine.service().phase()).isEqualTo(SyncPhase.SYNCED);
    }
}
