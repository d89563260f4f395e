package dev.totem.node.runtime;

import java.util.function.LongSupplier;

/**
 * One reading of a clock shared by a stretch of inputs handed over back to back, read again
 * after {@code inputsPerRead} of them or when a new stretch begins. A node drains its submits
 * this way: at 64 B it takes 1.5 million a second, and reading the clock for each (a vDSO call
 * in this VM) was 4.5 % of a bench's CPU samples. A reading is then at most {@code inputsPerRead}
 * inputs old, microseconds; the engines use the time to set and check deadlines, which it moves
 * by as much. Single owner (the event loop).
 */
final class StretchClock {
    private final LongSupplier clock;
    private final int inputsPerRead;
    private long nowNanos;
    private int usesLeft;

    /**
     * @param clock the clock, e.g. {@code System::nanoTime}
     * @param inputsPerRead inputs that share one reading, at least 1
     */
    StretchClock(LongSupplier clock, int inputsPerRead) {
        if (inputsPerRead < 1) {
            throw new IllegalArgumentException("inputsPerRead must be positive: " + inputsPerRead);
        }
        this.clock = clock;
        this.inputsPerRead = inputsPerRead;
    }

    /** A new stretch: the next {@link #nowNanos} reads the clock. */
    void newStretch() {
        usesLeft = 0;
    }

    /** The time for the next input of the stretch. */
    long nowNanos() {
        if (usesLeft == 0) {
            nowNanos = clock.getAsLong();
            usesLeft = inputsPerRead;
        }
        usesLeft--;
        return nowNanos;
    }
}
