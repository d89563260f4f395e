package dev.totem.perf.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.totem.node.runtime.ConfigLine;
import dev.totem.node.runtime.DeliveryStamp;
import dev.totem.node.runtime.NodeListener;
import dev.totem.node.runtime.RuntimeSettings;
import dev.totem.node.runtime.TotemNode;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.SubmitStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One node process of {@code ./totem bench}: runs a {@link TotemNode} and, for each {@link Phase}
 * line the parent writes on stdin, sends (if asked) and counts, then prints one
 * {@link PhaseResult} line. It also prints {@code CONFIG <kind> <ring> <members>} at each
 * configuration change, so the parent knows when the ring formed.
 *
 * <p>Counting runs on the node's event loop (the listener): a delivery of the current phase
 * inside the counted window is counted and its latency, from the stamp the sender wrote just
 * before submitting, goes into an HdrHistogram {@link Recorder}.
 */
public final class BenchNode {
    /** A sender's first wait after flow control refused a submit; it doubles while refused. */
    static final long MIN_BACKOFF_NANOS = 20_000;
    /** A sender's longest wait after a refused submit. */
    static final long MAX_BACKOFF_NANOS = 1_000_000;
    /** Latencies above this (microseconds) are clamped: a minute. */
    static final long HIGHEST_LATENCY_MICROS = 60_000_000L;

    private final TotemNode node;
    private final int nodeId;
    private final PrintStream out;
    private final Recorder latencies = new Recorder(HIGHEST_LATENCY_MICROS, 3);
    // Written by the parent-command thread before a phase starts, read on the event loop.
    private volatile int phaseId;
    private volatile int phaseSize;
    private volatile long windowStartNanos = Long.MAX_VALUE;
    private volatile long windowEndNanos = Long.MIN_VALUE;
    /** How long a sender waits after a phase for its own messages to come back. */
    static final long DRAIN_TIMEOUT_MS = 60_000;

    // Written on the event loop only; volatile so the command thread reads them after the window.
    private volatile long delivered;
    /** This node's own messages of the current phase delivered back to it, in or out of the window. */
    private volatile long ownDelivered;

    public BenchNode(RuntimeSettings settings, PrintStream out) {
        this.node = new TotemNode(settings);
        this.nodeId = settings.nodeId();
        this.out = out;
        node.addListener(new Counter());
    }

    /** Runs until stdin closes or says {@code quit}. */
    public void run() throws IOException, InterruptedException {
        node.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.strip().equals("quit"); line = in.readLine()) {
            if (line.startsWith("phase ")) {
                say(runPhase(Phase.parse(line)).line());
            } else if (!line.isBlank()) {
                say("ERROR unknown command: " + line.strip());
            }
        }
        node.leave().orTimeout(3, TimeUnit.SECONDS).exceptionally(e -> null).join();
        node.close();
    }

    private PhaseResult runPhase(Phase p) throws InterruptedException {
        long start = System.nanoTime();
        phaseSize = p.sizeBytes();
        phaseId = p.id();
        delivered = 0;
        ownDelivered = 0;
        windowStartNanos = start + TimeUnit.MILLISECONDS.toNanos(p.warmupMs());
        windowEndNanos = windowStartNanos + TimeUnit.MILLISECONDS.toNanos(p.measureMs());
        latencies.reset();
        long[] counts = new long[2];
        Thread sender = new Thread(() -> send(p, counts), "bench-sender");
        if (p.send()) {
            sender.start();
        }
        sleepUntil(windowStartNanos);
        Map<String, Long> before = node.status().counters();
        long cpuStart = cpuNanos();
        latencies.reset();
        sleepUntil(windowEndNanos);
        long cpu = cpuNanos() - cpuStart;
        Map<String, Long> after = node.status().counters();
        // The node's counters over the window, in its log: token rotations and retransmissions
        // explain a rate that the CPU figure does not.
        StringBuilder diag = new StringBuilder("phase " + p.id() + " counters in window:");
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d != 0) {
                diag.append(' ').append(e.getKey()).append('=').append(d);
            }
        }
        System.err.println(diag);
        long count = delivered; // volatile read after the window closed: every counted delivery is in
        Histogram h = latencies.getIntervalHistogram();
        if (p.send()) {
            sender.join();
            // Wait for the queues to drain (every accepted message delivered back here), so the
            // next phase starts on an empty ring rather than behind this one's backlog.
            long drainEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
            while (ownDelivered < counts[0] && System.nanoTime() < drainEnd) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }
        return new PhaseResult(p.id(), count, p.measureMs() / 1000.0, cpu / 1e9, counts[0], counts[1], h);
    }

    /** Sends until the window closes: paced at the phase's rate, or as fast as flow control admits. */
    private void send(Phase p, long[] counts) {
        byte[] payload = new byte[p.sizeBytes()]; // reused: submit copies it
        payload[Phase.ID_OFFSET] = (byte) p.id();
        long periodNanos = p.ratePerSender() > 0 ? TimeUnit.SECONDS.toNanos(1) / p.ratePerSender() : 0;
        long next = System.nanoTime();
        long backoffNanos = 0;
        while (System.nanoTime() < windowEndNanos) {
            if (periodNanos > 0 && backoffNanos == 0) {
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            DeliveryStamp.stampInPlace(payload);
            SubmitStatus s = node.submit(payload, p.guarantee());
            if (s == SubmitStatus.ACCEPTED) {
                counts[0]++;
                backoffNanos = 0;
            } else {
                counts[1]++;
                // Flow control pushed back: wait a little longer each time, up to a millisecond.
                backoffNanos = Math.min(MAX_BACKOFF_NANOS, Math.max(MIN_BACKOFF_NANOS, backoffNanos * 2));
                LockSupport.parkNanos(backoffNanos);
            }
        }
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left); // the phase's length in real time: pacing
        }
    }

    private static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** Counts the current phase's deliveries in its window, on the node's event loop. */
    private final class Counter implements NodeListener {
        @Override
        public void onDeliver(Effect.Deliver d) {
            byte[] p = d.payload();
            if (p.length != phaseSize || p.length < Phase.MIN_SIZE_BYTES || p[Phase.ID_OFFSET] != phaseId) {
                return;
            }
            if (d.sender() == nodeId) {
                ownDelivered++;
            }
            long now = System.nanoTime();
            if (now < windowStartNanos || now >= windowEndNanos) {
                return;
            }
            delivered++;
            long age = DeliveryStamp.ageMicros(p, DeliveryStamp.nowMicros());
            if (age >= 0) {
                latencies.recordValue(Math.min(age, HIGHEST_LATENCY_MICROS));
            }
        }

        @Override
        public void onConfigurationChange(Effect.ConfigurationChange c) {
            say(ConfigLine.of(c));
        }
    }
}
