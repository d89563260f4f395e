package dev.totem.simulator.timeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON Lines trace of {@code simulator/README.md} without a JSON library: each line is
 * one JSON object whose first fields are {@code t}, {@code node} and {@code ev}. Blank lines are
 * skipped; any other line that is not such an object is a {@link TraceFormatException} naming the
 * line. Values may be any JSON (nested arrays and objects included), so lines with fields or
 * events this reader does not know still parse.
 */
public final class TraceLines {
    /** Receives the events of a trace in file order. */
    @FunctionalInterface
    public interface EventSink {
        void accept(TraceEvent event) throws IOException;
    }

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
        Object value = parser.value();
        parser.skipSpace();
        if (parser.pos < line.length()) {
            throw parser.error("unexpected text after the object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) value;
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
        Object value = fields.get(name);
        if (value == null) {
            throw new TraceFormatException(lineNumber, "missing \"" + name + "\": " + snippet());
        }
        if (!type.isInstance(value)) {
            throw new TraceFormatException(lineNumber, "\"" + name + "\" should be "
                    + (type == Long.class ? "an integer" : "a string") + ", not " + value + ": " + snippet());
        }
        return type.cast(value);
    }

    private Object value() throws TraceFormatException {
        skipSpace();
        if (pos >= text.length()) {
            throw error("unexpected end of line");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
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

    private Map<String, Object> object() throws TraceFormatException {
        pos++; // '{'
        Map<String, Object> fields = new LinkedHashMap<>();
        skipSpace();
        if (at('}')) {
            pos++;
            return fields;
        }
        while (true) {
            skipSpace();
            if (!at('"')) {
                throw error("expected a field name in quotes");
            }
            String name = string();
            skipSpace();
            expect(':');
            fields.put(name, value());
            skipSpace();
            if (at(',')) {
                pos++;
            } else if (at('}')) {
                pos++;
                return fields;
            } else {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array() throws TraceFormatException {
        pos++; // '['
        List<Object> items = new ArrayList<>();
        skipSpace();
        if (at(']')) {
            pos++;
            return items;
        }
        while (true) {
            items.add(value());
            skipSpace();
            if (at(',')) {
                pos++;
            } else if (at(']')) {
                pos++;
                return items;
            } else {
                throw error("expected ',' or ']'");
            }
        }
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
            case 'u':
                if (pos + 4 > text.length()) {
                    throw error("short \\u escape");
                }
                try {
                    char decoded = (char) Integer.parseInt(text.substring(pos, pos + 4), 16);
                    pos += 4;
                    return decoded;
                } catch (NumberFormatException e) {
                    throw error("bad \\u escape");
                }
            default:
                pos -= 2;
                throw error("bad escape '\\" + c + "'");
        }
    }

    private Object number() throws TraceFormatException {
        int start = pos;
        if (at('-')) {
            pos++;
        }
        boolean integral = true;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        String digits = text.substring(start, pos);
        try {
            return integral ? (Object) Long.parseLong(digits) : (Object) Double.parseDouble(digits);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("bad number '" + digits + "'");
        }
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
            throw error("expected '" + c + "'");
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

    private TraceFormatException error(String problem) {
        return new TraceFormatException(lineNumber, problem + " at column " + (pos + 1) + ": " + snippet());
    }

    private String snippet() {
        return text.length() <= SNIPPET_CHARS ? text : text.substring(0, SNIPPET_CHARS) + "...";
    }
}
