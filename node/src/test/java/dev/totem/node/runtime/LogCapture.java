package dev.totem.node.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The nodes' log lines (java.util.logging under dev.totem.node) as {@code "LEVEL message"}, while attached. */
final class LogCapture extends Handler {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    /** Starts capturing; call {@link #detach} after the test. */
    static LogCapture attach() {
        LogCapture capture = new LogCapture();
        Logger.getLogger("dev.totem.node").addHandler(capture);
        return capture;
    }

    void detach() {
        Logger.getLogger("dev.totem.node").removeHandler(this);
    }

    /** The lines so far (a live, thread-safe list). */
    List<String> lines() {
        return lines;
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(record.getLevel() + " " + record.getMessage());
    }

    @Override
    public void flush() { }

    @Override
    public void close() { }
}
