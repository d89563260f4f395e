package dev.totem.jepsen;

import java.util.concurrent.TimeUnit;

/**
 * Paces a workload at a steady rate: {@link #await} returns at the next step's time. A step that
 * overran starts the count afresh rather than hurrying to catch up.
 */
final class Pacer {
    private final long periodNanos;
    private long next = System.nanoTime();

    /** {@code perSecond} steps a second (at least one). */
    Pacer(int perSecond) {
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond);
    }

    /** Waits until the next step is due. */
    void await() {
        next += periodNanos;
        long wait = next - System.nanoTime();
        if (wait > 0) {
            sleepNanos(wait); // pacing the workload, not synchronising anything
        } else {
            next = System.nanoTime();
        }
    }

    /** Sleeps {@code nanos}; an interrupt ends the sleep and stays set for the caller to see. */
    static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
