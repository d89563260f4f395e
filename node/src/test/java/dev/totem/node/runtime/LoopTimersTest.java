package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.TimerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine sees only the timers it armed last and did not cancel, even when a cancelled task was already due. */
class LoopTimersTest {
    /** A task as the loop would hold it; run by the test, whether or not it was cancelled (a task already due). */
    private static final class Task implements ScheduledFuture<Object> {
        final Runnable body;
        final long delayNanos;
        boolean cancelled;

        Task(Runnable body, long delayNanos) {
            this.body = body;
            this.delayNanos = delayNanos;
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(delayNanos, o.getDelay(TimeUnit.NANOSECONDS));
        }
    }

    private final List<Task> scheduled = new ArrayList<>();
    private final List<TimerKind> fired = new ArrayList<>();
    private final LoopTimers timers = new LoopTimers((body, delay) -> {
        Task t = new Task(body, delay);
        scheduled.add(t);
        return t;
    }, fired::add);

    @Test
    void anArmedTimerGoesOffWithItsKindAndANegativeDelayMeansAtOnce() {
        timers.arm(TimerKind.TOKEN_LOSS, 5_000);
        timers.arm(TimerKind.JOIN, -3);

        assertThat(scheduled).extracting(t -> t.delayNanos).containsExactly(5_000L, 0L);
        scheduled.get(1).body.run();
        scheduled.get(0).body.run();

        assertThat(fired).containsExactly(TimerKind.JOIN, TimerKind.TOKEN_LOSS);
    }

    @Test
    void aTaskDueBeforeItsTimerWasDisarmedOrReArmedDoesNothing() {
        timers.arm(TimerKind.TOKEN_LOSS, 100);
        Task first = scheduled.get(0);
        timers.arm(TimerKind.TOKEN_LOSS, 200); // re-armed: the first task is stale
        Task second = scheduled.get(1);
        timers.arm(TimerKind.JOIN, 100);
        timers.disarm(TimerKind.JOIN);
        Task join = scheduled.get(2);

        first.body.run();
        join.body.run();
        assertThat(fired).isEmpty();
        assertThat(first.cancelled).isTrue();
        assertThat(join.cancelled).isTrue();

        second.body.run();
        assertThat(fired).containsExactly(TimerKind.TOKEN_LOSS);
    }

    @Test
    void disarmingAllSilencesEveryArmedTimer() {
        for (TimerKind kind : TimerKind.values()) {
            timers.arm(kind, 10);
        }
        timers.disarmAll();

        scheduled.forEach(t -> t.body.run());

        assertThat(fired).isEmpty();
        assertThat(scheduled).hasSize(TimerKind.values().length).allMatch(t -> t.cancelled);
    }
}
