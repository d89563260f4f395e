package dev.totem.simulator.timeline;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * The inline SVG of the timeline page, in screen pixels for the default plot width. Every element
 * whose place depends on time carries it in plot units (microseconds since the first event, plus
 * a pad): {@code data-t}, and {@code data-e} for an end. The page's script redraws from these at
 * every zoom and pan, in double precision: stretched elements ({@code .stretch}: bands, shaded
 * spans, baselines) get new x and width, pins ({@code .pin}: markers, fault lines, labels) a new
 * translation, and tick paths ({@code .ticks}) are rebuilt from the JSON table for the visible
 * window only, one segment per pixel at most. (Scaling one big group instead fails: browsers
 * clamp coordinates near 2^25, which a run of 34 s already reaches in microseconds.)
 */
final class PlotSvg {
    static final int LEFT = 96;
    static final int RIGHT = 16;
    static final int PLOT_WIDTH = 1100;
    static final int AXIS_Y = 24;
    static final int LABELS_TOP = 28;
    static final int LABEL_ROWS = 3;
    static final int LABEL_ROW_H = 15;
    static final int LANES_TOP = LABELS_TOP + LABEL_ROWS * LABEL_ROW_H + 4;
    static final int LANE_H = 44;
    static final int BOTTOM = 8;

    /** Regular bands reach this far above and below the lane's centre; delivery ticks stop 3 px short. */
    private static final int BAND_HALF = 11;
    /** Submit dots sit this far below (negative: above) the lane's centre. */
    private static final int SUBMIT_DY = -BAND_HALF - 5;
    /** Transitional bands are thinner. */
    private static final int TRANSITIONAL_HALF = 3;

    /** Layout numbers the script needs. */
    record Geometry(int left, int right, int plotWidth, int axisY, int labelsTop, int labelRows, int labelRowH,
            int lanesTop, int laneH, int submitDy) {}

    private PlotSvg() {}

    static Geometry geometry() {
        return new Geometry(LEFT, RIGHT, PLOT_WIDTH, AXIS_Y, LABELS_TOP, LABEL_ROWS, LABEL_ROW_H, LANES_TOP, LANE_H, SUBMIT_DY);
    }

    /** Blank time left and right of the run, in microseconds, so markers at its ends show whole. */
    static long pad(Timeline t) {
        return Math.max(1, (t.t1 - t.t0) / 100);
    }

    /** The width of the drawn time range in microseconds. */
    static long span(Timeline t) {
        return (t.t1 - t.t0) + 2 * pad(t);
    }

    /** The plot unit of {@code time}: microseconds after the left edge of the whole run. */
    static long u(Timeline t, long time) {
        return time - t.t0 + pad(t);
    }

    static int centre(int laneIndex) {
        return LANES_TOP + laneIndex * LANE_H + LANE_H / 2;
    }

    /** Screen x of plot unit {@code u} at the default width, whole run shown. */
    private static double x(Timeline t, long u) {
        return LEFT + (double) u * PLOT_WIDTH / span(t);
    }

