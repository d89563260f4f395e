package dev.totem.simulator.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/** Where the lines of a trace go: a writer, a hash, nowhere, or several of these. */
@FunctionalInterface
public interface TraceSink {
    /** A sink that drops every line; a {@link TraceWriter} on it skips formatting altogether. */
    TraceSink NOWHERE = line -> { };

    /**
     * Takes one line of the trace: one JSON object followed by {@code '\n'}. The sequence is only
     * valid during the call.
     */
    void line(CharSequence line);

    /**
     * A sink that appends each line to {@code writer}. The writer must encode UTF-8 for the file
     * to hash like {@link TraceHash}; the caller flushes and closes it.
     */
    static TraceSink writer(Writer writer) {
        return line -> {
            try {
                writer.append(line);
            } catch (IOException e) {
                throw new UncheckedIOException("writing the trace failed", e);
            }
        };
    }

    /** A sink that hands each line to every one of {@code sinks}, in order. */
    static TraceSink tee(TraceSink... sinks) {
        List<TraceSink> targets = List.of(sinks);
        return line -> {
            for (int i = 0; i < targets.size(); i++) {
                targets.get(i).line(line);
            }
        };
    }
}
