package dev.totem.node.runtime;

import dev.totem.node.runtime.NodeCounters.Stat;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link PauseDetector} on the node's event loop and reports each pause it finds: a
 * warning, and {@code totem_process_pauses_total}. Event loop thread only.
 */
final class PauseWatch {
    private final PauseDetector detector;
    private final long tokenTimeoutMs;
    private final NodeLog log;
    private final NodeCounters counters;
    private ScheduledFuture<?> task;

    PauseWatch(long tokenTimeoutMs, NodeLog log, NodeCounters counters) {
        long tokenNanos = TimeUnit.MILLISECONDS.toNanos(tokenTimeoutMs);
        // As corosync: looked at every fifth of the token timeout, a pause when late by over half of it.
        this.detector = new PauseDetector(tokenNanos / 5, tokenNanos / 2);
        this.tokenTimeoutMs = tokenTimeoutMs;
        this.log = log;
        this.counters = counters;
    }

    void start(ScheduledExecutorService loop) {
        long periodNanos = detector.periodNanos();
        task = loop.scheduleWithFixedDelay(this::look, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void look() {
        long lateNanos = detector.onTick(System.nanoTime());
        if (lateNanos > 0) {
            counters.increment(Stat.PROCESS_PAUSES);
            log.warning("process pause detected: the event loop did not run for " + (lateNanos / 1_000_000) + " ms (token "
                    + tokenTimeoutMs + " ms): this process was stopped or starved of CPU (a frozen or overcommitted VM,"
                    + " a long GC pause, SIGSTOP); a token loss now is this node's doing, not the network's");
        }
    }
}
