package dev.totem.perf.bench;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What one node measured in one {@link Phase}, as it reports it in one line:
 * {@code RESULT ID DELIVERED SECONDS CPU_SECONDS SUBMITTED REFUSED HISTOGRAM}, the histogram of
 * delivery latencies (microseconds) compressed and in base64.
 *
 * @param id the phase
 * @param delivered messages of the phase delivered in the counted window
 * @param seconds length of the counted window
 * @param cpuSeconds CPU time the whole process used in the window
 * @param submitted messages the node's engine accepted during the phase (senders only)
 * @param refused submits answered TRY_AGAIN (flow control pushing back)
 * @param latencyMicros delivery latencies in the window, from the send stamp
 */
public record PhaseResult(int id, long delivered, double seconds, double cpuSeconds, long submitted, long refused,
        Histogram latencyMicros) {

    /** Delivered messages per second. */
    public double msgsPerSecond() {
        return delivered / seconds;
    }

    /** The line a node process prints. */
    public String line() {
        ByteBuffer buf = ByteBuffer.allocate(latencyMicros.getNeededByteBufferCapacity());
        int n = latencyMicros.encodeIntoCompressedByteBuffer(buf);
        byte[] bytes = new byte[n];
        buf.flip();
        buf.get(bytes);
        return String.format(Locale.ROOT, "RESULT %d %d %.6f %.6f %d %d %s", id, delivered, seconds, cpuSeconds, submitted,
                refused, Base64.getEncoder().encodeToString(bytes));
    }

    /** Parses {@link #line()}. */
    public static PhaseResult parse(String line) {
        String[] w = line.strip().split(" ");
        if (w.length != 8 || !w[0].equals("RESULT")) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        Histogram h;
        try {
            h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(w[7])), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("bad histogram in result line", e);
        }
        return new PhaseResult(Integer.parseInt(w[1]), Long.parseLong(w[2]), Double.parseDouble(w[3]),
                Double.parseDouble(w[4]), Long.parseLong(w[5]), Long.parseLong(w[6]), h);
    }
}
