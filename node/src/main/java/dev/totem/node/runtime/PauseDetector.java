package dev.totem.node.runtime;

/**
 * Tells when the node's event loop did not run for much longer than it should have: the process
 * was stopped or starved (SIGSTOP, a frozen or overcommitted VM, a long GC pause) or a handler ran
 * far too long. corosync logs "Process pause detected" for the same reason: the token loss that
 * follows such a pause is this node's doing, not the network's, and the log should say so.
 * Pure; the caller runs {@link #onTick} every {@code periodNanos} (with a fixed delay) and passes
 * the time.
 */
final class PauseDetector {
    private final long periodNanos;
    private final long thresholdNanos;
    private long lastNanos;
    private boolean started;

    /**
     * @param periodNanos how often {@link #onTick} is meant to run (corosync: a fifth of the token timeout)
     * @param thresholdNanos the delay beyond the period that counts as a pause (corosync: half the token timeout)
     */
    PauseDetector(long periodNanos, long thresholdNanos) {
        if (periodNanos <= 0 || thresholdNanos <= 0) {
            throw new IllegalArgumentException("period " + periodNanos + " ns and threshold " + thresholdNanos
                    + " ns must be positive");
        }
        this.periodNanos = periodNanos;
        this.thresholdNanos = thresholdNanos;
    }

    /** @return how much later than the period this run came, when over the threshold; else 0 */
    long onTick(long nowNanos) {
        long late = lateNanos(nowNanos);
        started = true;
        lastNanos = nowNanos;
        return late;
    }

    /**
     * How late the next run is at {@code nowNanos} (it has not come yet), when over the
     * threshold; else 0. An input handled while the run is that late was queued during a pause.
     */
    long lateNanos(long nowNanos) {
        long late = started ? nowNanos - lastNanos - periodNanos : 0;
        return late > thresholdNanos ? late : 0;
    }

    long periodNanos() {
        return periodNanos;
    }
}
