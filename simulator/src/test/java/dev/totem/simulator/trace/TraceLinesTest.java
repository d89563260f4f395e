package dev.totem.simulator.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one reader of the trace format: JSON's grammar kept strictly, errors named by line. */
class TraceLinesTest {
    private static final String HEAD = "{\"t\":1,\"node\":1,\"ev\":\"x\"";

    @Test
    void readsTheFieldsOfEveryLineAndSkipsBlankOnes() throws IOException {
        List<TraceEvent> events = TraceLines.read(new StringReader("""
                {"t":1100,"node":2,"ev":"deliver","id":"m-\\u00e9\\"1\\\\","sender":1,"guarantee":"safe","ring":"1:4"}

                { "t" : 2000 , "node" : 0 , "ev" : "partition" , "groups" : [ [1,2] , [3] ] }
                {"t":2600,"node":2,"ev":"transition","machine":"m","from":"a","to":"b","reason":null,"extra":{"k":[1.5,-2,false]}}
                """));

        assertThat(events).hasSize(3);
        TraceEvent deliver = events.get(0);
        assertThat(deliver.t()).isEqualTo(1100);
        assertThat(deliver.node()).isEqualTo(2);
        assertThat(deliver.ev()).isEqualTo("deliver");
        assertThat(deliver.line()).isEqualTo(1);
        assertThat(deliver.requiredText("id")).isEqualTo("m-\u00e9\"1\\");
        assertThat(deliver.integer("sender", 0)).isEqualTo(1);
        assertThat(deliver.fields()).containsOnlyKeys("id", "sender", "guarantee", "ring");
        TraceEvent partition = events.get(1);
        assertThat(partition.line()).isEqualTo(3);
        assertThat(partition.intArrays("groups")).isDeepEqualTo(new int[][] {{1, 2}, {3}});
        TraceEvent transition = events.get(2);
        assertThat(transition.text("reason")).isNull();
        assertThat(transition.fields().get("extra")).isEqualTo(Map.of("k", List.of(1.5, -2L, false)));
    }

    @Test
    void wrongTypesNameTheLineAndTheField() throws IOException {
        TraceEvent e = TraceLines.parse("{\"t\":1,\"node\":2,\"ev\":\"deliver\",\"id\":7,\"sender\":\"x\"}", 12);
        assertThatThrownBy(() -> e.requiredText("id")).hasMessage("trace line 12: \"id\" should be a string, not 7");
        assertThatThrownBy(() -> e.integer("sender", 0))
                .hasMessage("trace line 12: \"sender\" should be an int, not \"x\"");
        assertThatThrownBy(() -> e.requiredText("ring")).hasMessage("trace line 12: deliver without \"ring\"");
        assertThatThrownBy(() -> TraceLines.parse("{\"t\":1,\"node\":2,\"ev\":\"x\",\"s\":\"open", 3))
                .hasMessageStartingWith("trace line 3: unterminated string");
        assertThatThrownBy(() -> TraceLines.parse("{\"t\":1,\"node\":99999999999,\"ev\":\"x\"}", 4))
                .hasMessageStartingWith("trace line 4: \"node\" out of range");
    }

    @Test
    void decodesEveryEscapeAndJoinsSurrogatePairs() throws IOException {
        TraceEvent e = TraceLines.parse(HEAD + ",\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00E9\\ud83d\\ude00\"}", 1);

        String s = e.requiredText("s");
        assertThat(s).isEqualTo("\"\\/\b\f\n\r\tA\u00e9\ud83d\ude00");
        assertThat(s.codePoints().toArray()).endsWith(0x1F600);
    }

    @Test
    void readsBackWhatTraceWriterWrites() throws IOException {
        StringBuilder odd = new StringBuilder("q\"b\\s/\ud83d\ude00\u00e9");
        for (char c = 0; c < 0x20; c++) {
            odd.append(c);
        }
        StringWriter out = new StringWriter();
        TraceWriter writer = new TraceWriter(TraceSink.writer(out));
        writer.transition(2_600_000, 2, "membership", odd.toString(), "gather", null);
        writer.partition(4_000_000, new int[][] {{1, 2}, {3}});

        List<TraceEvent> events = TraceLines.read(new StringReader(out.toString()));

        assertThat(events).extracting(TraceEvent::t, TraceEvent::node, TraceEvent::ev)
                .containsExactly(tuple(2600L, 2, "transition"), tuple(4000L, 0, "partition"));
        assertThat(events.get(0).requiredText("from")).isEqualTo(odd.toString());
        assertThat(events.get(0).text("reason")).isNull();
        assertThat(events.get(1).requiredIntArrays("groups")).isDeepEqualTo(new int[][] {{1, 2}, {3}});
    }

