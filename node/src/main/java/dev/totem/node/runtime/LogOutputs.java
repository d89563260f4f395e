package dev.totem.node.runtime;

import dev.totem.node.config.LoggingConfig;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Where a node process's log lines go, as its file's {@code logging { }} section says: standard
 * error, a log file (appended to, flushed line by line), both or neither; how much detail
 * ({@code debug}: off, on, trace); whether each line starts with the time. It owns the process's
 * java.util.logging handlers: {@link #apply} replaces them whole, at start and on a reload.
 */
public final class LogOutputs implements AutoCloseable {
    /** The loggers of our code; {@code debug} sets their level, not the root's (netty would flood). */
    static final String OUR_LOGGERS = "dev.totem";

    private final Logger root = Logger.getLogger("");
    private final Logger ours = Logger.getLogger(OUR_LOGGERS);
    private final List<Handler> installed = new ArrayList<>();
    private boolean first = true;

    /**
     * Makes the log follow {@code config}, closing the outputs of the last call.
     *
     * @return what the log now does, for one line of the log itself (e.g. {@code stderr and
     *     /var/log/totem/totem.log, debug on})
     * @throws IOException when the log file cannot be opened for appending; the outputs are then
     *     as they were
     */
    public synchronized String apply(LoggingConfig config) throws IOException {
        Formatter format = new OneLineFormatter(config.timestamp());
        List<Handler> next = new ArrayList<>();
        List<String> where = new ArrayList<>();
        if (config.toLogfile()) {
            Path file = Path.of(config.logfile().orElseThrow());
            OutputStream out;
            try {
                out = new FileOutputStream(file.toFile(), true);
            } catch (IOException e) {
                throw new IOException("cannot open the log file " + file + " to append to it: " + e.getMessage(), e);
            }
            next.add(new LineFlushingHandler(out, format));
            where.add(file.toString());
        }
        if (config.toStderr()) {
            ConsoleHandler console = new ConsoleHandler(); // writes to System.err
            console.setFormatter(format);
            next.add(console);
            where.add(0, "stderr");
        }
        Handler[] old = first ? root.getHandlers() : installed.toArray(Handler[]::new);
        for (Handler h : old) {
            root.removeHandler(h);
            h.close();
        }
        first = false;
        installed.clear();
        for (Handler h : next) {
            h.setLevel(Level.ALL);
            root.addHandler(h);
            installed.add(h);
        }
        ours.setLevel(switch (config.debug()) {
            case OFF -> Level.INFO;
            case ON -> Level.FINE;
            case TRACE -> Level.FINEST;
        });
        return (where.isEmpty() ? "nowhere" : String.join(" and ", where)) + ", debug "
                + config.debug().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Closes the outputs (the log file); nothing is logged afterwards. */
    @Override
    public synchronized void close() {
        for (Handler h : installed) {
            root.removeHandler(h);
            h.close();
        }
        installed.clear();
    }

    /** Appends to a stream and flushes each line, so a crash loses none and {@code tail -f} sees it at once. */
    private static final class LineFlushingHandler extends StreamHandler {
        LineFlushingHandler(OutputStream out, Formatter format) {
            super(out, format);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }
    }

    /** One line per record: {@code [HH:mm:ss.SSS ]LEVEL message}, then the stack trace of a throwable. */
    static final class OneLineFormatter extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
        private final boolean timestamp;

        OneLineFormatter(boolean timestamp) {
            this.timestamp = timestamp;
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder line = new StringBuilder(128);
            if (timestamp) {
                line.append(TIME.format(LocalTime.ofInstant(r.getInstant(), ZoneId.systemDefault()))).append(' ');
            }
            line.append(r.getLevel().getName()).append(' ').append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }
    }
}
