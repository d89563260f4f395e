package dev.totem.simulator.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.simulator.trace.TraceEvent;
import dev.totem.simulator.trace.TraceFormatException;
import dev.totem.simulator.trace.TraceLines;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelinePageTest {
    /** Three nodes, every event kind of the trace format at least once. */
    static final String EVERY_EVENT = """
            {"t":0,"node":1,"ev":"start"}
            {"t":0,"node":2,"ev":"start"}
            {"t":0,"node":3,"ev":"start"}
            {"t":4000,"node":1,"ev":"transition","machine":"membership","from":"gather","to":"operational","reason":null}
            {"t":4000,"node":1,"ev":"config","kind":"regular","ring":"1:4","members":[1,2,3]}
            {"t":4000,"node":2,"ev":"config","kind":"regular","ring":"1:4","members":[1,2,3]}
            {"t":4000,"node":3,"ev":"config","kind":"regular","ring":"1:4","members":[1,2,3]}
            {"t":6000,"node":1,"ev":"submit","id":"m-1","guarantee":"agreed"}
            {"t":6100,"node":1,"ev":"deliver","id":"m-1","sender":1,"guarantee":"agreed","ring":"1:4"}
            {"t":6150,"node":2,"ev":"deliver","id":"m-1","sender":1,"guarantee":"agreed","ring":"1:4"}
            {"t":6200,"node":3,"ev":"deliver","id":"m-1","sender":1,"guarantee":"agreed","ring":"1:4"}
            {"t":7000,"node":2,"ev":"submit","id":"m-2 <b>","guarantee":"safe"}
            {"t":7300,"node":1,"ev":"deliver","id":"m-2 <b>","sender":2,"guarantee":"safe","ring":"1:4"}
            {"t":7300,"node":2,"ev":"deliver","id":"m-2 <b>","sender":2,"guarantee":"safe","ring":"1:4"}
            {"t":7300,"node":3,"ev":"deliver","id":"m-2 <b>","sender":2,"guarantee":"safe","ring":"1:4"}
            {"t":9000,"node":0,"ev":"partition","groups":[[1,2],[3]]}
            {"t":9500,"node":0,"ev":"block","from":1,"to":2}
            {"t":11000,"node":3,"ev":"token_lost","ring":"1:4"}
            {"t":11000,"node":3,"ev":"transition","machine":"membership","from":"operational","to":"gather","reason":"token \\"lost\\""}
            {"t":12000,"node":1,"ev":"config","kind":"transitional","ring":"1:8","members":[1,2]}
            {"t":12000,"node":2,"ev":"config","kind":"transitional","ring":"1:8","members":[1,2]}
            {"t":12000,"node":1,"ev":"config","kind":"regular","ring":"1:8","members":[1,2]}
            {"t":12000,"node":2,"ev":"config","kind":"regular","ring":"1:8","members":[1,2]}
            {"t":13000,"node":3,"ev":"crash"}
            {"t":15000,"node":3,"ev":"restart"}
            {"t":15500,"node":3,"ev":"config","kind":"regular","ring":"3:12","members":[3]}
            {"t":16000,"node":1,"ev":"pause"}
            {"t":17000,"node":1,"ev":"resume"}
            {"t":20000,"node":0,"ev":"heal"}
            {"t":20200,"node":0,"ev":"quiet"}
            {"t":20500,"node":2,"ev":"some_future_event","x":{"nested":[1,2.5,true]}}
            """;

    private static String render(String trace, String title) throws IOException {
        StringWriter html = new StringWriter();
        TimelinePage.write(new StringReader(trace), html, title);
        return html.toString();
    }

    @Test
    void drawsEveryEventKindOnASelfContainedPage() throws IOException {
        String html = render(EVERY_EVENT, "seed 42 <test>");

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>Timeline: seed 42 &lt;test&gt;</title>")
                .contains("<h1>seed 42 &lt;test&gt;</h1>");
        assertThat(count(html, "<g class=\"lane\" ")).isEqualTo(3);
        assertThat(html).contains(">node 1</text>", ">node 2</text>", ">node 3</text>");
        // Configurations: three regular 1:4 bands of one colour, two transitional and two regular 1:8, one 3:12.
        assertThat(bands(html, "regular", "1:4")).isEqualTo(3);
        assertThat(bands(html, "transitional", "1:8")).isEqualTo(2);
        assertThat(bands(html, "regular", "1:8")).isEqualTo(2);
        assertThat(bands(html, "regular", "3:12")).isEqualTo(1);
        assertThat(fills(html, "1:4")).hasSize(1);
        assertThat(fills(html, "1:4")).doesNotContainAnyElementsOf(fills(html, "1:8"));
        assertThat(html).contains("regular configuration, ring 1:4&#10;members {1,2,3}");
        // Faults and markers.
        assertThat(count(html, "class=\"pin mark crash\"")).isEqualTo(1);
        assertThat(html).contains("class=\"stretch span down\"", "node 3: crash at 13.000 ms");
        assertThat(count(html, "class=\"pin mark restart\"")).isEqualTo(1);
        assertThat(count(html, "class=\"pin mark pause\"")).isEqualTo(1);
        assertThat(count(html, "class=\"pin mark resume\"")).isEqualTo(1);
        assertThat(html).contains("class=\"stretch span paused\"");
        assertThat(count(html, "class=\"pin mark token_lost\"")).isEqualTo(1);
        assertThat(count(html, "class=\"pin mark start\"")).isEqualTo(3);
        assertThat(html).contains("class=\"pin gline partition\"", "class=\"pin gline block\"", "class=\"pin gline heal\"")
                .contains(">partition {1,2} | {3}</text>", ">block 1&#x2192;2</text>", ">heal</text>")
                .contains("class=\"pin gline quiet\"", ">quiet: liveness from here</text>");
        // Ticks: one path per lane and kind, not one element per delivery (the legend draws one of each too).
        String plot = html.substring(html.indexOf("<svg id=\"tl\""));
        assertThat(count(plot, "class=\"ticks dl agreed\"")).isEqualTo(3);
        assertThat(count(plot, "class=\"ticks dl safe\"")).isEqualTo(3);
        assertThat(count(plot, "class=\"ticks sub agreed\"")).isEqualTo(1);
        assertThat(count(plot, "class=\"ticks sub safe\"")).isEqualTo(1);
        assertThat(count(plot, "class=\"ticks tr\"")).isEqualTo(2);
        // Header counts.
        assertThat(html).contains("<b>3</b> nodes", "<b>2</b> submits", "<b>6</b> deliveries",
                "<b>8</b> configurations (6 regular, 2 transitional)",
                "<b>7</b> faults (1 crash, 1 restart, 1 pause, 1 resume, 1 partition, 1 block, 1 heal)",
                "<b>1</b> token loss", "<b>31</b> events");
        // The script's table: ids escaped so they cannot end the script element.
        assertThat(html).contains("\"id\":[\"m-1\",\"m-2 \\u003cb\\u003e\"]").doesNotContain("m-2 <b>");
        assertSelfContained(html);
        assertBalanced(html);
        assertThat(html.chars().allMatch(c -> c < 0x80)).as("ASCII only").isTrue();
    }

    @Test
    void theListApiDrawsTheSamePage() throws IOException {
        List<TraceEvent> events = TraceLines.read(new StringReader(EVERY_EVENT));
        StringWriter html = new StringWriter();
        TimelinePage.write(events, html, "t");
        assertThat(html.toString()).isEqualTo(render(EVERY_EVENT, "t"));
    }

    @Test
    void aMalformedLineIsReportedWithItsNumber() {
        String trace = """
                {"t":0,"node":1,"ev":"start"}
                {"t":10,"node":1,"ev":"submit","id":"m-1","guarantee":"agreed"}

                {"t":20,"node":1,"ev":"deliver","id":"m-1" "sender":1}
                """;
        assertThatThrownBy(() -> render(trace, "bad"))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith("trace line 4: expected ',' or '}' at column 44")
                .satisfies(e -> assertThat(((TraceFormatException) e).lineNumber()).isEqualTo(4));
        assertThatThrownBy(() -> render("{\"t\":0,\"node\":1,\"ev\":\"start\"}\nnot json\n", "bad"))
                .hasMessageStartingWith("trace line 2: expected a JSON object");
        assertThatThrownBy(() -> render("{\"t\":0,\"node\":1}\n", "bad"))
                .hasMessageStartingWith("trace line 1: missing \"ev\"");
        assertThatThrownBy(() -> render("{\"t\":\"soon\",\"node\":1,\"ev\":\"start\"}\n", "bad"))
                .hasMessageStartingWith("trace line 1: \"t\" should be an integer");
        assertThatThrownBy(() -> render("{\"t\":0,\"node\":1,\"ev\":\"start\"}\n"
                + "{\"t\":5,\"node\":2,\"ev\":\"deliver\",\"sender\":1,\"ring\":\"1:4\"}\n", "bad"))
                .hasMessageStartingWith("trace line 2: deliver without \"id\"");
        assertThatThrownBy(() -> render("{\"t\":5,\"node\":2,\"ev\":\"config\",\"kind\":\"regular\","
                + "\"ring\":\"1:4\",\"members\":[1,\"two\"]}\n", "bad"))
                .hasMessageStartingWith("trace line 1: \"members\" should hold ints");
        assertThatThrownBy(() -> render("{\"t\":0,\"node\":1,\"ev\":\"start\"} x\n", "bad"))
                .hasMessageStartingWith("trace line 1: unexpected text after the object");
    }

    @Test
    void aLongRunStaysSmallAndDrawsTicksAsPathsNotElements() throws IOException {
        StringBuilder trace = new StringBuilder();
        int nodes = 5;
        int lines = 0;
        for (int n = 1; n <= nodes; n++) {
            trace.append("{\"t\":0,\"node\":").append(n).append(",\"ev\":\"start\"}\n");
            lines++;
        }
        long t = 1000;
        int ring = 4;
        for (int m = 0; m < 1000; m++) {
            if (m % 200 == 0) {
                ring += 4;
                for (int n = 1; n <= nodes; n++) {
                    trace.append("{\"t\":").append(t).append(",\"node\":").append(n)
                            .append(",\"ev\":\"config\",\"kind\":\"regular\",\"ring\":\"1:").append(ring)
                            .append("\",\"members\":[1,2,3,4,5]}\n");
                    lines++;
                }
            }
            int sender = 1 + m % nodes;
            String g = m % 3 == 0 ? "safe" : "agreed";
            trace.append("{\"t\":").append(t).append(",\"node\":").append(sender)
                    .append(",\"ev\":\"submit\",\"id\":\"w-").append(m).append("\",\"guarantee\":\"").append(g).append("\"}\n");
            lines++;
            for (int n = 1; n <= nodes; n++) {
                trace.append("{\"t\":").append(t + 150 + 20 * n).append(",\"node\":").append(n)
                        .append(",\"ev\":\"deliver\",\"id\":\"w-").append(m).append("\",\"sender\":").append(sender)
                        .append(",\"guarantee\":\"").append(g).append("\",\"ring\":\"1:").append(ring).append("\"}\n");
                lines++;
            }
            t += 997;
        }
        assertThat(lines).isGreaterThan(6000);

        String html = render(trace.toString(), "loop");

        assertThat(html).contains("<b>5000</b> deliveries", "<b>25</b> configurations");
        assertThat(count(html, "<path ")).as("one path per lane and kind").isLessThan(80);
        assertThat(count(html, "<rect ")).isLessThan(100);
        assertThat(html.length()).as("page size").isLessThan(trace.length() / 2);
        assertSelfContained(html);
        assertBalanced(html);
    }

    @Test
    void writesAFileTitledWithTheTraceName(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("seed-7.jsonl");
        Files.writeString(trace, EVERY_EVENT, StandardCharsets.UTF_8);
        Path page = dir.resolve("seed-7.html");
        TimelinePage.write(trace, page);
        assertThat(Files.readString(page, StandardCharsets.US_ASCII)).contains("<h1>seed-7.jsonl</h1>");
    }

    @Test
    void anEmptyTraceGivesAnEmptyPage() throws IOException {
        String html = render("", "empty");
        assertThat(html).contains("<b>0</b> nodes", "<b>0</b> events");
        assertBalanced(html);
    }

    @Test
    void realClockTracesAreShownFromTheirFirstEvent() throws IOException {
        String html = render("""
                {"t":1712000000000000,"node":1,"ev":"config","kind":"regular","ring":"1:4","members":[1]}
                {"t":1712000002500000,"node":1,"ev":"crash"}
                """, "real");
        assertThat(html).contains("Times are counted from the first event", "node 1: crash at 2.500 s");
    }

    /** No fetch of any kind: no URLs, no external scripts, styles, images or fonts. */
    private static void assertSelfContained(String html) {
        String lower = html.toLowerCase();
        assertThat(lower).doesNotContain("http://", "https://", "<link", "@import", "//cdn", "<iframe", "<img");
        assertThat(Pattern.compile("<script[^>]*\\ssrc", Pattern.CASE_INSENSITIVE).matcher(html).find()).isFalse();
        assertThat(Pattern.compile("\\s(src|href|xlink:href|action)\\s*=", Pattern.CASE_INSENSITIVE)
                .matcher(withoutScriptAndStyleBodies(html)).find())
                .as("no attribute that loads or links anything").isFalse();
        Matcher urls = Pattern.compile("url\\(([^)]*)\\)").matcher(html);
        while (urls.find()) {
            assertThat(urls.group(1)).as("url() only to fragments").startsWith("#");
        }
    }

    private static final Set<String> VOID_ELEMENTS = new HashSet<>(List.of("meta", "input", "br", "img", "link", "hr"));

    /** Every element outside script and style bodies is closed, in order. */
    private static void assertBalanced(String html) {
        String markup = withoutScriptAndStyleBodies(html);
        Matcher tags = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)\\b[^>]*?(/?)>").matcher(markup);
        Deque<String> open = new ArrayDeque<>();
        while (tags.find()) {
            String name = tags.group(2).toLowerCase();
            if (!tags.group(1).isEmpty()) {
                assertThat(open).as("closing </%s> at %d", name, tags.start()).isNotEmpty();
                assertThat(open.pop()).as("closing </%s> at %d", name, tags.start()).isEqualTo(name);
            } else if (tags.group(3).isEmpty() && !VOID_ELEMENTS.contains(name)) {
                open.push(name);
            }
        }
        assertThat(open).as("unclosed elements").isEmpty();
        assertThat(markup).doesNotContain("<!DOCTYPE html>\n<!DOCTYPE");
    }

    private static String withoutScriptAndStyleBodies(String html) {
        return html.replaceAll("(?s)(<script[^>]*>).*?(</script>)", "$1$2")
                .replaceAll("(?s)(<style[^>]*>).*?(</style>)", "$1$2");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    private static int bands(String html, String kind, String ring) {
        Matcher m = band(html, kind, ring);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static Matcher band(String html, String kind, String ring) {
        return Pattern.compile("<rect class=\"stretch band " + kind + "\"[^>]* data-ring=\"" + Pattern.quote(ring)
                + "\" fill=\"([^\"]+)\"").matcher(html);
    }

    private static Set<String> fills(String html, String ring) {
        Matcher m = band(html, "regular", ring);
        Set<String> fills = new HashSet<>();
        while (m.find()) {
            fills.add(m.group(1));
        }
        return fills;
    }
}
