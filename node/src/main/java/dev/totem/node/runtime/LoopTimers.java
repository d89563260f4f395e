package dev.totem.node.runtime;

import dev.totem.protocol.api.TimerKind;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * The engine's timers on the node's event loop: one per {@link TimerKind}, armed and disarmed as
 * the engine's effects say. A task that was already due when its timer was disarmed or re-armed
 * does nothing (each arm and disarm bumps the kind's generation), so the engine never sees a
 * timer it cancelled. Event loop only.
 */
final class LoopTimers {
    /** Schedules a task on the loop after a delay. */
    @FunctionalInterface
    interface Scheduler {
        ScheduledFuture<?> schedule(Runnable task, long delayNanos);
    }

    private static final TimerKind[] KINDS = TimerKind.values();

    private final Scheduler scheduler;
    private final Consumer<TimerKind> fired;
    private final ScheduledFuture<?>[] armed = new ScheduledFuture<?>[KINDS.length];
    /** Bumped at each arm and disarm, so a timer task that was already due does nothing. */
    private final long[] generations = new long[KINDS.length];

    /** @param fired the engine's input for a timer that went off, on the loop */
    LoopTimers(Scheduler scheduler, Consumer<TimerKind> fired) {
        this.scheduler = scheduler;
        this.fired = fired;
    }

    /** Arms {@code kind} to go off after {@code delayNanos} (at once if negative), replacing its earlier arming. */
    void arm(TimerKind kind, long delayNanos) {
        disarm(kind);
        int k = kind.ordinal();
        long generation = generations[k];
        armed[k] = scheduler.schedule(() -> due(k, generation), Math.max(0, delayNanos));
    }

    /** Disarms {@code kind}; nothing if it is not armed. */
    void disarm(TimerKind kind) {
        int k = kind.ordinal();
        generations[k]++;
        ScheduledFuture<?> task = armed[k];
        if (task != null) {
            task.cancel(false);
            armed[k] = null;
        }
    }

    /** Disarms every timer (the node is stopping). */
    void disarmAll() {
        for (TimerKind kind : KINDS) {
            disarm(kind);
        }
    }

    private void due(int k, long generation) {
        if (generations[k] != generation) {
            return; // disarmed or re-armed after this task was due
        }
        armed[k] = null;
        fired.accept(KINDS[k]);
    }
}
