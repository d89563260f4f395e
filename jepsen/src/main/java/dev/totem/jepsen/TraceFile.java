package dev.totem.jepsen;

import dev.totem.simulator.trace.TraceSink;
import dev.totem.simulator.trace.TraceWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The trace file of one process of a run: lines from any thread, under one lock, timed by the
 * run's clock; handed to the OS when a line asks for it and once a second ({@link #flush}), and
 * closed for good by {@link #freeze}. A SIGKILL therefore leaves a prefix of what happened.
 */
final class TraceFile implements NodeTrace {
    private final Path path;
    private final RunClock clock;
    private final BufferedWriter file;
    private final Object lock = new Object();
    private TraceWriter trace;

    /** Creates {@code path} (one per process) and writes into it with times from {@code clock}. */
    TraceFile(Path path, RunClock clock) throws IOException {
        this.path = path;
        this.clock = clock;
        this.file = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        this.trace = new TraceWriter(TraceSink.writer(file));
    }

    @Override
    public boolean write(Line line, boolean toOs) {
        synchronized (lock) {
            if (trace == null) {
                return false;
            }
            line.write(trace, clock.nowNanos());
            if (toOs) {
                flushLocked();
            }
            return true;
        }
    }

    /** Hands what was written to the OS. */
    void flush() {
        synchronized (lock) {
            flushLocked();
        }
    }

    /** Closes the file: nothing is written after this. */
    void freeze() throws IOException {
        synchronized (lock) {
            if (trace != null) {
                trace = null;
                file.close();
            }
        }
    }

    /** Whether {@link #freeze} ran. */
    boolean frozen() {
        synchronized (lock) {
            return trace == null;
        }
    }

    private void flushLocked() {
        if (trace == null) {
            return;
        }
        try {
            file.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the trace " + path + " failed", e);
        }
    }
}
