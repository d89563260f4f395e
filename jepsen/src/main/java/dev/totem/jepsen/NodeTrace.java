package dev.totem.jepsen;

import dev.totem.simulator.trace.TraceWriter;

/** Where a node process's threads write their trace lines: one file, one lock, the run's clock. */
interface NodeTrace {
    /** One line, given the writer and the time it is written at. */
    interface Line {
        void write(TraceWriter trace, long nowNanos);
    }

    /**
     * Writes {@code line}; with {@code toOs} hands the file to the OS before returning, so that
     * a SIGKILL after an action keeps the line written before it.
     *
     * @return false once the trace is frozen (nothing is written then)
     */
    boolean write(Line line, boolean toOs);
}
