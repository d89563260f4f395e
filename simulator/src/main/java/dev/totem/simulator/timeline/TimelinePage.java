package dev.totem.simulator.timeline;

import dev.totem.simulator.trace.TraceEvent;
import dev.totem.simulator.trace.TraceFormatException;
import dev.totem.simulator.trace.TraceLines;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws a JSON Lines trace ({@code simulator/README.md}) as one self-contained HTML page: a
 * space-time diagram with a lane per node, configurations as coloured bands, faults, submits and
 * deliveries, which the reader zooms (wheel, buttons), pans (drag) and queries (hover a tick,
 * click it or type a message id to follow one message across the lanes). The page fetches
 * nothing: its style, script and SVG are inline.
 *
 * <p>Deliveries, submits and transitions are drawn as one SVG path per lane and kind, so traces
 * of a hundred thousand lines stay light; the page's script finds the tick under the pointer in
 * a compact table of times and message indexes.
 */
public final class TimelinePage {
    private static final String RESOURCES = "/dev/totem/simulator/timeline/";

    private TimelinePage() {}

    /**
     * Reads the trace from {@code trace} and writes the page to {@code html} (ASCII only, so any
     * charset serves). Does not close either.
     *
     * @param title the page's heading, such as the trace file name or "seed 42"
     * @throws TraceFormatException when a line is not a trace event; the message names the line
     */
    public static void write(Reader trace, Writer html, String title) throws IOException {
        Timeline timeline = new Timeline();
        TraceLines.forEach(trace, timeline::add);
        render(timeline.finish(), html, title);
    }

    /** Writes the page for events already read (or built by hand), in trace order. */
    public static void write(List<TraceEvent> events, Writer html, String title) throws IOException {
        Timeline timeline = new Timeline();
        for (TraceEvent event : events) {
            timeline.add(event);
        }
        render(timeline.finish(), html, title);
    }

    /** Reads the trace file {@code trace} and writes the page to {@code html}, titled with the trace's file name. */
    public static void write(Path trace, Path html) throws IOException {
        Path name = trace.getFileName();
        write(trace, html, name == null ? trace.toString() : name.toString());
    }

    /** Reads the trace file {@code trace} (UTF-8) and writes the page to {@code html}. */
    public static void write(Path trace, Path html, String title) throws IOException {
        try (Reader in = Files.newBufferedReader(trace, StandardCharsets.UTF_8);
                Writer out = Files.newBufferedWriter(html, StandardCharsets.US_ASCII)) {
            write(in, out, title);
        }
    }

    private static void render(Timeline timeline, Writer html, String title) throws IOException {
        Writer out = html instanceof BufferedWriter ? html : new BufferedWriter(html, 1 << 16);
        String heading = title == null || title.isBlank() ? "trace" : title;
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.write("<title>" + Markup.html("Timeline: " + heading) + "</title>\n<style>\n");
        out.write(resource("timeline.css"));
        out.write("</style>\n</head>\n<body>\n");
        writeHeader(timeline, out, heading);
        PlotSvg.write(timeline, out);
        out.write("<div id=\"tip\" hidden></div>\n");
        out.write("<script type=\"application/json\" id=\"timeline-data\">");
        out.write(PageData.json(timeline, PlotSvg.geometry()));
        out.write("</script>\n<script>\n");
        out.write(resource("timeline.js"));
        out.write("</script>\n</body>\n</html>\n");
        out.flush();
    }

    private static void writeHeader(Timeline t, Writer out, String heading) throws IOException {
        long faults = t.count("crash") + t.count("restart") + t.count("pause") + t.count("resume")
                + t.count("partition") + t.count("block") + t.count("heal");
        StringBuilder h = new StringBuilder(4096);
        h.append("<header>\n<h1>").append(Markup.html(heading)).append("</h1>\n<p class=\"stats\">");
        stat(h, t.lanes.size(), "node", "nodes");
        stat(h, t.count("submit"), "submit", "submits");
        stat(h, t.count("deliver"), "delivery", "deliveries");
        h.append("<span><b>").append(t.regularConfigs + t.transitionalConfigs).append("</b> configurations (")
                .append(t.regularConfigs).append(" regular, ").append(t.transitionalConfigs)
                .append(" transitional)</span>");
        h.append("<span><b>").append(faults).append("</b> faults");
        String details = faultDetails(t);
        if (!details.isEmpty()) {
            h.append(" (").append(details).append(')');
        }
        h.append("</span>");
        stat(h, t.count("token_lost"), "token loss", "token losses");
        stat(h, t.count("transition"), "transition", "transitions");
        h.append("<span>").append(Markup.html(Markup.time(t.t0 - PageData.base(t)))).append(" &#x2013; ")
                .append(Markup.html(Markup.time(t.t1 - PageData.base(t)))).append("</span>");
        stat(h, t.events, "event", "events");
        h.append("</p>\n");
        if (PageData.base(t) != 0) {
            h.append("<p class=\"note\">Times are counted from the first event (t = ").append(t.t0)
                    .append(" &#xb5;s in the trace).</p>\n");
        }
        h.append("</header>\n");
        h.append("<div class=\"toolbar\">")
                .append("<button type=\"button\" id=\"zoom-out\" title=\"zoom out (-)\">&#x2212;</button>")
                .append("<button type=\"button\" id=\"zoom-in\" title=\"zoom in (+)\">+</button>")
                .append("<button type=\"button\" id=\"zoom-fit\" title=\"show the whole run (0)\">fit</button>")
                .append("<form id=\"find\"><input id=\"find-id\" type=\"search\" placeholder=\"message id\" "
                        + "spellcheck=\"false\" autocomplete=\"off\"><button type=\"submit\">show</button>"
                        + "<button type=\"button\" id=\"find-clear\" title=\"clear (Esc)\">clear</button></form>")
                .append("<span id=\"status\">Wheel or +/&#x2212; to zoom, drag to pan; hover a tick for its "
                        + "message, click it to follow the message.</span></div>\n");
        legend(h);
        out.write(h.toString());
    }

