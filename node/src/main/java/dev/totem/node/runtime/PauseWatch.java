package dev.totem.node.runtime;

import dev.totem.node.runtime.NodeCounters.Stat;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs a {@link PauseDetector} on the node's event loop, reports each pause it finds (a warning,
 * and {@code totem_process_pauses_total}), and tells the engine which frames were queued in the
 * sockets meanwhile, so that it drops the joins among them as corosync flushes membership
 * messages after a pause. Event loop thread only.
 *
 * <p>A frame handed in while the detector's run is overdue by more than the threshold was read
 * after a pause (netty reads the sockets before it runs the overdue run); so is every frame up to
 * the first check, a millisecond apart, that finds no socket read to its per-event limit since
 * the last one: the sockets had been read empty. A check gives up after half the token timeout,
 * so steady traffic cannot keep the engine dropping joins.
 */
final class PauseWatch {
    /** How often the backlog is checked for being read, while it is. */
    static final long BACKLOG_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The engine's side of a pause, and whether the sockets may hold more. */
    interface Backlog {
        /** The frames handed in next were queued during a pause of {@code pausedNanos}. */
        void paused(long pausedNanos);

        /** The frames queued during the pause have all been handed in. */
        void read();

        /** Whether a socket was read to its per-event limit since the last call (it may hold more). */
        boolean takeReadsMayRemain();
    }

    /** The three below are replaced by a reloaded token timeout ({@link #tokenTimeoutMs(long)}). */
    private PauseDetector detector;
    private long tokenTimeoutMs;
    private long flushLimitNanos;
    /** The chain of runs that is current: a reload starts a new one, and the old one's next run does nothing. */
    private int lookGeneration;
    private final NodeLog log;
    private final NodeCounters counters;
    private final Backlog backlog;
    private final LoopTimers.Scheduler scheduler;
    /** The event loop's clock (System::nanoTime; tests pass their own). */
    private final LongSupplier clock;
    private boolean stopped;
    /** Between a pause found and the check that finds its backlog read. */
    private boolean flushing;
    private long flushBeganNanos;

    PauseWatch(long tokenTimeoutMs, NodeLog log, NodeCounters counters, Backlog backlog, LoopTimers.Scheduler scheduler,
            LongSupplier clock) {
        timedBy(tokenTimeoutMs);
        this.log = log;
        this.counters = counters;
        this.backlog = backlog;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    private void timedBy(long tokenMs) {
        long tokenNanos = TimeUnit.MILLISECONDS.toNanos(tokenMs);
        // As corosync: looked at every fifth of the token timeout, a pause when late by over half of it.
        this.detector = new PauseDetector(tokenNanos / 5, tokenNanos / 2);
        this.flushLimitNanos = tokenNanos / 2;
        this.tokenTimeoutMs = tokenMs;
    }

    /** Starts the runs: the first at once (it only records the time), then one every period. */
    void start() {
        look();
    }

    /**
     * A reloaded token timeout: from now on runs come every fifth of it and a pause is a run late
     * by half of it. The runs start again at once, as at {@link #start}: the run already due
     * keeps the old period, and judged by the new one it would read as a pause.
     */
    void tokenTimeoutMs(long tokenMs) {
        if (tokenMs == tokenTimeoutMs) {
            return;
        }
        timedBy(tokenMs);
        lookGeneration++;
        if (!stopped) {
            look();
        }
    }

    void stop() {
        stopped = true;
    }

    /** Before each frame goes to the engine, with the time of its input. */
    void beforeFrame(long nowNanos) {
        if (!flushing) {
            long late = detector.lateNanos(nowNanos);
            if (late > 0) {
                beginFlush(nowNanos, late);
            }
        }
    }

    /** Whether frames handed in now are taken for a pause's backlog. */
    boolean flushing() {
        return flushing;
    }

    /** One run of the detector; schedules the next. */
    void look() {
        if (stopped) {
            return;
        }
        long now = clock.getAsLong();
        long lateNanos = detector.onTick(now);
        if (lateNanos > 0) {
            counters.increment(Stat.PROCESS_PAUSES);
            log.warning("process pause detected: the event loop did not run for " + (lateNanos / 1_000_000) + " ms (token "
                    + tokenTimeoutMs + " ms): this process was stopped or starved of CPU (a frozen or overcommitted VM,"
                    + " a long GC pause, SIGSTOP); a token loss now is this node's doing, not the network's;"
                    + " the joins queued meanwhile are dropped");
            if (!flushing) {
                beginFlush(now, lateNanos);
            }
        }
        int generation = lookGeneration;
        scheduler.schedule(() -> {
            if (generation == lookGeneration) {
                look();
            }
        }, detector.periodNanos());
    }

    private void beginFlush(long nowNanos, long pausedNanos) {
        flushing = true;
        flushBeganNanos = nowNanos;
        backlog.takeReadsMayRemain(); // what was read before the pause says nothing of the backlog
        backlog.paused(pausedNanos);
        scheduler.schedule(this::checkBacklog, BACKLOG_CHECK_NANOS);
    }

    /** Ends the flush once a check finds no socket read to its limit since the last one. */
    void checkBacklog() {
        if (stopped || !flushing) {
            return;
        }
        if (backlog.takeReadsMayRemain() && clock.getAsLong() - flushBeganNanos < flushLimitNanos) {
            scheduler.schedule(this::checkBacklog, BACKLOG_CHECK_NANOS);
            return;
        }
        flushing = false;
        backlog.read();
    }
}
