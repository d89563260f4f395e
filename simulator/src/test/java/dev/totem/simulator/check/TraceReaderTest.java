package dev.totem.simulator.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.simulator.check.History.Event;
import dev.totem.simulator.trace.TraceFormatException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reads hand-written JSON Lines traces into histories, and rejects malformed lines by number. */
class TraceReaderTest {

    /**
     * Two nodes: one ring, a partition, a crash and restart, a merge, and a quiet period, with every
     * event kind, string escapes, odd spacing, a blank line and unknown events. Java's text block
     * needs doubled backslashes, so {@code \\"} here is JSON's {@code \"}.
     */
    private static final String TRACE = """
            {"t":0,"node":1,"ev":"start"}
            {"t":0,"node":2,"ev":"start"}
            {"t":10,"node":1,"ev":"config","kind":"regular","ring":"1:4","members":[1,2]}
            {"t":10,"node":2,"ev":"config","kind":"regular","ring":"1:4","members":[2,1]}
            {"t":20,"node":1,"ev":"submit","id":"q\\"uote\\\\d","guarantee":"agreed"}
            {"t":21,"node":2,"ev":"submit","id":"caf\\u00e9","guarantee":"safe","extra":[1,{"x":null}]}

            {"t":30,"node":1,"ev":"deliver","id":"q\\"uote\\\\d","sender":1,"guarantee":"agreed","ring":"1:4"}
            {"t":31,"node":2,"ev":"deliver","id":"q\\"uote\\\\d","sender":1,"guarantee":"agreed","ring":"1:4"}
              { "t" : 32 , "node" : 1 , "ev" : "deliver" , "id" : "café" , "sender" : 2 , "guarantee" : "safe" , "ring" : "1:4" }\t
            {"ring":"1:4","guarantee":"safe","sender":2,"id":"café","ev":"deliver","node":2,"t":33}
            {"t":40,"node":0,"ev":"metric","name":"x","nested":{"a":[1,-2.5e3,true,false,null]}}
            {"t":50,"node":0,"ev":"partition","groups":[[1],[2]]}
            {"t":60,"node":1,"ev":"config","kind":"transitional","ring":"1:8","members":[1]}
            {"t":60,"node":1,"ev":"config","kind":"regular","ring":"1:8","members":[1]}
            {"t":61,"node":2,"ev":"config","kind":"transitional","ring":"2:8","members":[2]}
            {"t":61,"node":2,"ev":"config","kind":"regular","ring":"2:8","members":[2]}
            {"t":70,"node":0,"ev":"heal"}
            {"t":75,"node":0,"ev":"block","from":1,"to":2}
            {"t":76,"node":0,"ev":"heal"}
            {"t":77,"node":0,"ev":"net_partition","network":1,"groups":[[1],[2]]}
            {"t":78,"node":0,"ev":"net_loss","network":0,"loss":0.25}
            {"t":79,"node":0,"ev":"net_heal","network":1}
            {"t":79,"node":0,"ev":"net_deaf","network":1,"deaf":2}
            {"t":79,"node":0,"ev":"net_heal","network":1}
            {"t":80,"node":2,"ev":"pause"}
            {"t":85,"node":2,"ev":"resume"}
            {"t":90,"node":2,"ev":"crash"}
            {"t":95,"node":2,"ev":"restart"}
            {"t":96,"node":2,"ev":"config","kind":"regular","ring":"2:12","members":[2]}
            {"t":100,"node":1,"ev":"config","kind":"transitional","ring":"1:16","members":[1]}
            {"t":100,"node":1,"ev":"config","kind":"regular","ring":"1:16","members":[1,2]}
            {"t":100,"node":2,"ev":"config","kind":"transitional","ring":"1:16","members":[2]}
            {"t":100,"node":2,"ev":"config","kind":"regular","ring":"1:16","members":[1,2]}
            {"t":110,"node":0,"ev":"quiet"}
            {"t":120,"node":1,"ev":"submit","id":"late","guarantee":"agreed"}
            {"t":130,"node":1,"ev":"deliver","id":"late","sender":1,"guarantee":"agreed","ring":"1:16"}
            {"t":130,"node":2,"ev":"deliver","id":"late","sender":1,"guarantee":"agreed","ring":"1:16"}
            {"t":140,"node":0,"ev":"metric"}
            """;

