package dev.totem.simulator;

import java.util.SplittableRandom;

/**
 * Every random stream of a simulation, derived from its one seed.
 *
 * <p>Each use gets its own {@link SplittableRandom}, seeded from a hash of (seed, use, index),
 * rather than from successive {@link SplittableRandom#split()} calls, whose results depend on
 * the order of the calls: this way adding a node, a network or a named stream leaves every
 * other stream as it was.
 */
public final class RandomStreams {
    private static final long NETWORK = 1;
    private static final long NODE = 2;
    private static final long NAMED = 3;

    private final long seed;

    /** The streams of a simulation run with {@code seed}. */
    public RandomStreams(long seed) {
        this.seed = seed;
    }

    /** The seed every stream derives from. */
    public long seed() {
        return seed;
    }

    /** The stream of network {@code networkIndex}: loss, duplication and latency draws. */
    public SplittableRandom network(int networkIndex) {
        return derive(NETWORK, networkIndex, 0);
    }

    /** The stream given to the engine of {@code nodeId} in its {@code incarnation} (0 first, +1 per restart). */
    public SplittableRandom node(int nodeId, int incarnation) {
        return derive(NODE, nodeId, incarnation);
    }

    /** A stream for a named user of randomness, such as "workload" or "faults". */
    public SplittableRandom named(String name) {
        long hash = 0xcbf29ce484222325L; // FNV-1a 64
        for (int i = 0; i < name.length(); i++) {
            hash = (hash ^ name.charAt(i)) * 0x100000001b3L;
        }
        return derive(NAMED, hash, 0);
    }

    private SplittableRandom derive(long use, long first, long second) {
        long state = mix64(seed + use * 0x9e3779b97f4a7c15L);
        state = mix64(state + first * 0xc2b2ae3d27d4eb4fL);
        state = mix64(state + second * 0x165667b19e3779f9L);
        return new SplittableRandom(state);
    }

    // The SplitMix64 finalizer: a bijection that spreads every input bit over the output.
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