    static void write(Timeline t, Writer out) throws IOException {
        int lanes = t.lanes.size();
        int width = LEFT + PLOT_WIDTH + RIGHT;
        int height = LANES_TOP + Math.max(1, lanes) * LANE_H + BOTTOM;
        int lanesBottom = LANES_TOP + lanes * LANE_H;
        StringBuilder s = new StringBuilder(1 << 16);
        s.append("<div id=\"wrap\"><svg id=\"tl\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"space-time diagram, one lane per node\">\n");
        s.append("<defs><clipPath id=\"clip\"><rect id=\"clip-rect\" x=\"").append(LEFT).append("\" y=\"0\" width=\"")
                .append(PLOT_WIDTH).append("\" height=\"").append(height).append("\"/></clipPath></defs>\n");
        s.append("<g id=\"lanes\">\n");
        int i = 0;
        for (Timeline.Lane lane : t.lanes.values()) {
            int top = LANES_TOP + i * LANE_H;
            s.append("<g class=\"lane\" data-node=\"").append(lane.node).append("\"><rect class=\"lane-bg")
                    .append(i % 2 == 0 ? "" : " odd").append("\" x=\"0\" y=\"").append(top).append("\" width=\"")
                    .append(width).append("\" height=\"").append(LANE_H).append("\"/><text class=\"lane-label\" x=\"")
                    .append(LEFT - 12).append("\" y=\"").append(centre(i) + 4).append("\">node ").append(lane.node)
                    .append("</text></g>\n");
            i++;
        }
        s.append("</g>\n<g id=\"axis\"></g>\n<g id=\"plot\" clip-path=\"url(#clip)\">\n");
        out.write(s.toString());

        i = 0;
        for (Timeline.Lane lane : t.lanes.values()) {
            out.write(laneGroup(t, lane, i++));
        }
        s.setLength(0);
        for (Timeline.GlobalMark g : t.globals) {
            s.append("<path class=\"pin gline ").append(g.kind()).append("\" data-t=\"").append(u(t, g.t()))
                    .append("\" data-y=\"0\" transform=\"translate(").append(number(x(t, u(t, g.t())))).append(" 0)\" d=\"M0 ")
                    .append(LABELS_TOP - 2).append('V').append(lanesBottom).append("\"/>\n");
        }
        s.append("<g id=\"hl\"></g>\n<g id=\"pins\">\n");
        for (Timeline.GlobalMark g : t.globals) {
            int boxWidth = labelWidth(g.label()) + 6;
            s.append("<g class=\"pin glabel ").append(g.kind()).append("\" data-t=\"").append(u(t, g.t()))
                    .append("\" data-y=\"").append(LABELS_TOP).append("\" data-w=\"").append(boxWidth)
                    .append("\" transform=\"translate(").append(number(x(t, u(t, g.t())))).append(' ').append(LABELS_TOP)
                    .append(")\"><rect x=\"0\" y=\"0\" width=\"").append(boxWidth).append("\" height=\"")
                    .append(LABEL_ROW_H - 1).append("\"/><text x=\"3\" y=\"11\">").append(Markup.html(g.label()))
                    .append("</text><title>").append(Markup.html(g.label() + " at " + Markup.time(g.t() - PageData.base(t))))
                    .append("</title></g>\n");
        }
        out.write(s.toString());
        i = 0;
        for (Timeline.Lane lane : t.lanes.values()) {
            out.write(lanePins(t, lane, i++));
        }
        out.write("</g>\n</g>\n</svg></div>\n");
    }

