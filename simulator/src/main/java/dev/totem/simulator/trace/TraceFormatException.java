package dev.totem.simulator.trace;

import java.io.IOException;

/** A trace line that is not a JSON object of the documented shape; the message names the line. */
public final class TraceFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long lineNumber;

    /** {@code lineNumber} counts from 1; 0 means the event did not come from a file. */
    public TraceFormatException(long lineNumber, String problem) {
        super(lineNumber > 0 ? "trace line " + lineNumber + ": " + problem : "trace event: " + problem);
        this.lineNumber = lineNumber;
    }

    /** The 1-based line of the trace, or 0 when the event was not read from a file. */
    public long lineNumber() {
        return lineNumber;
    }
}
