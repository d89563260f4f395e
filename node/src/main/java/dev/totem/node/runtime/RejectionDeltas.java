package dev.totem.node.runtime;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a counter of rejected frames by reason grew by since the last read, for a node's log line
 * once a second: a node of another build or key, or garbled frames, should be named in the log,
 * not only counted. Event loop thread only.
 *
 * @param <R> the reasons
 */
final class RejectionDeltas<R extends Enum<R>> {
    private final Class<R> reasons;
    private Map<R, Long> last;

    RejectionDeltas(Class<R> reasons) {
        this.reasons = reasons;
        this.last = new EnumMap<>(reasons);
    }

    /**
     * What grew since the last read.
     *
     * @param total frames rejected since then
     * @param byReason each reason that grew, lower case, with its count: {@code "bad_tag 2, replay 1"}
     */
    record Grown(long total, String byReason) { }

    /**
     * Reads the counters ({@code now} is copied, so a live view will do).
     *
     * @return what grew since the last read, or null when nothing did
     */
    Grown since(Map<R, Long> now) {
        StringBuilder b = new StringBuilder();
        long total = 0;
        for (R r : reasons.getEnumConstants()) {
            long d = now.getOrDefault(r, 0L) - last.getOrDefault(r, 0L);
            if (d > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(r.name().toLowerCase(Locale.ROOT)).append(' ').append(d);
                total += d;
            }
        }
        last = new EnumMap<>(reasons);
        last.putAll(now);
        return total == 0 ? null : new Grown(total, b.toString());
    }
}
