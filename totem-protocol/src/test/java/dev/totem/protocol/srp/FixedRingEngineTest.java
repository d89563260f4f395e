package dev.totem.protocol.srp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.testkit.SeededCases;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FixedRingEngineTest {
    private static final TotemConfig CONFIG = TotemConfig.defaults();

    private static byte[] msg(int sender, int i, int size) {
        byte[] b = new byte[Math.max(8, size)];
        ByteBuffer.wrap(b).putInt(sender).putInt(i);
        return b;
    }

    private static String key(LoopbackRing.Delivered d) {
        ByteBuffer b = ByteBuffer.wrap(d.payload());
        return b.getInt() + "/" + b.getInt();
    }

    @Test
    void everyNodeDeliversEveryMessageInTheSameOrderOnALosslessRing() {
        LoopbackRing ring = new LoopbackRing(CONFIG, 3, 0, 1);
        ring.start();
        for (int i = 0; i < 300; i++) {
            for (int n = 1; n <= 3; n++) {
                assertThat(ring.submit(n, msg(n, i, 64), i % 3 == 0 ? Guarantee.SAFE : Guarantee.AGREED))
                        .isEqualTo(SubmitStatus.ACCEPTED);
            }
            ring.run(50);
        }
        for (int round = 0; round < 100; round++) {
            ring.run(100_000);
            ring.fire(TimerKind.HOLD);
        }
        List<String> first = ring.deliveries.get(0).stream().map(FixedRingEngineTest::key).collect(Collectors.toList());
        assertThat(first).hasSize(900).doesNotHaveDuplicates();
        for (int n = 1; n < 3; n++) {
            assertThat(ring.deliveries.get(n).stream().map(FixedRingEngineTest::key).collect(Collectors.toList()))
                    .isEqualTo(first);
        }
    }

    @Test
    void lostFramesAndTokensAreRecoveredAndOrderIsTheSameEverywhere() {
        SeededCases.run(500, 20, (r, seed) -> {
            LoopbackRing ring = new LoopbackRing(CONFIG, 4, 0.2, seed);
            ring.start();
            int per = 100;
            for (int i = 0; i < per; i++) {
                for (int n = 1; n <= 4; n++) {
                    while (ring.submit(n, msg(n, i, 1 + r.nextInt(3000)), r.nextInt(3) == 0 ? Guarantee.SAFE : Guarantee.AGREED)
                            != SubmitStatus.ACCEPTED) {
                        ring.run(1000);
                        ring.fire(TimerKind.TOKEN_RETRANSMIT);
                    }
                }
                ring.run(200);
            }
            for (int round = 0; round < 3000 && ring.deliveries.stream().anyMatch(d -> d.size() < 4 * per); round++) {
                ring.run(100_000);
                ring.fire(TimerKind.TOKEN_RETRANSMIT);
                ring.fire(TimerKind.HOLD);
            }
            List<String> first = ring.deliveries.get(0).stream().map(FixedRingEngineTest::key).collect(Collectors.toList());
            assertThat(first).hasSize(4 * per).doesNotHaveDuplicates();
            for (int n = 1; n < 4; n++) {
                assertThat(ring.deliveries.get(n).stream().map(FixedRingEngineTest::key).collect(Collectors.toList()))
                        .isEqualTo(first);
            }
        });
    }

    @Test
    void aFullSendQueueAnswersTryAgainAndLosesNothing() {
        TotemConfig small = CONFIG.withSendQueueFramesMax(8);
        LoopbackRing ring = new LoopbackRing(small, 3, 0, 3);
        ring.start();
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 200; i++) {
            SubmitStatus s = ring.submit(2, msg(2, i, 1000), Guarantee.AGREED);
            if (s == SubmitStatus.ACCEPTED) {
                accepted++;
            } else {
                assertThat(s).isEqualTo(SubmitStatus.TRY_AGAIN);
                refused++;
            }
            assertThat(ring.engines[1].queuedFrames()).isLessThanOrEqualTo(8);
        }
        assertThat(refused).isPositive();
        for (int round = 0; round < 100; round++) {
            ring.run(100_000);
            ring.fire(TimerKind.HOLD);
        }
        assertThat(ring.deliveries.get(0)).hasSize(accepted);
        assertThat(ring.deliveries.get(2)).hasSize(accepted);
    }

    @Test
    void tooLargeMessagesAreRefused() {
        LoopbackRing ring = new LoopbackRing(CONFIG, 2, 0, 4);
        ring.start();
        assertThat(ring.submit(1, new byte[CONFIG.messageBytesMax() + 1], Guarantee.AGREED)).isEqualTo(SubmitStatus.TOO_LARGE);
        assertThat(ring.submit(1, new byte[CONFIG.messageBytesMax()], Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
    }

    @Test
    void garbageFramesAreCountedNotThrown() {
        LoopbackRing ring = new LoopbackRing(CONFIG, 2, 0, 5);
        ring.start();
        SeededCases.run(9, 1, (r, seed) -> {
            for (int i = 0; i < 10_000; i++) {
                byte[] junk = new byte[r.nextInt(100)];
                r.nextBytes(junk);
                ring.engines[0].onPacket(0, ByteBuffer.wrap(junk));
            }
        });
        assertThat(ring.engines[0].stats().framesRejected).isEqualTo(10_000);
    }
    @Test
    void aReloadedMaxMessagesLimitsTheNextVisit() {
        for (int maxMessages : new int[] {1, CONFIG.maxMessages()}) {
            LoopbackRing ring = new LoopbackRing(CONFIG, 2, 0, 1);
            ring.reloadTunables(2, CONFIG.withWindow(CONFIG.windowSize(), maxMessages));
            ring.start();
            assertThat(ring.inFlight()).as("the first token, to node 2").isEqualTo(1);
            for (int i = 0; i < 5; i++) { // one frame each
                assertThat(ring.submit(2, msg(2, i, CONFIG.frameBytesMax() - 200), Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
            }
            ring.run(1); // node 2 takes the token: its frames, then the token
            assertThat(ring.inFlight()).as("frames and token sent with max_messages %d", maxMessages)
                    .isEqualTo(Math.min(5, maxMessages) + 1);
        }
    }

    @Test
    void aReloadedTokenTimeoutArmsTheNextTokenLossTimer() {
        LoopbackRing ring = new LoopbackRing(CONFIG, 3, 0, 1);
        ring.start();
        ring.reloadTunables(2, TotemConfig.fromToken(500, TotemConfig.DEFAULT_NETMTU));
        assertThat(ring.timers.get(1).get(TimerKind.TOKEN_LOSS)).as("armed before the reload").isEqualTo(CONFIG.tokenTimeoutNanos());
        for (int i = 0; i < 20; i++) {
            ring.submit(1 + i % 3, msg(1 + i % 3, i, 100), Guarantee.AGREED);
            ring.run(10);
        }
        assertThat(ring.timers.get(1).get(TimerKind.TOKEN_LOSS)).isEqualTo(500_000_000L);
        assertThat(ring.timers.get(0).get(TimerKind.TOKEN_LOSS)).isEqualTo(CONFIG.tokenTimeoutNanos());
        assertThat(ring.engines[1].ring().config().tokenRetransmitMs()).isEqualTo(119);
        assertThat(ring.engines[1].ring().config().frameBytesMax()).as("sizes stay").isEqualTo(CONFIG.frameBytesMax());
        for (int round = 0; round < 100; round++) {
            ring.run(100_000);
            ring.fire(TimerKind.HOLD);
        }
        List<String> first = ring.deliveries.get(0).stream().map(FixedRingEngineTest::key).collect(Collectors.toList());
        assertThat(first).hasSize(20);
        assertThat(ring.deliveries.get(1).stream().map(FixedRingEngineTest::key).collect(Collectors.toList())).isEqualTo(first);
    }

    @Test
    void aReloadedWindowTheSortQueueCannotHoldIsRefusedAndNothingChanges() {
        FixedRingEngine engine = new FixedRingEngine(CONFIG, 1, new int[] {1, 2});
        engine.reloadTunables(0, CONFIG.withWindow(4096, 17)); // 4 x 4096 fills the sort queue of 16384 exactly
        assertThat(engine.ring().config().windowSize()).isEqualTo(4096);
        TotemConfig small = new TotemConfig(1000, 200, 150, 50, 1200, 200, 2500, 30, 50, 17, 5, 30,
                CONFIG.frameBytesMax(), CONFIG.messageBytesMax(), CONFIG.sendQueueFramesMax(), 256);
        FixedRingEngine narrow = new FixedRingEngine(small, 1, new int[] {1, 2});
        assertThatThrownBy(() -> narrow.reloadTunables(0, CONFIG.withWindow(100, 17)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sortQueueFramesMax");
        assertThat(narrow.ring().config()).isEqualTo(small);
    }
}
