package dev.totem.perf.bench;

import java.time.Instant;
import java.util.Arrays;

/**
 * The counted window of one phase cut into slots of {@link #SLOT_MICROS}: for each, the stamped
 * messages delivered (one in {@link BenchNode#STAMP_EVERY}) and the longest latency seen. A p99
 * says how many deliveries were late, not when; this says when, so that a late step of a sweep
 * can be laid beside the nodes' GC and token logs (a stall of one node shows as a few slots with
 * long latencies, a slow ring as all of them).
 *
 * <p>Written by the delivering thread only, read by the command thread after the window closed
 * (the phase's volatile writes order the two).
 */
final class LatencyTimeline {
    /** Length of one slot: 100 ms. */
    static final long SLOT_MICROS = 100_000;
    /** Slots kept at most (ten minutes); deliveries past them land in the last. */
    static final int MAX_SLOTS = 6_000;

    private long startMicros;
    private long[] delivered = new long[1];
    private long[] maxLatencyMicros = new long[1];

    /** Empties the timeline for a window of {@code windowMicros} that starts at {@code startMicros} (wall clock). */
    void reset(long startMicros, long windowMicros) {
        int slots = (int) Math.min(MAX_SLOTS, Math.max(1, (windowMicros + SLOT_MICROS - 1) / SLOT_MICROS));
        this.startMicros = startMicros;
        if (delivered.length != slots) {
            delivered = new long[slots];
            maxLatencyMicros = new long[slots];
        } else {
            Arrays.fill(delivered, 0);
            Arrays.fill(maxLatencyMicros, 0);
        }
    }

    /** A stamped message delivered at {@code nowMicros} (wall clock) with latency {@code latencyMicros}. */
    void record(long nowMicros, long latencyMicros) {
        int slot = slot(nowMicros);
        delivered[slot]++;
        if (latencyMicros > maxLatencyMicros[slot]) {
            maxLatencyMicros[slot] = latencyMicros;
        }
    }

    private int slot(long nowMicros) {
        long s = (nowMicros - startMicros) / SLOT_MICROS;
        return (int) Math.max(0, Math.min(delivered.length - 1, s));
    }

    int slots() {
        return delivered.length;
    }

    long delivered(int slot) {
        return delivered[slot];
    }

    long maxLatencyMicros(int slot) {
        return maxLatencyMicros[slot];
    }

    /**
     * One line for a node's log: the slots whose longest latency reached {@code thresholdMicros}
     * or that delivered less than half the median slot, each as {@code time max=ms n=count}; or
     * that none did.
     */
    String describe(long thresholdMicros) {
        long[] sorted = delivered.clone();
        Arrays.sort(sorted);
        long median = sorted[sorted.length / 2];
        StringBuilder line = new StringBuilder("latency by " + SLOT_MICROS / 1000 + " ms slot (median "
                + median + " stamped msgs a slot):");
        int shown = 0;
        for (int i = 0; i < delivered.length; i++) {
            boolean late = maxLatencyMicros[i] >= thresholdMicros;
            boolean slow = delivered[i] * 2 < median;
            if (late || slow) {
                if (shown++ == 20) {
                    line.append(" ...");
                    break;
                }
                Instant at = Instant.ofEpochSecond(0, (startMicros + i * SLOT_MICROS) * 1000);
                line.append(' ').append(at).append(" max=").append(maxLatencyMicros[i] / 1000.0).append("ms n=")
                        .append(delivered[i]);
            }
        }
        if (shown == 0) {
            line.append(" none late or slow");
        }
        return line.toString();
    }
}
