package dev.totem.protocol.srp;

import static org.assertj.core.api.Assertions.assertThat;

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
}