    private static void stat(StringBuilder h, long n, String one, String many) {
        h.append("<span><b>").append(n).append("</b> ").append(n == 1 ? one : many).append("</span>");
    }

    private static String faultDetails(Timeline t) {
        StringBuilder s = new StringBuilder();
        for (String ev : new String[] {"crash", "restart", "pause", "resume", "partition", "block", "heal"}) {
            long n = t.count(ev);
            if (n > 0) {
                s.append(s.length() == 0 ? "" : ", ").append(n).append(' ').append(ev);
            }
        }
        return s.toString();
    }

    private static void legend(StringBuilder h) {
        h.append("<div class=\"legend\">");
        item(h, "<rect x=\"1\" y=\"3\" width=\"13\" height=\"10\" fill=\"hsl(20,60%,82%)\"/>"
                + "<rect x=\"14\" y=\"3\" width=\"13\" height=\"10\" fill=\"hsl(200,60%,82%)\"/>",
                "regular configuration (colour = ring)");
        item(h, "<rect x=\"1\" y=\"6\" width=\"26\" height=\"4\" fill=\"hsl(200,55%,48%)\"/>",
                "transitional configuration");
        item(h, "<path class=\"cfgb\" d=\"M14 2v12\"/>", "configuration change");
        item(h, "<rect x=\"1\" y=\"2\" width=\"26\" height=\"12\" fill=\"hsl(200,60%,82%)\"/>"
                + "<path class=\"dl agreed\" d=\"M8 4v4M12 4v4M18 4v4\"/>", "agreed delivery");
        item(h, "<rect x=\"1\" y=\"2\" width=\"26\" height=\"12\" fill=\"hsl(200,60%,82%)\"/>"
                + "<path class=\"dl safe\" d=\"M8 8v4M14 8v4M20 8v4\"/>", "safe delivery");
        item(h, "<path class=\"sub agreed\" d=\"M9 8v0M19 8v0\"/>", "submit");
        item(h, "<path class=\"tr\" d=\"M10 6v6M16 6v6\"/>", "state transition");
        item(h, "<g transform=\"translate(8 8)\">" + PlotSvg.shape("crash") + "</g>"
                + "<rect class=\"span down\" x=\"14\" y=\"1\" width=\"13\" height=\"14\"/>", "crash, down");
        item(h, "<g transform=\"translate(14 8)\">" + PlotSvg.shape("restart") + "</g>", "restart");
        item(h, "<g transform=\"translate(6 8)\">" + PlotSvg.shape("pause") + "</g>"
                + "<rect class=\"span paused\" x=\"11\" y=\"1\" width=\"10\" height=\"14\"/>"
                + "<g transform=\"translate(24 8)\">" + PlotSvg.shape("resume") + "</g>", "pause, resume");
        item(h, "<g transform=\"translate(14 2)\">" + PlotSvg.shape("token_lost") + "</g>", "token lost");
        item(h, "<path class=\"gline partition\" d=\"M14 0v16\"/>", "partition");
        item(h, "<path class=\"gline block\" d=\"M14 0v16\"/>", "block");
        item(h, "<path class=\"gline heal\" d=\"M14 0v16\"/>", "heal");
        item(h, "<path class=\"gline quiet\" d=\"M14 0v16\"/>", "quiet");
        item(h, "<path class=\"hl-line\" d=\"M3 4L25 12\"/><path class=\"hl-tick\" d=\"M25 6v8\"/>",
                "followed message");
        h.append("</div>\n");
    }

    private static void item(StringBuilder h, String svg, String label) {
        h.append("<span class=\"lg\"><svg width=\"28\" height=\"16\" aria-hidden=\"true\">").append(svg)
                .append("</svg>").append(Markup.html(label)).append("</span>");
    }

    private static String resource(String name) {
        try (InputStream in = TimelinePage.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
