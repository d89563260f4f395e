package dev.totem.node.runtime;

import io.micrometer.core.instrument.Clock;
import java.util.function.LongSupplier;

/**
 * The metrics registry's clock: wall time as of the last {@link #advance()}, which the event loop
 * calls with every snapshot (once a second). Micrometer reads the wall clock twice for each
 * recorded latency (the histogram and the maximum each check whether their time window should
 * rotate): 2.9 % of a 64 B bench node's CPU samples, none with this clock. Their windows are
 * minutes long, so a reading up to a second old rotates them as well. Monotonic time is read as
 * it is: nothing records with it on the hot path.
 *
 * <p>Thread safety: advanced on the event loop, read there and on the HTTP server's thread.
 */
final class CoarseWallClock implements Clock {
    private final LongSupplier wallMillis;
    private volatile long lastWallMillis;

    /** @param wallMillis the wall clock in milliseconds since the epoch; read at each {@link #advance()} */
    CoarseWallClock(LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
        this.lastWallMillis = wallMillis.getAsLong();
    }

    /** Takes a new reading of the wall clock, which {@link #wallTime()} answers until the next. */
    void advance() {
        lastWallMillis = wallMillis.getAsLong();
    }

    @Override
    public long wallTime() {
        return lastWallMillis;
    }

    @Override
    public long monotonicTime() {
        return System.nanoTime();
    }
}
