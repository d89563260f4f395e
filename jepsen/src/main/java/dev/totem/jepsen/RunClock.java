package dev.totem.jepsen;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The time base of one run's history, shared by every process of the run: nanoseconds since the
 * run's epoch (wall-clock microseconds handed to each process). Each process reads the wall clock
 * once and counts on from there with {@link System#nanoTime}, so its own times never go back and
 * the processes of one machine agree to within microseconds.
 */
public final class RunClock {
    private final long offsetNanos;
    private final long anchorNanoTime;

    /** Readings of the two clocks taken to find the pair read closest together. */
    private static final int ANCHOR_TRIES = 16;

    /**
     * A clock of the run that started at {@code epochMicros} (microseconds since 1970).
     *
     * <p>The wall clock and {@code nanoTime} are read side by side, and a pause between the two
     * readings (the first {@code Instant.now()} loads classes; the thread may be descheduled)
     * would shift every time of this process by its length: a CPG trace once showed a message
     * delivered a millisecond before its sender's record of sending it. So the pair read closest
     * together, of several, anchors the clock.
     */
    public RunClock(long epochMicros) {
        wallMicros(); // loads what the wall clock's first reading needs
        long bestGap = Long.MAX_VALUE;
        long anchor = 0;
        long wall = 0;
        for (int i = 0; i < ANCHOR_TRIES; i++) {
            long before = System.nanoTime();
            long w = wallMicros();
            long after = System.nanoTime();
            if (after - before < bestGap) {
                bestGap = after - before;
                anchor = before + (after - before) / 2;
                wall = w;
            }
        }
        this.anchorNanoTime = anchor;
        this.offsetNanos = (wall - epochMicros) * 1_000;
    }

    /** The wall clock in microseconds since 1970: what a run hands its processes as epoch. */
    public static long wallMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    /** Nanoseconds since the run's epoch. */
    public long nowNanos() {
        return offsetNanos + (System.nanoTime() - anchorNanoTime);
    }
}
