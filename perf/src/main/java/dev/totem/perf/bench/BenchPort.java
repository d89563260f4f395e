package dev.totem.perf.bench;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import java.util.Map;

/**
 * Where a {@link BenchNode} multicasts: a node in the same JVM ({@link EmbeddedPort}) or a node
 * daemon over its CPG socket ({@link CpgPort}). Deliveries come back through
 * {@link BenchNode#delivered}.
 */
interface BenchPort extends AutoCloseable {
    /**
     * Multicasts {@code payload} (which the caller reuses afterwards) without waiting long:
     * ACCEPTED, or TRY_AGAIN when flow control pushes back.
     */
    SubmitStatus send(byte[] payload, Guarantee guarantee);

    /** The node's counters (for the log), or an empty map when this port cannot see them. */
    Map<String, Long> counters();

    /** Leaves the ring or the group cleanly. */
    @Override
    void close();
}
