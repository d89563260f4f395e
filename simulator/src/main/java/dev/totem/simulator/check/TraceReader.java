package dev.totem.simulator.check;

import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Guarantee;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads a JSON Lines trace into a {@link History}, so traces of real clusters are checked by the
 * same {@link EvsChecker} as simulations.
 *
 * <p>Each non-blank line is one JSON object with {@code t} (microseconds, integer), {@code node}
 * (0 for global events) and {@code ev}, plus per event:
 *
 * <ul>
 *   <li>{@code submit}: {@code id}, {@code guarantee} ("agreed" or "safe");
 *   <li>{@code deliver}: {@code id}, {@code sender}, {@code guarantee}, {@code ring};
 *   <li>{@code config}: {@code kind} ("transitional" or "regular"), {@code ring}, {@code members};
 *   <li>{@code crash}, {@code restart}, {@code pause}, {@code resume}, {@code start}: nothing more;
 *   <li>global {@code partition}: {@code groups}, lists of node ids; {@code block}: {@code from},
 *       {@code to}; {@code heal}; {@code quiet}: no fault from {@code t} on; {@code net_partition}:
 *       {@code network}, {@code groups}; {@code net_heal}: {@code network}; {@code net_loss}:
 *       {@code network}, {@code loss}.
 * </ul>
 *
 * Fields beyond these are ignored. Lines with an unknown {@code ev} are skipped and counted, so a
 * newer writer's traces still read; anything else that does not fit throws an {@link
 * IllegalArgumentException} naming the line. Pause, resume, start, partition, block and heal are
 * checked but not recorded: the checker judges what nodes saw, not the faults that caused it.
 */
public final class TraceReader {
    private static final Set<String> NODE_EVENTS =
            Set.of("submit", "deliver", "config", "crash", "restart", "pause", "resume", "start");
    private static final Set<String> GLOBAL_EVENTS =
            Set.of("partition", "block", "heal", "quiet", "net_partition", "net_heal", "net_loss");

    private TraceReader() {}

