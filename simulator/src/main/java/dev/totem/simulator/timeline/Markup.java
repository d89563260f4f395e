package dev.totem.simulator.timeline;

/**
 * Escaping, number and colour spelling for the timeline page. Everything written is ASCII:
 * other characters become HTML character references or JSON {@code \\u} escapes, so the page
 * reads the same whatever charset the caller's {@link java.io.Writer} uses.
 */
final class Markup {
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
    private static final long MICROS_PER_MILLI = 1_000;
    private static final long MICROS_PER_SECOND = 1_000_000;

    private Markup() {}

    /** {@code text} escaped for HTML text and double- or single-quoted attribute values. */
    static String html(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\n' -> out.append("&#10;");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        out.append(c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append("&#x").append(Integer.toHexString(text.codePointAt(i))).append(';');
                        i++;
                    } else if (c >= 0xa0 && !Character.isSurrogate(c)) {
                        out.append("&#x").append(Integer.toHexString(c)).append(';');
                    } else {
                        out.append("&#xfffd;"); // control or lone surrogate: not allowed in HTML text
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * Appends {@code text} as a JSON string that is safe inside a {@code <script>} element: no
     * {@code <}, {@code >} or {@code &}, and nothing outside ASCII.
     */
    static void json(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f && c != '<' && c != '>' && c != '&') {
                out.append(c);
            } else {
                out.append("\\u").append(HEX_DIGITS[c >> 12]).append(HEX_DIGITS[(c >> 8) & 0xf])
                        .append(HEX_DIGITS[(c >> 4) & 0xf]).append(HEX_DIGITS[c & 0xf]);
            }
        }
        out.append('"');
    }

    /** A time in microseconds as people read it: "750 µs", "12.345 ms", "3.2 s". */
    static String time(long micros) {
        long abs = Math.abs(micros);
        String sign = micros < 0 ? "-" : "";
        if (abs < MICROS_PER_MILLI) {
            return sign + abs + " \u00b5s";
        }
        if (abs < MICROS_PER_SECOND) {
            return sign + decimals(abs, MICROS_PER_MILLI, 3, 3) + " ms";
        }
        return sign + decimals(abs, MICROS_PER_SECOND, 6, 3) + " s";
    }

    /** {@code value / unit} with {@code digits} decimals, trailing zeros dropped down to {@code keep}. */
    private static String decimals(long value, long unit, int digits, int keep) {
        StringBuilder fraction = new StringBuilder(Long.toString(value % unit));
        while (fraction.length() < digits) {
            fraction.insert(0, '0');
        }
        while (fraction.length() > keep && fraction.charAt(fraction.length() - 1) == '0') {
            fraction.setLength(fraction.length() - 1);
        }
        return (value / unit) + "." + fraction;
    }

    /**
     * The hue (0 to 359) of the {@code index}-th ring of a run (in order of first configuration):
     * consecutive rings are a golden angle apart, so a ring and the next one never look alike.
     */
    static int hue(int index) {
        return (int) ((200 + index * 137_508L / 1000) % 360);
    }
}