    /** A lane's baseline, bands, ticks and shaded spans (on top, so they grey what they cover). */
    private static String laneGroup(Timeline t, Timeline.Lane lane, int index) {
        int cy = centre(index);
        long base = PageData.base(t);
        StringBuilder s = new StringBuilder(4096);
        s.append("<g class=\"lane-plot\" data-node=\"").append(lane.node).append("\">");
        s.append("<line class=\"stretch baseline\" data-t=\"").append(u(t, t.t0)).append("\" data-e=\"")
                .append(u(t, t.t1)).append("\" x1=\"").append(number(x(t, u(t, t.t0)))).append("\" x2=\"")
                .append(number(x(t, u(t, t.t1)))).append("\" y1=\"").append(cy).append("\" y2=\"").append(cy).append("\"/>");
        // Regular bands first, then the thin transitional ones on top: a transitional configuration
        // often lasts no time at all, so it gets a few pixels to be seen and hovered.
        for (boolean regular : new boolean[] {true, false}) {
            for (Timeline.Band band : lane.bands) {
                if (band.regular() != regular) {
                    continue;
                }
                int half = regular ? BAND_HALF : TRANSITIONAL_HALF;
                String kind = regular ? "regular" : "transitional";
                stretch(s, t, "band " + kind, band.from(), band.to(), cy - half, 2 * half, regular ? 0 : 4);
                s.append(" data-ring=\"").append(Markup.html(band.ring())).append("\" fill=\"hsl(")
                        .append(t.hue(band.ring())).append(regular ? ",60%,82%)" : ",55%,40%)").append("\"><title>")
                        .append(Markup.html(kind + " configuration, ring " + band.ring() + "\nmembers "
                                + Timeline.join(band.members()) + "\nnode " + lane.node + ", "
                                + Markup.time(band.from() - base) + " \u2013 " + Markup.time(band.to() - base)))
                        .append("</title></rect>");
            }
        }
        for (Timeline.Band band : lane.bands) {
            s.append("<path class=\"pin cfgb").append(band.regular() ? "" : " transitional").append("\" data-t=\"")
                    .append(u(t, band.from())).append("\" data-y=\"").append(cy).append("\" transform=\"translate(")
                    .append(number(x(t, u(t, band.from())))).append(' ').append(cy).append(")\" d=\"M0 -")
                    .append(BAND_HALF + 2).append('v').append(2 * BAND_HALF + 4).append("\"/>");
        }
        ticks(s, t, index, "tr", "x", -1, lane.transitions, cy + BAND_HALF + 2, 5);
        // Agreed ticks in the upper half of the band, safe ones in the lower: both show in a dense run.
        ticks(s, t, index, "dl agreed", "d", Timeline.AGREED, lane.deliveries, cy - BAND_HALF + 3, BAND_HALF - 4);
        ticks(s, t, index, "dl safe", "d", Timeline.SAFE, lane.deliveries, cy + 1, BAND_HALF - 4);
        ticks(s, t, index, "sub agreed", "s", Timeline.AGREED, lane.submits, cy + SUBMIT_DY, 0);
        ticks(s, t, index, "sub safe", "s", Timeline.SAFE, lane.submits, cy + SUBMIT_DY, 0);
        for (Timeline.Span span : lane.spans) {
            stretch(s, t, "span " + span.kind(), span.from(), span.to(), cy - LANE_H / 2, LANE_H, 0);
            s.append("><title>").append(Markup.html("node " + lane.node + " " + spanWord(span.kind()) + " "
                            + Markup.time(span.from() - base) + " \u2013 " + Markup.time(span.to() - base)))
                    .append("</title></rect>");
        }
        s.append("</g>\n");
        return s.toString();
    }

    /**
     * Opens a {@code <rect} from {@code from} to {@code to} (trace times), at least
     * {@code minWidth} pixels wide; the caller ends the tag.
     */
    private static void stretch(StringBuilder s, Timeline t, String cssClass, long from, long to, int y, int height,
            int minWidth) {
        double x1 = x(t, u(t, from));
        double x2 = Math.max(x(t, u(t, to)), x1 + minWidth);
        s.append("<rect class=\"stretch ").append(cssClass).append("\" data-t=\"").append(u(t, from))
                .append("\" data-e=\"").append(u(t, to)).append(minWidth > 0 ? "\" data-min=\"" + minWidth : "")
                .append("\" x=\"").append(number(x1)).append("\" y=\"").append(y)
                .append("\" width=\"").append(number(x2 - x1)).append("\" height=\"").append(height).append('"');
    }

    /**
     * One path of vertical segments of {@code height} from {@code y}, at most one per half pixel,
     * for the ticks of table {@code source} ("d" deliveries, "s" submits, "x" transitions) of
     * guarantee {@code guarantee} (-1: all). The script rebuilds it from the same table.
     */
    private static void ticks(StringBuilder s, Timeline t, int lane, String cssClass, String source, int guarantee,
            List<Timeline.Tick> ticks, int y, int height) {
        StringBuilder d = new StringBuilder();
        double last = Double.NaN;
        boolean any = false;
        for (Timeline.Tick tick : ticks) {
            boolean match = switch (source) {
                case "d" -> tick.code() % 2 == guarantee;
                case "s" -> tick.code() == guarantee;
                default -> true;
            };
            if (!match) {
                continue;
            }
            any = true;
            double x = Math.round(x(t, u(t, tick.t())) * 2) / 2.0;
            if (x != last) {
                d.append('M').append(number(x)).append(' ').append(y).append('v').append(height);
                last = x;
            }
        }
        if (any) {
            s.append("<path class=\"ticks ").append(cssClass).append("\" data-lane=\"").append(lane)
                    .append("\" data-src=\"").append(source).append("\" data-g=\"").append(guarantee)
                    .append("\" data-y=\"").append(y).append("\" data-h=\"").append(height).append("\" d=\"").append(d)
                    .append("\"/>");
        }
    }

