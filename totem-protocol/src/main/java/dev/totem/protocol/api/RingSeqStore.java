package dev.totem.protocol.api;

/**
 * Persistent storage of the highest ring sequence number a node has used, so that a restarted
 * node never reuses a ring id. Injected: a file in the node runtime, memory in the simulator.
 */
public interface RingSeqStore {
    /** The stored ring seq, 0 when nothing was ever stored. */
    long load();

    /** Stores {@code ringSeq}; returns once it is durable. */
    void store(long ringSeq);

    /** A store in memory, for tests and for the simulator (which keeps it across restarts). */
    static RingSeqStore inMemory() {
        return new RingSeqStore() {
            private long value;

            @Override
            public long load() {
                return value;
            }

            @Override
            public void store(long ringSeq) {
                value = ringSeq;
            }
        };
    }
}
