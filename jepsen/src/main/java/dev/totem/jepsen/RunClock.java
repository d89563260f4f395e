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

    /** A clock of the run that started at {@code epochMicros} (microseconds since 1970). */
    public RunClock(long epochMicros) {
        this.anchorNanoTime = System.nanoTime();
        this.offsetNanos = (wallMicros() - epochMicros) * 1_000;
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
