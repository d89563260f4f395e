package dev.totem.cpg.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.cpg.CpgEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The reader-to-dispatcher hand-over: order kept, bounded, batches whole. */
class EventBatchesTest {
    private static CpgEvent.Deliver event(int n) {
        return new CpgEvent.Deliver("g", 1, 1, new byte[] {(byte) n});
    }

    private static List<Integer> numbers(List<CpgEvent> events) {
        List<Integer> out = new ArrayList<>();
        for (CpgEvent e : events) {
            out.add((int) ((CpgEvent.Deliver) e).payload()[0]);
        }
        return out;
    }

    @Test
    void eventsComeOutInTheOrderTheyWentInAcrossBatches() throws Exception {
        EventBatches q = new EventBatches(100);
        q.putAll(List.of(event(1), event(2)));
        q.putAll(List.of(event(3)));
        List<CpgEvent> sink = new ArrayList<>();
        assertThat(q.takeAll(sink, 0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(numbers(sink)).containsExactly(1, 2, 3);
        assertThat(q.size()).isZero();
        assertThat(q.takeAll(sink, 0, TimeUnit.MILLISECONDS)).as("empty: nothing to take").isFalse();
    }

    @Test
    void aBatchThatWouldPassTheBoundWaitsUntilTheDispatcherTakes() throws Exception {
        EventBatches q = new EventBatches(3);
        q.putAll(List.of(event(1), event(2)));
        Thread reader = waitingPut(q, List.of(event(3), event(4)));
        assertThat(q.size()).as("the waiting batch is not in").isEqualTo(2);

        List<CpgEvent> sink = new ArrayList<>();
        assertThat(q.takeAll(sink, 1, TimeUnit.SECONDS)).isTrue();
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(reader.isAlive()).isFalse();
        assertThat(q.takeAll(sink, 1, TimeUnit.SECONDS)).isTrue();
        assertThat(numbers(sink)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aBatchLargerThanTheBoundGoesIntoAnEmptyQueueAndTheEndMarkAlwaysFits() throws Exception {
        EventBatches q = new EventBatches(2);
        q.putAll(List.of(event(1), event(2), event(3)));
        q.add(event(4));
        List<CpgEvent> sink = new ArrayList<>();
        assertThat(q.takeAll(sink, 0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(numbers(sink)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aWaitingBatchGoesInWhenTheBoundIsSuspendedAndLaterOnesWaitAgainOnceItIsBack() throws Exception {
        EventBatches q = new EventBatches(3);
        q.putAll(List.of(event(1), event(2)));
        Thread reader = waitingPut(q, List.of(event(3), event(4)));
        q.suspendBound(true);
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(reader.isAlive()).as("the batch went in past the bound").isFalse();
        assertThat(q.size()).isEqualTo(4);

        q.suspendBound(false);
        Thread next = waitingPut(q, List.of(event(5))); // the bound holds again
        List<CpgEvent> sink = new ArrayList<>();
        assertThat(q.takeAll(sink, 0, TimeUnit.MILLISECONDS)).isTrue();
        next.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(q.takeAll(sink, 0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(numbers(sink)).containsExactly(1, 2, 3, 4, 5);
    }

    /** Starts a reader putting {@code batch} and returns it once it waits for room. */
    private static Thread waitingPut(EventBatches q, List<CpgEvent> batch) {
        Thread reader = new Thread(() -> {
            try {
                q.putAll(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        while (reader.getState() != Thread.State.WAITING) {
            assertThat(reader.isAlive()).as("the reader must wait, not return").isTrue();
            Thread.onSpinWait();
        }
        return reader;
    }
}
