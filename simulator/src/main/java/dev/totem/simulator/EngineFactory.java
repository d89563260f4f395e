package dev.totem.simulator;

import dev.totem.protocol.api.RingSeqStore;
import dev.totem.protocol.api.TotemEngine;
import java.util.random.RandomGenerator;

/** Builds the engine of a node, at its first start and at every restart. */
@FunctionalInterface
public interface EngineFactory {
    /**
     * A new, not yet started engine.
     *
     * @param nodeId the node's id; the engine's {@link TotemEngine#nodeId()} must return it
     * @param ringSeqStore the node's store, the same object across restarts
     * @param random the engine's only source of randomness, seeded from the simulation seed
     */
    TotemEngine create(int nodeId, RingSeqStore ringSeqStore, RandomGenerator random);
}