    @Test
    void readsEveryJsonNumberFormAndTheWholeLongRange() throws IOException {
        TraceEvent e = TraceLines.parse(HEAD + ",\"n\":[0,-0,7,-12,0.5,-0.25,1e3,1E-3,-2.5e+3,"
                + Long.MAX_VALUE + "," + Long.MIN_VALUE + "]}", 1);

        assertThat(e.fields().get("n")).isEqualTo(List.<Object>of(
                0L, 0L, 7L, -12L, 0.5, -0.25, 1000.0, 0.001, -2500.0, Long.MAX_VALUE, Long.MIN_VALUE));
    }

    @Test
    void nestsUpToTheLimitAndNoFurther() throws IOException {
        int arrays = TraceLines.MAX_DEPTH - 1; // the line's own object is the first level
        TraceEvent e = TraceLines.parse(HEAD + ",\"d\":" + "[".repeat(arrays) + "]".repeat(arrays) + "}", 1);
        assertThat(e.fields()).containsKey("d");

        assertThatThrownBy(() -> TraceLines.parse(
                HEAD + ",\"d\":" + "[".repeat(arrays + 1) + "]".repeat(arrays + 1) + "}", 2))
                .hasMessageStartingWith("trace line 2: nested deeper than " + TraceLines.MAX_DEPTH);
        assertThatThrownBy(() -> TraceLines.parse(
                HEAD + ",\"d\":" + "{\"a\":".repeat(arrays + 1) + "1" + "}".repeat(arrays + 1) + "}", 3))
                .hasMessageStartingWith("trace line 3: nested deeper than " + TraceLines.MAX_DEPTH);
    }

