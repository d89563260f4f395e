package dev.totem.simulator;

import java.util.SplittableRandom;

/**
 * How long one frame copy takes from sender to receiver. Copies draw independently, so any
 * jitter reorders frames, as a real switch with queues does.
 */
public sealed interface LatencyModel {

    /** Draws one latency in nanoseconds, never negative. */
    long sampleNanos(SplittableRandom random);

    /** Every copy takes exactly {@code nanos}: no reordering from latency. */
    static LatencyModel fixed(long nanos) {
        return new Fixed(nanos);
    }

    /** {@code baseNanos} plus a uniform jitter in {@code [0, jitterNanos]}. */
    static LatencyModel uniform(long baseNanos, long jitterNanos) {
        return new Uniform(baseNanos, jitterNanos);
    }

    /**
     * {@code baseNanos} plus an exponential jitter of mean {@code meanJitterNanos}: mostly
     * short, with a long tail (at most about 37 times the mean).
     */
    static LatencyModel exponential(long baseNanos, long meanJitterNanos) {
        return new Exponential(baseNanos, meanJitterNanos);
    }

    /** A constant latency. */
    record Fixed(long nanos) implements LatencyModel {
        public Fixed {
            requireNotNegative("nanos", nanos);
        }

        @Override
        public long sampleNanos(SplittableRandom random) {
            return nanos;
        }
    }

    /** Base plus uniform jitter. */
    record Uniform(long baseNanos, long jitterNanos) implements LatencyModel {
        public Uniform {
            requireNotNegative("baseNanos", baseNanos);
            requireNotNegative("jitterNanos", jitterNanos);
        }

        @Override
        public long sampleNanos(SplittableRandom random) {
            return jitterNanos == 0 ? baseNanos : baseNanos + random.nextLong(jitterNanos + 1);
        }
    }

    /** Base plus exponential jitter. */
    record Exponential(long baseNanos, long meanJitterNanos) implements LatencyModel {
        public Exponential {
            requireNotNegative("baseNanos", baseNanos);
            requireNotNegative("meanJitterNanos", meanJitterNanos);
        }

        @Override
        public long sampleNanos(SplittableRandom random) {
            // 1 - u lies in (0, 1], so the logarithm is finite.
            return baseNanos + (long) (-meanJitterNanos * Math.log(1.0 - random.nextDouble()));
        }
    }

    private static void requireNotNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }
}
