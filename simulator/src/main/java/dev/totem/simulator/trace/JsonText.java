package dev.totem.simulator.trace;

import java.util.Map;

/**
 * Appends JSON string literals, integer arrays and objects of counters: what the trace needs, and
 * what cpgbench's and status's {@code --json} use.
 */
public final class JsonText {
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private JsonText() {}

    /**
     * Appends {@code text} as a quoted JSON string, escaping quotes, backslashes and control
     * characters; {@code null} becomes JSON {@code null}.
     */
    public static void appendString(StringBuilder out, String text) {
        if (text == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX_DIGITS[c >> 4]).append(HEX_DIGITS[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Appends {@code values} as a JSON array of integers. */
    public static void appendIntArray(StringBuilder out, int[] values) {
        out.append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(values[i]);
        }
        out.append(']');
    }

    /** Appends {@code counters} as a JSON object of integers, in the map's order. */
    public static void appendLongObject(StringBuilder out, Map<String, Long> counters) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Long> c : counters.entrySet()) {
            if (!first) {
                out.append(',');
            }
            appendString(out, c.getKey());
            out.append(':').append(c.getValue());
            first = false;
        }
        out.append('}');
    }
}