    static Stream<Arguments> malformedLines() {
        return Stream.of(
                Arguments.of("not json", "expected a JSON object"),
                Arguments.of("[1,2]", "expected a JSON object"),
                Arguments.of("\"t\"", "expected a JSON object"),
                Arguments.of(HEAD, "unexpected end of line, expected ',' or '}'"),
                Arguments.of(HEAD + ",", "unexpected end of line, expected a field name"),
                Arguments.of(HEAD + ",\"a\"", "unexpected end of line, expected ':'"),
                Arguments.of(HEAD + ",\"a\" 1}", "expected ':' at column 30"),
                Arguments.of(HEAD + ",\"a\":", "unexpected end of line"),
                Arguments.of(HEAD + "} x", "unexpected text after the object"),
                Arguments.of(HEAD + "}{}", "unexpected text after the object"),
                Arguments.of(HEAD + ",}", "expected a field name"),
                Arguments.of(HEAD + ",a:1}", "expected a field name"),
                Arguments.of(HEAD + ",\"a\":[1,]}", "unexpected ']'"),
                Arguments.of(HEAD + ",\"a\":[1 2]}", "expected ',' or ']'"),
                Arguments.of(HEAD + ",\"a\":[1}", "expected ',' or ']'"),
                Arguments.of(HEAD + ",\"t\":2}", "field \"t\" given twice at column 26"),
                Arguments.of(HEAD + ",\"a\":{\"b\":1,\"b\":1}}", "field \"b\" given twice"),
                Arguments.of(HEAD + ",\"a\":null,\"a\":null}", "field \"a\" given twice"),
                Arguments.of(HEAD + ",\"a\":01}", "leading zero"),
                Arguments.of(HEAD + ",\"a\":-01}", "leading zero"),
                Arguments.of(HEAD + ",\"a\":00}", "leading zero"),
                Arguments.of(HEAD + ",\"a\":-}", "bad number"),
                Arguments.of(HEAD + ",\"a\":- 1}", "bad number"),
                Arguments.of(HEAD + ",\"a\":1.}", "bad number"),
                Arguments.of(HEAD + ",\"a\":1.e3}", "bad number"),
                Arguments.of(HEAD + ",\"a\":1e}", "bad number"),
                Arguments.of(HEAD + ",\"a\":1e+}", "bad number"),
                Arguments.of(HEAD + ",\"a\":1e+-3}", "bad number"),
                Arguments.of(HEAD + ",\"a\":1-2}", "expected ',' or '}'"),
                Arguments.of(HEAD + ",\"a\":1.5.5}", "expected ',' or '}'"),
                Arguments.of(HEAD + ",\"a\":+1}", "unexpected '+'"),
                Arguments.of(HEAD + ",\"a\":.5}", "unexpected '.'"),
                Arguments.of(HEAD + ",\"a\":9223372036854775808}", "integer 9223372036854775808 out of range"),
                Arguments.of(HEAD + ",\"a\":-9223372036854775809}", "out of range"),
                Arguments.of(HEAD + ",\"a\":tru}", "unexpected 't'"),
                Arguments.of(HEAD + ",\"a\":nul}", "unexpected 'n'"),
                Arguments.of(HEAD + ",\"a\":True}", "unexpected 'T'"),
                Arguments.of(HEAD + ",\"a\":'x'}", "unexpected '''"),
                Arguments.of(HEAD + ",\"a\":\"\\x\"}", "bad escape '\\x'"),
                Arguments.of(HEAD + ",\"a\":\"\\U0041\"}", "bad escape '\\U'"),
                Arguments.of(HEAD + ",\"a\":\"\\u00zz\"}", "bad \\u escape"),
                Arguments.of(HEAD + ",\"a\":\"\\u+041\"}", "bad \\u escape"),
                Arguments.of(HEAD + ",\"a\":\"\\u\uff10\uff10\uff14\uff11\"}", "bad \\u escape"),
                Arguments.of(HEAD + ",\"a\":\"\\u41\"}", "bad \\u escape"),
                Arguments.of(HEAD + ",\"a\":\"\\u004", "bad \\u escape"),
                Arguments.of(HEAD + ",\"a\":\"\\", "unterminated escape"),
                Arguments.of(HEAD + ",\"a\":\"x\ty\"}", "control character in a string"),
                Arguments.of(HEAD + ",\"a\":\"x\u0001\"}", "control character in a string"),
                Arguments.of(HEAD + ",\"a\":\"open}", "unterminated string"),
                Arguments.of("{\"node\":1,\"ev\":\"x\"}", "missing \"t\""),
                Arguments.of("{\"t\":1,\"ev\":\"x\"}", "missing \"node\""),
                Arguments.of("{\"t\":1,\"node\":1}", "missing \"ev\""),
                Arguments.of("{\"t\":null,\"node\":1,\"ev\":\"x\"}", "\"t\" should be an integer, not null"),
                Arguments.of("{\"t\":\"1\",\"node\":1,\"ev\":\"x\"}", "\"t\" should be an integer, not \"1\""),
                Arguments.of("{\"t\":1.0,\"node\":1,\"ev\":\"x\"}", "\"t\" should be an integer, not 1.0"),
                Arguments.of("{\"t\":1,\"node\":[1],\"ev\":\"x\"}", "\"node\" should be an integer"),
                Arguments.of("{\"t\":1,\"node\":2147483648,\"ev\":\"x\"}", "\"node\" out of range: 2147483648"),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":7}", "\"ev\" should be a string, not 7"),
                Arguments.of(HEAD + ",\"d\":" + "[".repeat(1000) + "]".repeat(1000) + "}", "nested deeper"));
    }

    @ParameterizedTest
    @MethodSource("malformedLines")
    void malformedLineIsRejectedWithItsNumber(String bad, String why) {
        String trace = "{\"t\":0,\"node\":1,\"ev\":\"start\"}\n  \n" + bad + "\n{\"t\":9,\"node\":1,\"ev\":\"crash\"}\n";

        assertThatThrownBy(() -> TraceLines.read(new StringReader(trace)))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith("trace line 3: ")
                .hasMessageContaining(why)
                .satisfies(e -> assertThat(((TraceFormatException) e).lineNumber()).isEqualTo(3));
    }

    @Test
    void requiredAccessorsRejectWhatIsAbsentOrNullAndNameTheLine() throws IOException {
        TraceEvent e = TraceLines.parse(HEAD + ",\"from\":3,\"groups\":[[1,2],[3]],\"members\":[2,1],"
                + "\"none\":null,\"big\":2147483648,\"bad\":[[1],null]}", 5);

        assertThat(e.requiredInteger("from")).isEqualTo(3);
        assertThat(e.requiredInts("members")).containsExactly(2, 1);
        assertThat(e.requiredIntArrays("groups")).isDeepEqualTo(new int[][] {{1, 2}, {3}});
        assertThat(e.integer("none", -1)).isEqualTo(-1);
        assertThat(e.ints("absent")).isEmpty();
        assertThatThrownBy(() -> e.requiredInteger("to")).hasMessage("trace line 5: x without \"to\"");
        assertThatThrownBy(() -> e.requiredInts("none")).hasMessage("trace line 5: x without \"none\"");
        assertThatThrownBy(() -> e.requiredIntArrays("absent")).hasMessage("trace line 5: x without \"absent\"");
        assertThatThrownBy(() -> e.requiredInteger("big"))
                .hasMessage("trace line 5: \"big\" should be an int, not 2147483648");
        assertThatThrownBy(() -> e.intArrays("bad"))
                .hasMessage("trace line 5: \"bad\" should be an array of ints, not null");
        assertThatThrownBy(() -> e.requiredInts("groups"))
                .hasMessage("trace line 5: \"groups\" should hold ints, not [1, 2]");
        assertThat(e.error("odd").lineNumber()).isEqualTo(5);
    }
}