    /** A lane's markers and ring labels, placed for the default width. */
    private static String lanePins(Timeline t, Timeline.Lane lane, int index) {
        int cy = centre(index);
        long base = PageData.base(t);
        StringBuilder s = new StringBuilder(256);
        for (Timeline.Band band : lane.bands) {
            if (!band.regular()) {
                continue;
            }
            double from = x(t, u(t, band.from()));
            double to = x(t, u(t, band.to()));
            int textWidth = labelWidth(band.ring());
            boolean fits = to - from >= textWidth + 6;
            s.append("<text class=\"rl\" data-t=\"").append(u(t, band.from())).append("\" data-e=\"")
                    .append(u(t, band.to())).append("\" data-w=\"").append(textWidth).append("\" x=\"")
                    .append(number(from + 3)).append("\" y=\"").append(cy + 4).append('"')
                    .append(fits ? "" : " display=\"none\"").append('>').append(Markup.html(band.ring())).append("</text>\n");
        }
        for (Timeline.Mark mark : lane.marks) {
            int y = mark.kind().equals("token_lost") ? cy + 12 : cy;
            s.append("<g class=\"pin mark ").append(mark.kind()).append("\" data-t=\"").append(u(t, mark.t()))
                    .append("\" data-y=\"").append(y).append("\" transform=\"translate(")
                    .append(number(x(t, u(t, mark.t())))).append(' ').append(y).append(")\">")
                    .append(shape(mark.kind())).append("<title>")
                    .append(Markup.html("node " + lane.node + ": " + mark.title() + " at " + Markup.time(mark.t() - base)))
                    .append("</title></g>\n");
        }
        return s.toString();
    }

    /** The drawing of a marker around its origin. */
    static String shape(String kind) {
        switch (kind) {
            case "crash":
                return "<path class=\"m-crash\" d=\"M-5 -5L5 5M-5 5L5 -5\"/>";
            case "restart":
                return "<circle class=\"m-restart-bg\" r=\"6.5\"/><path class=\"m-restart\" d=\"M-2 -4L4 0L-2 4Z\"/>";
            case "start":
                return "<path class=\"m-start\" d=\"M0 -13V13\"/>";
            case "pause":
                return "<path class=\"m-pause\" d=\"M-3 -6V6M3 -6V6\"/>";
            case "resume":
                return "<path class=\"m-resume\" d=\"M-3 -6L5 0L-3 6Z\"/>";
            case "token_lost":
                return "<path class=\"m-token\" d=\"M0 0L4.5 7L-4.5 7Z\"/>";
            default:
                return "<circle r=\"3\"/>";
        }
    }

    private static String spanWord(String kind) {
        switch (kind) {
            case "down":
                return "down";
            case "paused":
                return "paused";
            default:
                return "not started";
        }
    }

    /** A generous estimate of the width of {@code text} in the 11px label font. */
    static int labelWidth(String text) {
        return (int) Math.ceil(text.length() * 6.6);
    }

    /** {@code value} with at most two decimals, as SVG reads it. */
    static String number(double value) {
        long hundredths = Math.round(value * 100);
        long abs = Math.abs(hundredths);
        String whole = (hundredths < 0 ? "-" : "") + abs / 100;
        long fraction = abs % 100;
        if (fraction == 0) {
            return whole;
        }
        return fraction % 10 == 0 ? whole + "." + fraction / 10 : whole + (fraction < 10 ? ".0" : ".") + fraction;
    }
}
