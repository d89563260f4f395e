package dev.totem.simulator.timeline;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The JSON the page's script reads: layout, the message, ring and text tables, and per lane the
 * times (plot units, delta-coded) of its deliveries, submits and transitions with what each one
 * refers to. The script finds the tick under the pointer there instead of in the SVG.
 */
final class PageData {
    /** Traces whose first event is later than this (real clocks) are shown from their first event. */
    private static final long ABSOLUTE_UP_TO_MICROS = 3_600_000_000L;

    private PageData() {}

    /** What is subtracted from trace times to show them: 0 for simulated runs, else the first event's time. */
    static long base(Timeline t) {
        return t.t0 >= 0 && t.t0 <= ABSOLUTE_UP_TO_MICROS ? 0 : t.t0;
    }

    static String json(Timeline t, PlotSvg.Geometry g) {
        StringBuilder s = new StringBuilder(1 << 16);
        s.append("{\"left\":").append(g.left()).append(",\"right\":").append(g.right())
                .append(",\"plotWidth\":").append(g.plotWidth()).append(",\"axisY\":").append(g.axisY())
                .append(",\"labelsTop\":").append(g.labelsTop()).append(",\"labelRows\":").append(g.labelRows())
                .append(",\"labelRowH\":").append(g.labelRowH()).append(",\"lanesTop\":").append(g.lanesTop())
                .append(",\"laneH\":").append(g.laneH()).append(",\"submitDy\":").append(g.submitDy());
        // Shown time of plot x u: u + origin.
        s.append(",\"span\":").append(PlotSvg.span(t)).append(",\"origin\":")
                .append(t.t0 - PlotSvg.pad(t) - base(t));
        s.append(",\"nodes\":[");
        boolean first = true;
        for (int node : t.lanes.keySet()) {
            s.append(first ? "" : ",").append(node);
            first = false;
        }
        s.append("],\"rings\":");
        strings(s, t.rings);
        s.append(",\"texts\":");
        strings(s, t.texts);
        s.append(",\"msgs\":{\"id\":");
        strings(s, t.messages.stream().map(m -> m.id).toList());
        s.append(",\"sender\":");
        numbers(s, t.messages, m -> m.sender);
        s.append(",\"g\":");
        numbers(s, t.messages, m -> Math.max(0, m.guarantee));
        s.append(",\"subNode\":");
        numbers(s, t.messages, m -> m.submitNode);
        s.append(",\"subT\":");
        numbers(s, t.messages, m -> m.submitNode == 0 ? -1 : PlotSvg.u(t, m.submitT));
        s.append("},\"lanes\":[");
        first = true;
        for (Timeline.Lane lane : t.lanes.values()) {
            s.append(first ? "" : ",").append("\n{");
            first = false;
            table(s, t, lane.deliveries, "d", "dm", "dc");
            s.append(',');
            table(s, t, lane.submits, "s", "sm", "sc");
            s.append(',');
            table(s, t, lane.transitions, "x", "xs", null);
            s.append('}');
        }
        s.append("]}");
        return s.toString();
    }

    /**
     * Ticks as parallel arrays: their times ({@code timesName}, delta-coded plot units), what they
     * refer to ({@code refsName}) and, unless {@code codesName} is null, their codes.
     */
    private static void table(StringBuilder s, Timeline t, List<Timeline.Tick> ticks, String timesName,
            String refsName, String codesName) {
        s.append('"').append(timesName).append("\":");
        deltas(s, t, ticks);
        s.append(",\"").append(refsName).append("\":");
        numbers(s, ticks, Timeline.Tick::ref);
        if (codesName != null) {
            s.append(",\"").append(codesName).append("\":");
            numbers(s, ticks, Timeline.Tick::code);
        }
    }

    private static void strings(StringBuilder s, List<String> values) {
        s.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                s.append(',');
            }
            Markup.json(s, values.get(i));
        }
        s.append(']');
    }

    private static <T> void numbers(StringBuilder s, List<T> values, ToLongFunction<T> field) {
        s.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(field.applyAsLong(values.get(i)));
        }
        s.append(']');
    }

    /** Plot x of each tick, the first one whole and each next one as the difference to the one before. */
    private static void deltas(StringBuilder s, Timeline t, List<Timeline.Tick> ticks) {
        s.append('[');
        long last = 0;
        for (int i = 0; i < ticks.size(); i++) {
            long x = PlotSvg.u(t, ticks.get(i).t());
            if (i > 0) {
                s.append(',');
            }
            s.append(x - last);
            last = x;
        }
        s.append(']');
    }
}
