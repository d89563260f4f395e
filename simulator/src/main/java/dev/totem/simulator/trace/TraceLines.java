package dev.totem.simulator.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON Lines trace that {@link TraceWriter} writes ({@code simulator/README.md}) without
 * a JSON library: each line is one JSON object whose fields include {@code t} (integer), {@code
 * node} (int) and {@code ev} (string). Blank lines are skipped; any other line that is not such an
 * object is a {@link TraceFormatException} naming the line. Values may be any JSON (nested arrays
 * and objects included), so lines with fields or events a reader does not know still parse.
 *
 * <p>The parser keeps to JSON's grammar: no trailing commas, leading zeros, bare dots or plus
 * signs in numbers, no unknown escapes or raw control characters in strings, nothing after the
 * object, no field twice in one object, integers within {@code long}, and at most {@value
 * #MAX_DEPTH} nested objects and arrays (the line's own object included), so a hostile line cannot
 * overflow the stack. {@code \\uXXXX} escapes decode to UTF-16 units, so a surrogate pair becomes
 * one code point.
 */
public final class TraceLines {
    /** Receives the events of a trace in file order. */
    @FunctionalInterface
    public interface EventSink {
        void accept(TraceEvent event) throws IOException;
    }

    /** Deep enough for any trace, shallow enough for any stack. */
    public static final int MAX_DEPTH = 32;
    private static final int SNIPPET_CHARS = 80;

    private final String text;
    private final long lineNumber;
    private int pos;

    private TraceLines(String text, long lineNumber) {
        this.text = text;
        this.lineNumber = lineNumber;
    }

    /** Every event of {@code trace}, in order. */
    public static List<TraceEvent> read(Reader trace) throws IOException {
        List<TraceEvent> events = new ArrayList<>();
        forEach(trace, events::add);
        return events;
    }

    /** Parses {@code trace} line by line and hands each event to {@code sink}, keeping none. */
    public static void forEach(Reader trace, EventSink sink) throws IOException {
        BufferedReader lines = trace instanceof BufferedReader buffered ? buffered : new BufferedReader(trace);
        long number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            if (!line.isBlank()) {
                sink.accept(parse(line, number));
            }
        }
    }

    /** Parses one line; {@code lineNumber} (1-based) goes into errors and the event. */
    public static TraceEvent parse(String line, long lineNumber) throws TraceFormatException {
        TraceLines parser = new TraceLines(line, lineNumber);
        parser.skipSpace();
        if (!parser.at('{')) {
            throw parser.error("expected a JSON object");
        }
        Map<String, Object> fields = parser.object(1);
        parser.skipSpace();
        if (parser.pos < line.length()) {
            throw parser.error("unexpected text after the object");
        }
        long t = parser.required(fields, "t", Long.class);
        long node = parser.required(fields, "node", Long.class);
        String ev = parser.required(fields, "ev", String.class);
        if (node != (int) node) {
            throw new TraceFormatException(lineNumber, "\"node\" out of range: " + node);
        }
        fields.remove("t");
        fields.remove("node");
        fields.remove("ev");
        return new TraceEvent(t, (int) node, ev, fields, lineNumber);
    }

    private <T> T required(Map<String, Object> fields, String name, Class<T> type) throws TraceFormatException {
        if (!fields.containsKey(name)) {
            throw new TraceFormatException(lineNumber, "missing \"" + name + "\": " + snippet());
        }
        Object value = fields.get(name);
        if (!type.isInstance(value)) {
            throw new TraceFormatException(lineNumber, "\"" + name + "\" should be "
                    + (type == Long.class ? "an integer" : "a string") + ", not " + TraceEvent.show(value) + ": " + snippet());
        }
        return type.cast(value);
    }

    /** The value at {@code pos}, inside {@code depth} objects and arrays. */
    private Object value(int depth) throws TraceFormatException {
        skipSpace();
        if (pos >= text.length()) {
            throw error("unexpected end of line");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                return word("true", Boolean.TRUE);
            case 'f':
                return word("false", Boolean.FALSE);
            case 'n':
                return word("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected '" + c + "'");
        }
    }

    /** The object at {@code pos}, which is the {@code depth}-th nested object or array. */
    private Map<String, Object> object(int depth) throws TraceFormatException {
        enter(depth);
        Map<String, Object> fields = new LinkedHashMap<>();
        if (closes('}')) {
            return fields;
        }
        do {
            skipSpace();
            if (!at('"')) {
                throw expected("a field name in quotes");
            }
            int nameAt = pos;
            String name = string();
            skipSpace();
            expect(':');
            Object value = value(depth);
            if (fields.containsKey(name)) {
                pos = nameAt;
                throw error("field \"" + name + "\" given twice");
            }
            fields.put(name, value);
        } while (separated('}'));
        return fields;
    }

    private List<Object> array(int depth) throws TraceFormatException {
        enter(depth);
        List<Object> items = new ArrayList<>();
        if (closes(']')) {
            return items;
        }
        do {
            items.add(value(depth));
        } while (separated(']'));
        return items;
    }

    /** Steps over the opening bracket of a container nested {@code depth} deep. */
    private void enter(int depth) throws TraceFormatException {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        pos++;
    }

    /** True, stepping over it, when the container is empty and {@code close} ends it. */
    private boolean closes(char close) {
        skipSpace();
        if (at(close)) {
            pos++;
            return true;
        }
        return false;
    }

    /** After an item: true on a comma (another item follows), false on {@code close}. */
    private boolean separated(char close) throws TraceFormatException {
        skipSpace();
        if (at(',')) {
            pos++;
            return true;
        }
        if (at(close)) {
            pos++;
            return false;
        }
        throw expected("',' or '" + close + "'");
    }

    private String string() throws TraceFormatException {
        pos++; // opening quote
        StringBuilder out = null;
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                String result = out == null ? text.substring(start, pos) : out.append(text, start, pos).toString();
                pos++;
                return result;
            }
            if (c == '\\') {
                if (out == null) {
                    out = new StringBuilder();
                }
                out.append(text, start, pos);
                out.append(escape());
                start = pos;
            } else if (c < 0x20) {
                throw error("control character in a string");
            } else {
                pos++;
            }
        }
        throw error("unterminated string");
    }

    private char escape() throws TraceFormatException {
        if (pos + 1 >= text.length()) {
            throw error("unterminated escape");
        }
        char c = text.charAt(pos + 1);
        pos += 2;
        switch (c) {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u': return hex4();
            default:
                pos -= 2;
                throw error("bad escape '\\" + c + "'");
        }
    }

    /** The four ASCII hex digits of a {@code \\u} escape as one UTF-16 unit. */
    private char hex4() throws TraceFormatException {
        int unit = 0;
        for (int i = 0; i < 4; i++) {
            int digit = pos < text.length() ? hexDigit(text.charAt(pos)) : -1;
            if (digit < 0) {
                throw error("bad \\u escape");
            }
            unit = unit * 16 + digit;
            pos++;
        }
        return (char) unit;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** A number in JSON's syntax: {@link Long} when integral, else {@link Double}. */
    private Object number() throws TraceFormatException {
        int start = pos;
        skip('-');
        if (skip('0')) {
            if (digits() > 0) {
                pos = start;
                throw error("bad number: leading zero");
            }
        } else if (digits() == 0) {
            throw error("bad number");
        }
        boolean integral = true;
        if (skip('.')) {
            integral = false;
            if (digits() == 0) {
                throw error("bad number");
            }
        }
        if (skip('e') || skip('E')) {
            integral = false;
            if (!skip('+')) {
                skip('-');
            }
            if (digits() == 0) {
                throw error("bad number");
            }
        }
        String number = text.substring(start, pos);
        if (!integral) {
            return Double.parseDouble(number);
        }
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException tooLarge) {
            pos = start;
            throw error("integer " + number + " out of range");
        }
    }

    /** True, stepping over it, when the very next character is {@code c}. */
    private boolean skip(char c) {
        if (at(c)) {
            pos++;
            return true;
        }
        return false;
    }

    /** Steps over ASCII digits; how many. */
    private int digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos - start;
    }

    private Object word(String word, Object value) throws TraceFormatException {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected '" + text.charAt(pos) + "'");
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) throws TraceFormatException {
        if (!at(c)) {
            throw expected("'" + c + "'");
        }
        pos++;
    }

    private boolean at(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return;
            }
            pos++;
        }
    }

    /** The error for something other than {@code what} at {@code pos}, or for the line ending there. */
    private TraceFormatException expected(String what) {
        return error((pos < text.length() ? "expected " : "unexpected end of line, expected ") + what);
    }

    private TraceFormatException error(String problem) {
        return new TraceFormatException(lineNumber, problem + " at column " + (pos + 1) + ": " + snippet());
    }

    private String snippet() {
        return text.length() <= SNIPPET_CHARS ? text : text.substring(0, SNIPPET_CHARS) + "...";
    }
}
