package dev.totem.simulator.trace;

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
        return value == null ? null : asText(name, value);
    }

    /** The string field {@code name}, which must be present and not {@code null}. */
    public String requiredText(String name) throws TraceFormatException {
        return asText(name, required(name));
    }

    /** The int field {@code name}, or {@code absent} when it is missing or {@code null}. */
    public int integer(String name, int absent) throws TraceFormatException {
        Object value = fields.get(name);
        return value == null ? absent : asInt(name, value);
    }

    /** The int field {@code name}, which must be present and not {@code null}. */
    public int requiredInteger(String name) throws TraceFormatException {
        return asInt(name, required(name));
    }

    /** The field {@code name} as an array of ints; empty when absent. */
    public int[] ints(String name) throws TraceFormatException {
        Object value = fields.get(name);
        return value == null ? new int[0] : asInts(name, value);
    }

    /** The field {@code name} as an array of ints, which must be present and not {@code null}. */
    public int[] requiredInts(String name) throws TraceFormatException {
        return asInts(name, required(name));
    }

    /** The field {@code name} as an array of arrays of ints; empty when absent. */
    public int[][] intArrays(String name) throws TraceFormatException {
        Object value = fields.get(name);
        return value == null ? new int[0][] : asIntArrays(name, value);
    }

    /** The field {@code name} as an array of arrays of ints, which must be present and not {@code null}. */
    public int[][] requiredIntArrays(String name) throws TraceFormatException {
        return asIntArrays(name, required(name));
    }

    /** An error about this event, naming its line. */
    public TraceFormatException error(String problem) {
        return new TraceFormatException(line, problem);
    }

    /** A parsed JSON value as a message shows it: strings in quotes, so {@code "2"} is not {@code 2}. */
    static String show(Object value) {
        return value instanceof String text ? "\"" + text + "\"" : String.valueOf(value);
    }

    private Object required(String name) throws TraceFormatException {
        Object value = fields.get(name);
        if (value == null) {
            throw error(ev + " without \"" + name + "\"");
        }
        return value;
    }

    private String asText(String name, Object value) throws TraceFormatException {
        if (value instanceof String text) {
            return text;
        }
        throw error("\"" + name + "\" should be a string, not " + show(value));
    }

    private int asInt(String name, Object value) throws TraceFormatException {
        if (value instanceof Long number && number == number.intValue()) {
            return number.intValue();
        }
        throw error("\"" + name + "\" should be an int, not " + show(value));
    }

    private int[] asInts(String name, Object value) throws TraceFormatException {
        if (!(value instanceof List<?> list)) {
            throw error("\"" + name + "\" should be an array of ints, not " + show(value));
        }
        int[] result = new int[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (!(list.get(i) instanceof Long number) || number != number.intValue()) {
                throw error("\"" + name + "\" should hold ints, not " + show(list.get(i)));
            }
            result[i] = ((Long) list.get(i)).intValue();
        }
        return result;
    }

    private int[][] asIntArrays(String name, Object value) throws TraceFormatException {
        if (!(value instanceof List<?> list)) {
            throw error("\"" + name + "\" should be an array of arrays of ints, not " + show(value));
        }
        int[][] result = new int[list.size()][];
        for (int i = 0; i < result.length; i++) {
            result[i] = asInts(name, list.get(i));
        }
        return result;
    }
}
