package dev.totem.locks;

import java.util.function.Consumer;

/**
 * Where a lock table's events go, saying whose events it reads: a table applying a request does
 * not make the events of a process the sink does not want (a process acts on its own requests'
 * events; without an observer the others' are dropped unread). A sink may still be given events
 * it does not want, from the rare walks (confchgs, syncs).
 */
@FunctionalInterface
public interface LockEventSink extends Consumer<LockEvent> {
    /**
     * Whether this sink reads events of requests of {@code process} ({@link RequestId#process()});
     * the same answer for as long as a table applies one input.
     */
    default boolean wants(long process) {
        return true;
    }

    /** {@code out} as a sink: itself if it is one, else a sink that wants every event. */
    static LockEventSink of(Consumer<LockEvent> out) {
        return out instanceof LockEventSink s ? s : out::accept;
    }
}