    /** One event as text, so whole per-node histories compare in one assertion. */
    private static String describe(Event e) {
        return switch (e.kind()) {
            case SUBMIT -> e.timeMicros() + " submit " + e.id() + " " + e.guarantee().traceName();
            case DELIVER -> e.timeMicros() + " deliver " + e.id() + " from " + e.sender() + " "
                    + e.guarantee().traceName() + " in " + e.ring();
            case CONFIG -> e.timeMicros() + " " + e.configKind().traceName() + " " + e.ring() + " "
                    + Arrays.toString(e.members());
            case CRASH, RESTART -> e.timeMicros() + " " + e.kind().name().toLowerCase(Locale.ROOT);
        };
    }

    private static List<String> events(History h, int node) {
        return h.events(node).stream().map(TraceReaderTest::describe).toList();
    }

    private static TraceReader.Result read(String text) throws IOException {
        return TraceReader.read(new StringReader(text));
    }

    @Test
    void roundTripsHandWrittenTraceThroughAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("trace.jsonl");
        Files.writeString(file, TRACE, StandardCharsets.UTF_8);

        TraceReader.Result result = TraceReader.read(file);
        History h = result.history();

        assertThat(h.nodes()).containsExactly(1, 2);
        assertThat(events(h, 1)).containsExactly(
                "10 regular 1:4 [1, 2]",
                "20 submit q\"uote\\d agreed",
                "30 deliver q\"uote\\d from 1 agreed in 1:4",
                "32 deliver café from 2 safe in 1:4",
                "60 transitional 1:8 [1]",
                "60 regular 1:8 [1]",
                "100 transitional 1:16 [1]",
                "100 regular 1:16 [1, 2]",
                "120 submit late agreed",
                "130 deliver late from 1 agreed in 1:16");
        assertThat(events(h, 2)).containsExactly(
                "10 regular 1:4 [1, 2]",
                "21 submit café safe",
                "31 deliver q\"uote\\d from 1 agreed in 1:4",
                "33 deliver café from 2 safe in 1:4",
                "61 transitional 2:8 [2]",
                "61 regular 2:8 [2]",
                "90 crash",
                "95 restart",
                "96 regular 2:12 [2]",
                "100 transitional 1:16 [2]",
                "100 regular 1:16 [1, 2]",
                "130 deliver late from 1 agreed in 1:16");
        assertThat(h.quietFromMicros()).isEqualTo(110);
        assertThat(result.skipped()).isEqualTo(Map.of("metric", 2));
        assertThat(result.skippedCount()).isEqualTo(2);
        // The trace is of a correct run, and the checker reads it as one.
        assertThat(EvsChecker.check(h)).isEmpty();
    }

    @Test
    void checkerFindsViolationsInAReadTrace() throws IOException {
        History h = read("""
                {"t":1,"node":1,"ev":"config","kind":"regular","ring":"1:4","members":[1,2]}
                {"t":1,"node":2,"ev":"config","kind":"regular","ring":"1:4","members":[1,2]}
                {"t":2,"node":1,"ev":"submit","id":"a","guarantee":"safe"}
                {"t":3,"node":1,"ev":"deliver","id":"a","sender":1,"guarantee":"safe","ring":"1:4"}
                """).history();

        assertThat(EvsChecker.check(h)).extracting(Violation::property).containsExactly("safe");
    }

    @Test
    void decodesEveryStringEscape() throws IOException {
        History h = read("{\"t\":1,\"node\":1,\"ev\":\"submit\",\"guarantee\":\"agreed\","
                + "\"id\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\ud83d\\ude00\"}").history();

        assertThat(h.events(1).get(0).id()).isEqualTo("\"\\/\b\f\n\r\tAé\ud83d\ude00");
    }

    @Test
    void emptyTraceIsAnEmptyHistory() throws IOException {
        TraceReader.Result result = read("\n  \n");

        assertThat(result.history().nodes()).isEmpty();
        assertThat(result.skippedCount()).isZero();
        assertThat(result.history().quietFromMicros()).isEqualTo(Long.MAX_VALUE);
    }

    static Stream<Arguments> malformedLines() {
        return Stream.of(
                Arguments.of("not json", "expected a JSON object"),
                Arguments.of("[1,2]", "expected a JSON object"),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"crash\"", "end of line"),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"crash\"} x", "after the object"),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"crash\",}", "field name"),
                Arguments.of("{\"t\":1 \"node\":1,\"ev\":\"crash\"}", "expected ',' or '}'"),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"crash\",\"t\":2}", "given twice"),
                Arguments.of("{\"t\":01,\"node\":1,\"ev\":\"crash\"}", "leading zero"),
                Arguments.of("{\"t\":- 1,\"node\":1,\"ev\":\"crash\"}", "bad number"),
                Arguments.of("{\"t\":1.,\"node\":1,\"ev\":\"crash\"}", "bad number"),
                Arguments.of("{\"t\":99999999999999999999,\"node\":1,\"ev\":\"crash\"}", "out of range"),
                Arguments.of("{\"t\":tru,\"node\":1,\"ev\":\"crash\"}", "unexpected 't'"),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"cr\\ash\"}", "bad escape"),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"cr\\u00zzsh\"}", "bad \\u escape"),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"cr\tash\"}", "control character"),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"crash", "unterminated string"),
                Arguments.of("{\"node\":1,\"ev\":\"crash\"}", "missing \"t\""),
                Arguments.of("{\"t\":1,\"node\":1}", "missing \"ev\""),
                Arguments.of("{\"t\":\"1\",\"node\":1,\"ev\":\"crash\"}", "\"t\" should be an integer"),
                Arguments.of("{\"t\":1.5,\"node\":1,\"ev\":\"crash\"}", "\"t\" should be an integer"),
                Arguments.of("{\"t\":1,\"node\":4294967297,\"ev\":\"crash\"}", "\"node\" out of range"),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":null}", "\"ev\" should be a string"),
                Arguments.of("{\"t\":1,\"node\":0,\"ev\":\"crash\"}", "node id above 0"),
                Arguments.of("{\"t\":1,\"node\":2,\"ev\":\"heal\"}", "needs node 0"),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"submit\",\"id\":\"a\",\"guarantee\":\"fast\"}",
                        "unknown guarantee \"fast\""),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"deliver\",\"id\":\"a\",\"sender\":1,\"guarantee\":\"agreed\"}",
                        "deliver without \"ring\""),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"config\",\"kind\":\"odd\",\"ring\":\"1:4\",\"members\":[1]}",
                        "unknown kind \"odd\""),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"config\",\"kind\":\"regular\",\"ring\":\"1:4\",\"members\":[1,\"2\"]}",
                        "\"members\" should hold ints, not \"2\""),
                Arguments.of("{\"t\":1,\"node\":1,\"ev\":\"config\",\"kind\":\"regular\",\"ring\":\"1:4\",\"members\":1}",
                        "\"members\" should be an array of ints, not 1"),
                Arguments.of("{\"t\":1,\"node\":0,\"ev\":\"partition\",\"groups\":[[1],2]}",
                        "\"groups\" should be an array of ints, not 2"),
                Arguments.of("{\"t\":1,\"node\":0,\"ev\":\"block\",\"from\":1}", "block without \"to\""),
                Arguments.of("{\"t\":1,\"node\":0,\"ev\":\"net_heal\"}", "net_heal without \"network\""),
                Arguments.of("{\"t\":1,\"node\":0,\"ev\":\"net_deaf\",\"network\":0}", "net_deaf without \"deaf\""),
                Arguments.of("{\"t\":1,\"node\":2,\"ev\":\"net_loss\",\"network\":0}", "needs node 0"),
                Arguments.of("{\"t\":1,\"node\":0,\"ev\":\"x\",\"deep\":" + "[".repeat(1000) + "]".repeat(1000) + "}",
                        "nested deeper"));
    }

    @ParameterizedTest
    @MethodSource("malformedLines")
    void malformedLineIsRejectedByNumber(String bad, String why) {
        String text = "{\"t\":0,\"node\":1,\"ev\":\"start\"}\n\n" + bad + "\n{\"t\":9,\"node\":1,\"ev\":\"crash\"}\n";

        assertThatThrownBy(() -> read(text))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith("trace line 3: ")
                .hasMessageContaining(why)
                .satisfies(e -> assertThat(((TraceFormatException) e).lineNumber()).isEqualTo(3));
    }
}
