package dev.totem.node.runtime;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The node's log: one line per event, prefixed {@code [node N]}, through {@link System.Logger}
 * (java.util.logging by default, so no logging dependency). Lines that can repeat at packet rate
 * are rate limited: at most one per {@link #RATE_LIMIT_NANOS} per kind, with a count of the
 * ones left out.
 */
public final class NodeLog {
    /** Shortest gap between two rate-limited lines of the same kind. */
    public static final long RATE_LIMIT_NANOS = 1_000_000_000L;

    private static final Logger LOGGER = System.getLogger("dev.totem.node");

    private final String prefix;

    /** The log of node {@code nodeId}. */
    public NodeLog(int nodeId) {
        this.prefix = "[node " + nodeId + "] ";
    }

    /** One line at INFO. */
    public void info(String message) {
        LOGGER.log(Level.INFO, prefix + message);
    }

    /** One line at WARNING. */
    public void warning(String message) {
        LOGGER.log(Level.WARNING, prefix + message);
    }

    /** One line at DEBUG (JUL FINE), built only when it is logged. */
    public void debug(String message) {
        if (LOGGER.isLoggable(Level.DEBUG)) {
            LOGGER.log(Level.DEBUG, prefix + message);
        }
    }

    /** One line at ERROR with a stack trace. */
    public void error(String message, Throwable thrown) {
        LOGGER.log(Level.ERROR, prefix + message, thrown);
    }

    /** A rate limit for one kind of line; not thread safe (each lives on one thread). */
    public static final class Limiter {
        private long lastNanos;
        private boolean logged;
        private long suppressed;

        /**
         * @return -1 to leave the line out, else the number of lines left out since the last one
         *     logged (to append to it)
         */
        public long admit(long nowNanos) {
            if (logged && nowNanos - lastNanos < RATE_LIMIT_NANOS) {
                suppressed++;
                return -1;
            }
            logged = true;
            lastNanos = nowNanos;
            long s = suppressed;
            suppressed = 0;
            return s;
        }
    }
}
