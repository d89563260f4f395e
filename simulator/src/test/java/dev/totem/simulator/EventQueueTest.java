package dev.totem.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.testkit.SeededCases;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class EventQueueTest {

    @Test
    void eventsAtTheSameTimeComeOutInInsertionOrder() {
        EventQueue queue = new EventQueue(100);
        for (int i = 0; i < 50; i++) {
            queue.add(i % 2 == 0 ? 10 : 5, 0, i, 0, null);
        }
        List<Integer> order = new ArrayList<>();
        while (!queue.isEmpty()) {
            int slot = queue.poll();
            order.add(queue.node(slot));
            queue.release(slot);
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i < 50; i += 2) {
            expected.add(i);
        }
        for (int i = 0; i < 50; i += 2) {
            expected.add(i);
        }
        assertThat(order).isEqualTo(expected);
    }

    @Test
    void cancelledEventsNeverComeOut() {
        EventQueue queue = new EventQueue(10);
        int first = queue.add(1, 0, 1, 0, "a");
        int second = queue.add(2, 0, 2, 0, "b");
        queue.add(3, 0, 3, 0, "c");
        queue.cancel(second);
        queue.cancel(first);
        assertThat(queue.size()).isEqualTo(1);
        int slot = queue.poll();
        assertThat(queue.ref(slot)).isEqualTo("c");
        queue.release(slot);
        assertThatThrownBy(() -> queue.cancel(slot)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFullQueueFailsWithTheLimitNamed() {
        EventQueue queue = new EventQueue(3);
        for (int i = 0; i < 3; i++) {
            queue.add(i, 0, 0, 0, null);
        }
        assertThatThrownBy(() -> queue.add(9, 0, 0, 0, null))
                .isInstanceOf(SimulationLimitException.class)
                .hasMessageContaining("maxQueuedEvents");
        queue.release(queue.poll());
        queue.add(9, 0, 0, 0, null);
        assertThat(queue.size()).isEqualTo(3);
    }

    /** Random adds, polls and cancels agree with a sorted reference set. */
    @Test
    void matchesAReferenceOrdering() {
        SeededCases.run(7_000, 20, (random, seed) -> {
            EventQueue queue = new EventQueue(2_000);
            Comparator<long[]> byTimeThenSequence = Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]);
            TreeSet<long[]> reference = new TreeSet<>(byTimeThenSequence);
            List<long[]> live = new ArrayList<>();
            long sequence = 0;
            for (int step = 0; step < 3_000; step++) {
                int action = random.nextInt(10);
                if (action < 5 && reference.size() < 1_500) {
                    long time = random.nextLong(50);
                    int slot = queue.add(time, 0, (int) sequence, 0, null);
                    long[] entry = {time, sequence++, slot};
                    reference.add(entry);
                    live.add(entry);
                } else if (action < 8 && !reference.isEmpty()) {
                    long[] expected = reference.pollFirst();
                    live.remove(expected);
                    assertThat(queue.peekTimeNanos()).isEqualTo(expected[0]);
                    int slot = queue.poll();
                    assertThat(queue.node(slot)).isEqualTo((int) expected[1]);
                    queue.release(slot);
                } else if (!live.isEmpty()) {
                    long[] victim = live.remove(random.nextInt(live.size()));
                    reference.remove(victim);
                    queue.cancel((int) victim[2]);
                }
                assertThat(queue.size()).isEqualTo(reference.size());
            }
        });
    }
}
