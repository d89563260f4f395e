package dev.totem.simulator.timeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of a JSON Lines trace (format in {@code simulator/README.md}): time in microseconds,
 * node (0 for global events), event name and the event's own fields as parsed JSON values
 * ({@link String}, {@link Long}, {@link Double}, {@link Boolean}, {@code null}, {@link List},
 * {@link Map}).
 *
 * @param t time in whole microseconds
 * @param node node id, 0 for global events
 * @param ev event name ({@code "deliver"}, {@code "config"}, ...)
 * @param fields every field of the line except {@code t}, {@code node} and {@code ev}, in line order
 * @param line 1-based line number in the trace, 0 when built by hand
 */
public record TraceEvent(long t, int node, String ev, Map<String, Object> fields, long line) {

    public TraceEvent {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** An event not read from a file ({@code line} 0). */
    public TraceEvent(long t, int node, String ev, Map<String, Object> fields) {
        this(t, node, ev, fields, 0);
    }

    /** The string field {@code name}; {@code null} when absent or JSON {@code null}. */
    public String text(String name) throws TraceFormatException {
        Object value = fields.get(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw problem("\"" + name + "\" should be a string, not " + value);
    }

    /** The string field {@code name}, which must be present. */
    public String requiredText(String name) throws TraceFormatException {
        String value = text(name);
        if (value == null) {
            throw problem(ev + " without \"" + name + "\"");
        }
        return value;
    }

    /** The integer field {@code name}, or {@code absent} when it is missing. */
    public int integer(String name, int absent) throws TraceFormatException {
        Object value = fields.get(name);
        if (value == null) {
            return absent;
        }
        if (value instanceof Long number && number == number.intValue()) {
            return number.intValue();
        }
        throw problem("\"" + name + "\" should be an int, not " + value);
    }

    /** The field {@code name} as an array of ints; empty when absent. */
    public int[] ints(String name) throws TraceFormatException {
        return toInts(name, fields.get(name));
    }

    /** The field {@code name} as an array of arrays of ints; empty when absent. */
    public int[][] intArrays(String name) throws TraceFormatException {
        Object value = fields.get(name);
        if (value == null) {
            return new int[0][];
        }
        if (!(value instanceof List<?> list)) {
            throw problem("\"" + name + "\" should be an array of arrays of ints, not " + value);
        }
        int[][] result = new int[list.size()][];
        for (int i = 0; i < result.length; i++) {
            result[i] = toInts(name, list.get(i));
        }
        return result;
    }

    private int[] toInts(String name, Object value) throws TraceFormatException {
        if (value == null) {
            return new int[0];
        }
        if (value instanceof List<?> list) {
            int[] result = new int[list.size()];
            for (int i = 0; i < result.length; i++) {
                if (!(list.get(i) instanceof Long number) || number != number.intValue()) {
                    throw problem("\"" + name + "\" should hold ints, not " + list.get(i));
                }
                result[i] = ((Long) list.get(i)).intValue();
            }
            return result;
        }
        throw problem("\"" + name + "\" should be an array of ints, not " + value);
    }

    private TraceFormatException problem(String what) {
        return new TraceFormatException(line, what);
    }
}
