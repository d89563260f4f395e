package dev.totem.perf.bench;

import dev.totem.node.runtime.DeliveryStamp;
import dev.totem.protocol.api.Guarantee;
import java.util.Locale;

/**
 * One measured step of a benchmark, as the parent hands it to every node process in one line:
 * {@code phase ID SIZE WARMUP_MS MEASURE_MS RATE GUARANTEE SEND}.
 *
 * @param id the step's number, 1 to 127; it is written into each payload, so a late message of
 *     an earlier step is not counted
 * @param sizeBytes payload size, at least {@link #MIN_SIZE_BYTES}
 * @param warmupMs sending before counting starts
 * @param measureMs the counted window
 * @param ratePerSender messages per second each sender offers; 0: as fast as flow control admits
 * @param guarantee agreed or safe
 * @param send whether this node sends in this step (every node counts)
 */
public record Phase(int id, int sizeBytes, long warmupMs, long measureMs, long ratePerSender, Guarantee guarantee,
        boolean send) {
    /** A payload holds the delivery stamp and the step's id. */
    public static final int MIN_SIZE_BYTES = DeliveryStamp.STAMP_BYTES + 1;
    /** Offset of the step's id in a payload. */
    static final int ID_OFFSET = DeliveryStamp.STAMP_BYTES;

    public Phase {
        if (id < 1 || id > 127) {
            throw new IllegalArgumentException("phase id must be 1 to 127, got " + id);
        }
        if (sizeBytes < MIN_SIZE_BYTES) {
            throw new IllegalArgumentException("a benchmark message has at least " + MIN_SIZE_BYTES + " bytes, got " + sizeBytes);
        }
    }

    /** The line the parent sends. */
    public String line() {
        return String.format(Locale.ROOT, "phase %d %d %d %d %d %s %d", id, sizeBytes, warmupMs, measureMs, ratePerSender,
                guarantee.name().toLowerCase(Locale.ROOT), send ? 1 : 0);
    }

    /** Parses {@link #line()}. */
    public static Phase parse(String line) {
        String[] w = line.strip().split(" ");
        if (w.length != 8 || !w[0].equals("phase")) {
            throw new IllegalArgumentException("not a phase line: " + line);
        }
        return new Phase(Integer.parseInt(w[1]), Integer.parseInt(w[2]), Long.parseLong(w[3]), Long.parseLong(w[4]),
                Long.parseLong(w[5]), Guarantee.valueOf(w[6].toUpperCase(Locale.ROOT)), w[7].equals("1"));
    }
}
