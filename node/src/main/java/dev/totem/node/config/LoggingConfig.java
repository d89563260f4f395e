package dev.totem.node.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code logging { }} settings we implement. corosync's defaults, except syslog, which we do
 * not write to.
 *
 * @param toStderr log to standard error ({@code to_stderr}, default yes)
 * @param toLogfile log to {@code logfile} ({@code to_logfile}, default no)
 * @param logfile the log file path as written; present whenever {@code toLogfile} is
 * @param debug how much detail ({@code debug}: off, on or trace; default off)
 * @param timestamp prefix each line with the time ({@code timestamp}: on, off or hires; default off)
 */
public record LoggingConfig(boolean toStderr, boolean toLogfile, Optional<String> logfile, Debug debug,
        boolean timestamp) {

    /** corosync's defaults without syslog: stderr only, no debug, no timestamps. */
    public static final LoggingConfig DEFAULTS = new LoggingConfig(true, false, Optional.empty(), Debug.OFF, false);

    /** Checks that a log file is named when logging to one. */
    public LoggingConfig {
        Objects.requireNonNull(logfile, "logfile");
        Objects.requireNonNull(debug, "debug");
        if (toLogfile && logfile.isEmpty()) {
            throw new IllegalArgumentException("toLogfile needs a logfile");
        }
    }

    /** The levels of corosync's {@code debug} key. */
    public enum Debug {
        /** Notices, warnings and errors. */
        OFF,
        /** Also debug messages. */
        ON,
        /** Also trace messages: every frame. */
        TRACE
    }
}
