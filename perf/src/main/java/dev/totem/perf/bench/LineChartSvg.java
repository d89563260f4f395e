package dev.totem.perf.bench;

import java.util.List;
import java.util.Locale;

/**
 * A small self-contained SVG line chart: one or more series of (x, y) points, linear or
 * logarithmic x axis, linear y axis from 0. Enough for the benchmark's two figures; no script,
 * no external styles.
 */
final class LineChartSvg {
    private static final int W = 640;
    private static final int H = 400;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    /** One line of the chart. */
    record Series(String name, List<double[]> points) {}

    private LineChartSvg() {}

    /** The chart as an SVG document. */
    static String render(String title, String xLabel, String yLabel, boolean logX, List<Series> series) {
        double xMin = Double.MAX_VALUE;
        double xMax = -Double.MAX_VALUE;
        double yMax = 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        if (xMin == Double.MAX_VALUE) {
            xMin = 0;
            xMax = 1;
        }
        if (xMax == xMin) {
            xMax = xMin + 1;
        }
        yMax = yMax <= 0 ? 1 : yMax * 1.1;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n", LEFT, escape(title)));
        int x0 = LEFT;
        int x1 = W - RIGHT;
        int y0 = H - BOTTOM;
        int y1 = TOP;
        b.append(String.format(Locale.ROOT, "<path d=\"M%d %d V%d H%d\" stroke=\"#000\" fill=\"none\"/>%n", x0, y1, y0, x1));
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = y0 - (y0 - y1) * (double) i / 4;
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", x0 - 6, y + 4, number(v)));
            b.append(String.format(Locale.ROOT, "<path d=\"M%d %.1f H%d\" stroke=\"#ddd\"/>%n", x0 + 1, y, x1));
        }
        for (Series s : series) {
            for (double[] p : s.points()) {
                double x = scaleX(p[0], xMin, xMax, logX, x0, x1);
                b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, y0 + 16,
                        number(p[0])));
            }
            break; // x tick labels from the first series' points
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", (x0 + x1) / 2, H - 10,
                escape(xLabel)));
        b.append(String.format(Locale.ROOT, "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                (y0 + y1) / 2, escape(yLabel)));
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder d = new StringBuilder();
            for (double[] p : s.points()) {
                double x = scaleX(p[0], xMin, xMax, logX, x0, x1);
                double y = y0 - (y0 - y1) * p[1] / yMax;
                d.append(d.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, colour));
            }
            b.append(String.format(Locale.ROOT, "<path d=\"%s\" stroke=\"%s\" stroke-width=\"2\" fill=\"none\"/>%n", d, colour));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", x1 - 180, TOP + 14 + 16 * i,
                    colour, escape(s.name())));
        }
        return b.append("</svg>\n").toString();
    }

    private static double scaleX(double v, double min, double max, boolean log, int x0, int x1) {
        double f = log ? (Math.log(v) - Math.log(min)) / (Math.log(max) - Math.log(min)) : (v - min) / (max - min);
        return x0 + 10 + (x1 - x0 - 20) * f;
    }

    private static String number(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
