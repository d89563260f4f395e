package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubmitQueueTest {
    private static final SubmitQueue.Dropped NOT_DROPPED = (bytes, status) -> {
        throw new AssertionError("dropped " + bytes + " bytes: " + status);
    };

    private static byte[] message(int i) {
        return new byte[] {(byte) (i >> 8), (byte) i};
    }

    private static int number(byte[] payload) {
        return (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
    }

    /** An engine that takes messages until its room runs out, then answers TRY_AGAIN. */
    private static final class Engine implements SubmitQueue.Engine {
        final List<Integer> taken = new ArrayList<>();
        int room;

        @Override
        public SubmitStatus submit(byte[] payload, Guarantee guarantee) {
            if (room == 0) {
                return SubmitStatus.TRY_AGAIN;
            }
            room--;
            taken.add(number(payload));
            return SubmitStatus.ACCEPTED;
        }
    }

    @Test
    void aRefusedMessageStaysFirstAcrossChunksAndEveryMessageGoesOnceInOrder() {
        SubmitQueue q = new SubmitQueue(1000, 1 << 20, 1000);
        for (int i = 0; i < 300; i++) {
            assertThat(q.offer(message(i), Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
        }
        Engine engine = new Engine();
        engine.room = 100; // refuses inside the second chunk
        assertThat(q.drain(engine, NOT_DROPPED)).isFalse();
        assertThat(q.blockedAndIdle()).isTrue();
        assertThat(q.size()).isEqualTo(200);
        engine.room = 150;
        q.drain(engine, NOT_DROPPED);
        assertThat(q.size()).isEqualTo(50);
        engine.room = Integer.MAX_VALUE;
        assertThat(q.drain(engine, NOT_DROPPED)).isFalse();
        assertThat(q.blockedAndIdle()).isFalse();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            expected.add(i);
        }
        assertThat(engine.taken).isEqualTo(expected);
        assertThat(q.size()).isZero();
    }

    @Test
    void aDrainTakesOnlyWhatWasQueuedWhenItBeganAndAsksForAnother() {
        SubmitQueue q = new SubmitQueue(1000, 1 << 20, 1000);
        for (int i = 0; i < 100; i++) {
            q.offer(message(i), Guarantee.AGREED);
        }
        List<Integer> taken = new ArrayList<>();
        // Each message handed over makes a listener submit another (a flood from the loop itself).
        SubmitQueue.Engine engine = (payload, guarantee) -> {
            taken.add(number(payload));
            q.offer(message(1000 + taken.size()), Guarantee.AGREED);
            return SubmitStatus.ACCEPTED;
        };
        assertThat(q.drain(engine, NOT_DROPPED)).as("messages remain: schedule another drain").isTrue();
        assertThat(taken).hasSize(100).endsWith(99);
        assertThat(q.size()).isEqualTo(100);
    }

    @Test
    void theBoundsHoldAndTheTakenChunkCounts() {
        SubmitQueue q = new SubmitQueue(10, 1000, 600);
        assertThat(q.offer(new byte[601], Guarantee.AGREED)).isEqualTo(SubmitStatus.TOO_LARGE);
        for (int i = 0; i < 10; i++) {
            assertThat(q.offer(message(i), Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
        }
        assertThat(q.offer(message(10), Guarantee.AGREED)).as("ten messages at most").isEqualTo(SubmitStatus.TRY_AGAIN);
        Engine engine = new Engine();
        engine.room = 3;
        q.drain(engine, NOT_DROPPED);
        assertThat(q.size()).as("seven left, taken from the queue or not").isEqualTo(7);
        // The taken chunk left the queue: it takes messages again, up to its capacity.
        for (int i = 0; i < 10; i++) {
            assertThat(q.offer(message(20 + i), Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
        }
        assertThat(q.size()).isEqualTo(17);
        assertThat(q.offer(message(40), Guarantee.AGREED)).isEqualTo(SubmitStatus.TRY_AGAIN);

        SubmitQueue bytes = new SubmitQueue(100, 1000, 600);
        assertThat(bytes.offer(new byte[600], Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
        assertThat(bytes.offer(new byte[401], Guarantee.AGREED)).as("1,001 bytes").isEqualTo(SubmitStatus.TRY_AGAIN);
        engine.room = 1;
        bytes.drain(engine, NOT_DROPPED);
        assertThat(bytes.offer(new byte[600], Guarantee.AGREED)).as("the drained bytes are room again").isEqualTo(SubmitStatus.ACCEPTED);
    }

    @Test
    void clearLeavesTheLoopsChunkAndClearOnLoopDropsIt() {
        SubmitQueue q = new SubmitQueue(100, 1 << 20, 1000);
        for (int i = 0; i < 20; i++) {
            q.offer(message(i), Guarantee.AGREED);
        }
        Engine engine = new Engine();
        engine.room = 5;
        q.drain(engine, NOT_DROPPED);
        assertThat(q.size()).isEqualTo(15);
        q.clear();
        assertThat(q.size()).as("the 15 the loop took stay its own").isEqualTo(15);
        q.clearOnLoop();
        assertThat(q.size()).isZero();
        engine.room = Integer.MAX_VALUE;
        assertThat(q.drain(engine, NOT_DROPPED)).isFalse();
        assertThat(engine.taken).hasSize(5);
    }
}