    /**
     * What a trace held.
     *
     * @param history the events of known kinds
     * @param skipped how many lines of each unknown {@code ev} were skipped, by name
     */
    public record Result(History history, Map<String, Integer> skipped) {
        /** The number of skipped lines. */
        public int skippedCount() {
            return skipped.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Reads the UTF-8 trace in {@code file}. */
    public static Result read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in);
        }
    }

    /** Reads a trace from {@code in} to its end; does not close it. */
    public static Result read(Reader in) throws IOException {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        History history = new History();
        Map<String, Integer> skipped = new TreeMap<>();
        int number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            if (!line.isBlank()) {
                apply(new Fields(new JsonLine(line, number).object(), number), history, skipped);
            }
        }
        return new Result(history, Collections.unmodifiableMap(skipped));
    }

    private static void apply(Fields f, History history, Map<String, Integer> skipped) {
        long t = f.integer("t");
        int node = f.int32("node");
        String ev = f.string("ev");
        if (NODE_EVENTS.contains(ev) && node <= 0) {
            throw f.fail("event " + ev + " needs a node id above 0, not " + node);
        }
        if (GLOBAL_EVENTS.contains(ev) && node != 0) {
            throw f.fail("global event " + ev + " needs node 0, not " + node);
        }
        switch (ev) {
            case "submit" -> history.submit(t, node, f.string("id"), f.guarantee());
            case "deliver" -> history.deliver(t, node, f.string("id"), f.int32("sender"), f.guarantee(), f.string("ring"));
            case "config" -> history.config(t, node, f.configKind(), f.string("ring"), f.members());
            case "crash" -> history.crash(t, node);
            case "restart" -> history.restart(t, node);
            case "quiet" -> history.quietFrom(t);
            case "partition" -> {
                for (Object group : f.list("groups")) {
                    f.ints(group, "groups");
                }
            }
            case "block" -> {
                f.int32("from");
                f.int32("to");
            }
            case "net_partition" -> {
                f.int32("network");
                for (Object group : f.list("groups")) {
                    f.ints(group, "groups");
                }
            }
            case "net_heal", "net_loss" -> f.int32("network");
            case "pause", "resume", "start", "heal" -> { }
            default -> skipped.merge(ev, 1, Integer::sum);
        }
    }

    /** The fields of one line, with conversions that name the line when a field does not fit. */
    private record Fields(Map<String, Object> map, int line) {
        IllegalArgumentException fail(String message) {
            return new IllegalArgumentException("line " + line + ": " + message);
        }

        private Object get(String name) {
            Object v = map.get(name);
            if (v == null) {
                throw fail("missing field \"" + name + "\"");
            }
            return v;
        }

        String string(String name) {
            if (get(name) instanceof String s) {
                return s;
            }
            throw fail("field \"" + name + "\" is not a string");
        }

        long integer(String name) {
            if (get(name) instanceof Long l) {
                return l;
            }
            throw fail("field \"" + name + "\" is not an integer");
        }

        int int32(String name) {
            return toInt(get(name), name);
        }

        private int toInt(Object v, String name) {
            if (v instanceof Long l && l == l.intValue()) {
                return l.intValue();
            }
            throw fail("field \"" + name + "\" holds " + JsonLine.show(v) + ", not an int");
        }

        List<?> list(String name) {
            if (get(name) instanceof List<?> l) {
                return l;
            }
            throw fail("field \"" + name + "\" is not a list");
        }

        int[] ints(Object v, String name) {
            if (!(v instanceof List<?> l)) {
                throw fail("field \"" + name + "\" holds " + JsonLine.show(v) + ", not a list of ints");
            }
            int[] r = new int[l.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = toInt(l.get(i), name);
            }
            return r;
        }

        /** Sorted, since History wants members ascending and a set has no order to keep. */
        int[] members() {
            int[] m = ints(get("members"), "members");
            Arrays.sort(m);
            return m;
        }

        Guarantee guarantee() {
            return oneOf("guarantee", Guarantee.values(), Guarantee::traceName);
        }

        ConfigurationKind configKind() {
            return oneOf("kind", ConfigurationKind.values(), ConfigurationKind::traceName);
        }

        /** The value whose trace spelling the string field {@code name} holds. */
        private <E> E oneOf(String name, E[] values, Function<E, String> spelling) {
            String s = string(name);
            for (E v : values) {
                if (spelling.apply(v).equals(s)) {
                    return v;
                }
            }
            throw fail("unknown " + name + " \"" + s + "\"");
        }
    }

    /**
     * A JSON parser for one line. Values become {@link Map}, {@link List}, {@link String}, {@link
     * Long} (integers), {@link Double} (other numbers), {@link Boolean} or {@link #NULL}.
     */
    private static final class JsonLine {
        /** JSON null; a marker so a null field reads as present but of the wrong type. */
        static final Object NULL = new Object() {
            @Override
            public String toString() {
                return "null";
            }
        };
        /** Deep enough for any trace, shallow enough that a hostile line cannot overflow the stack. */
        private static final int MAX_DEPTH = 32;

        private final String s;
        private final int line;
        private int pos;

        JsonLine(String s, int line) {
            this.s = s;
            this.line = line;
        }

        static String show(Object v) {
            return v instanceof String str ? "\"" + str + "\"" : String.valueOf(v);
        }

        private IllegalArgumentException fail(String message) {
            return new IllegalArgumentException("line " + line + ", column " + (pos + 1) + ": " + message);
        }

        /** The line's one object; nothing but whitespace may follow it. */
        Map<String, Object> object() {
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) != '{') {
                throw fail("expected a JSON object");
            }
            Map<String, Object> o = object(0);
            skipSpace();
            if (pos < s.length()) {
                throw fail("unexpected text after the object");
            }
            return o;
        }

        private void skipSpace() {
            while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
        }

        private char next() {
            if (pos >= s.length()) {
                throw fail("unexpected end of line");
            }
            return s.charAt(pos++);
        }

        private void expect(char c) {
            skipSpace();
            if (next() != c) {
                pos--;
                throw fail("expected '" + c + "'");
            }
        }

        /** True, consuming it, when the next non-space character is {@code c}. */
        private boolean take(char c) {
            skipSpace();
            return here(c);
        }

        private Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw fail("nested deeper than " + MAX_DEPTH);
            }
            skipSpace();
            if (pos >= s.length()) {
                throw fail("unexpected end of line");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", NULL);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw fail("unexpected character '" + c + "'");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            expect('{');
            Map<String, Object> o = new LinkedHashMap<>();
            if (take('}')) {
                return o;
            }
            do {
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw fail("expected a field name");
                }
                int at = pos;
                String key = string();
                expect(':');
                if (o.put(key, value(depth)) != null) {
                    pos = at;
                    throw fail("field \"" + key + "\" given twice");
                }
            } while (take(','));
            expect('}');
            return o;
        }

        private List<Object> array(int depth) {
            expect('[');
            List<Object> a = new ArrayList<>();
            if (take(']')) {
                return a;
            }
            do {
                a.add(value(depth));
            } while (take(','));
            expect(']');
            return a;
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) {
                throw fail("unexpected character '" + s.charAt(pos) + "'");
            }
            pos += word.length();
            return value;
        }

        private String string() {
            pos++; // the opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw fail("unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw fail("control character in a string");
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> b.append(hex4());
                    default -> {
                        pos--;
                        throw fail("bad escape '\\" + e + "'");
                    }
                }
            }
        }

        private char hex4() {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(next(), 16);
                if (d < 0) {
                    pos--;
                    throw fail("bad \\u escape");
                }
                v = v * 16 + d;
            }
            return (char) v;
        }

        /** A number in JSON's syntax: no leading zeros, no bare dot, no plus sign, no inner space. */
        private Object number() {
            int start = pos;
            here('-');
            // JSON allows no digit after a leading zero; what follows one is left for the caller to reject.
            if (!here('0') && !digits()) {
                throw fail("bad number");
            }
            boolean integral = true;
            if (here('.')) {
                integral = false;
                if (!digits()) {
                    throw fail("bad number");
                }
            }
            if (here('e') || here('E')) {
                integral = false;
                if (!here('+')) {
                    here('-');
                }
                if (!digits()) {
                    throw fail("bad number");
                }
            }
            String text = s.substring(start, pos);
            if (!integral) {
                return Double.parseDouble(text);
            }
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooLarge) {
                pos = start;
                throw fail("integer " + text + " out of range");
            }
        }

        /** True, consuming it, when the very next character is {@code c}. */
        private boolean here(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private boolean digits() {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            return pos > start;
        }
    }
}
