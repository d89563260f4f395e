package dev.totem.perf.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.totem.node.runtime.DeliveryStamp;
import dev.totem.node.runtime.NodeStatus;
import dev.totem.node.runtime.RuntimeSettings;
import dev.totem.protocol.api.SubmitStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One worker process of {@code ./totem bench}: for each {@link Phase} line the parent writes on
 * stdin it sends (if asked) and counts, then prints one {@link PhaseResult} line. It sends
 * through a {@link BenchPort}: a node in its own JVM ({@code --mode embedded}, which also prints
 * {@code CONFIG <kind> <ring> <members>} lines so the parent knows when the ring formed), or a
 * node daemon's CPG socket ({@code --mode ipc}: it prints {@code READY} once every node's worker
 * is in the group).
 *
 * <p>Counting runs on the thread that delivers (the node's event loop, or the CPG client's
 * dispatcher): a delivery of the current phase inside the counted window is counted and its
 * latency, from the stamp the sender wrote just before submitting, goes into an HdrHistogram
 * {@link Recorder}.
 */
public final class BenchNode {
    /** A sender's first wait after flow control refused a submit; it doubles while refused. */
    static final long MIN_BACKOFF_NANOS = 20_000;
    /** A sender's longest wait after a refused submit. */
    static final long MAX_BACKOFF_NANOS = 1_000_000;
    /**
     * A paced sender parks only when it is this far ahead of its schedule, and sends the
     * messages due until then at once: a park per message (every 15 us at half of 400k msgs/s over
     * three senders) cost each sender a quarter of a core in timer syscalls, taken from the nodes.
     */
    static final long PACE_SLACK_NANOS = 1_000_000;
    /** Latencies above this (microseconds) are clamped: a minute. */
    static final long HIGHEST_LATENCY_MICROS = 60_000_000L;
    /**
     * One message in this many carries a send-time stamp, and latency is taken from those: the
     * bench reads the wall clock for them only. Reading it for every message cost an IPC client
     * a sixth of its CPU at 64 B (perf record), which the stack under test then lacked.
     */
    static final int STAMP_EVERY = 8;
    /** A slot of the timeline with a latency this long (microseconds) is named in the node's log: 5 ms, the p99 bound. */
    static final long LATE_MICROS = 5_000;
    /** How long a sender waits after a phase for its own messages to come back. */
    static final long DRAIN_TIMEOUT_MS = 60_000;
    /** How often {@link #warmUp} reads the node's counters. */
    private static final long WARM_UP_READ_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int nodeId;
    private final PrintStream out;
    /**
     * Latencies, by {@link #inWindow}: [0] before and after the window (thrown away), [1] in it.
     * Indexed rather than branched on, so that warm-up runs the very code the window runs: a branch
     * that warm-up never takes is compiled as a trap and recompiled inside the window (the JIT's
     * log showed the delivery path made not entrant as the window opened).
     */
    private final Recorder[] latencies = {new Recorder(HIGHEST_LATENCY_MICROS, 3), new Recorder(HIGHEST_LATENCY_MICROS, 3)};
    /** When in the window the stamped messages came and how late, indexed as {@link #latencies}. */
    private final LatencyTimeline[] timelines = {new LatencyTimeline(), new LatencyTimeline()};
    // Written by the parent-command thread before a phase starts, read by the delivering thread.
    private volatile int phaseId;
    private volatile int phaseSize;
    private volatile long windowEndNanos = Long.MIN_VALUE;
    /** 1 while the phase's window is open (deliveries count), else 0. Set by the command thread, which sleeps until its bounds. */
    private volatile int inWindow;

    // Written by the delivering thread only; volatile so the command thread reads them after the window.
    private volatile long delivered;
    /** This node's own messages of the current phase delivered back to it, in or out of the window. */
    private volatile long ownDelivered;

    private BenchNode(int nodeId, PrintStream out) {
        this.nodeId = nodeId;
        this.out = out;
    }

    /**
     * Runs a node in this JVM and the phases on its raw submit, or, when its settings run CPG,
     * through an embedded CPG handle in a group of one process per node; until stdin closes or
     * says {@code quit}.
     */
    public static void runEmbedded(RuntimeSettings settings, PrintStream out) throws IOException, InterruptedException {
        BenchNode bench = new BenchNode(settings.nodeId(), out);
        try (EmbeddedPort node = new EmbeddedPort(settings, bench)) {
            if (settings.cpg().isEmpty()) {
                bench.run(node);
                return;
            }
            try (CpgPort port = CpgPort.embedded(node.node(), settings.otherPeers().size() + 1, bench)) {
                bench.run(port);
            }
        }
    }

    /**
     * Connects to node {@code nodeId}'s CPG socket (its counters come from {@code adminSocket}), waits until {@code members} workers are in the
     * bench group, says {@code READY}, then runs the phases through the socket.
     */
    public static void runOverIpc(Path socket, Path adminSocket, int nodeId, int members, PrintStream out)
            throws IOException, InterruptedException {
        BenchNode bench = new BenchNode(nodeId, out);
        try (CpgPort port = CpgPort.overIpc(socket, adminSocket, members, bench)) {
            bench.say(READY);
            bench.run(port);
        }
    }

    /** What an IPC worker prints once it and every other worker are in the group. */
    public static final String READY = "READY";

    int nodeId() {
        return nodeId;
    }

    private void run(BenchPort port) throws IOException, InterruptedException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.strip().equals("quit"); line = in.readLine()) {
            if (line.startsWith("phase ")) {
                say(runPhase(port, Phase.parse(line)).line());
            } else if (!line.isBlank()) {
                say("ERROR unknown command: " + line.strip());
            }
        }
    }

    private PhaseResult runPhase(BenchPort port, Phase p) throws InterruptedException {
        long start = System.nanoTime();
        phaseSize = p.sizeBytes();
        phaseId = p.id();
        delivered = 0;
        ownDelivered = 0;
        long windowStartNanos = start + TimeUnit.MILLISECONDS.toNanos(p.warmupMs());
        windowEndNanos = windowStartNanos + TimeUnit.MILLISECONDS.toNanos(p.measureMs());
        long[] counts = new long[2];
        Thread sender = new Thread(() -> send(port, p, counts), "bench-sender");
        if (p.send()) {
            sender.start();
        }
        warmUp(port, windowStartNanos);
        Map<String, Long> before = port.counters();
        long cpuStart = cpuNanos();
        latencies[1].reset();
        timelines[1].reset(DeliveryStamp.nowMicros(), TimeUnit.MILLISECONDS.toMicros(p.measureMs()));
        inWindow = 1;
        sleepUntil(windowEndNanos);
        inWindow = 0;
        long cpu = cpuNanos() - cpuStart;
        Map<String, Long> after = port.counters();
        // The node's counters over the window, in its log: token rotations and retransmissions
        // explain a rate that the CPU figure does not. Gauges are levels: their value at the end.
        StringBuilder diag = new StringBuilder("phase " + p.id() + " counters in window:");
        for (Map.Entry<String, Long> e : after.entrySet()) {
            boolean gauge = NodeStatus.isGauge(e.getKey());
            long d = gauge ? e.getValue() : e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d != 0) {
                diag.append(' ').append(e.getKey()).append(gauge ? "@end=" : "=").append(d);
            }
        }
        System.err.println(diag);
        System.err.println("phase " + p.id() + " " + timelines[1].describe(LATE_MICROS));
        long count = delivered; // volatile read after the window closed: every counted delivery is in
        Histogram h = latencies[1].getIntervalHistogram();
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
    private void send(BenchPort port, Phase p, long[] counts) {
        byte[] payload = new byte[p.sizeBytes()]; // reused: submit copies it
        payload[Phase.ID_OFFSET] = (byte) p.id();
        long periodNanos = p.ratePerSender() > 0 ? TimeUnit.SECONDS.toNanos(1) / p.ratePerSender() : 0;
        long next = System.nanoTime();
        long backoffNanos = 0;
        long attempts = 0;
        long clockNanos = next; // the last reading, against the window's end
        while (clockNanos < windowEndNanos) {
            if (periodNanos > 0 && backoffNanos == 0) {
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait >= PACE_SLACK_NANOS) {
                    LockSupport.parkNanos(wait);
                }
            }
            if (attempts++ % STAMP_EVERY == 0) {
                DeliveryStamp.stampInPlace(payload);
            } else {
                DeliveryStamp.clearInPlace(payload);
            }
            SubmitStatus s = port.send(payload, p.guarantee());
            if (s == SubmitStatus.ACCEPTED) {
                counts[0]++;
                backoffNanos = 0;
            } else {
                counts[1]++;
                // Flow control pushed back: wait a little longer each time, up to a millisecond.
                backoffNanos = Math.min(MAX_BACKOFF_NANOS, Math.max(MIN_BACKOFF_NANOS, backoffNanos * 2));
                LockSupport.parkNanos(backoffNanos);
            }
            // Flooding, the clock is read as often as a stamp is written; paced or held back, each time.
            if (periodNanos > 0 || backoffNanos > 0 || attempts % STAMP_EVERY == 0) {
                clockNanos = System.nanoTime();
            }
        }
    }

    /**
     * Waits for the window, reading the node's counters every second as the window will. Over IPC
     * a read is an admin connection, whose netty handlers are new to the node's hot code: read
     * only at the window's start, it deoptimized that code there, and C2 took 40 % of the host
     * in the window recompiling it (64 B: 500k msgs/s, 680k with one read at the phase start).
     */
    private static void warmUp(BenchPort port, long windowStartNanos) throws InterruptedException {
        long left;
        while ((left = windowStartNanos - System.nanoTime()) > 0) {
            port.counters();
            sleepUntil(System.nanoTime() + Math.min(left, WARM_UP_READ_PERIOD_NANOS));
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

    void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /**
     * A delivery, on the delivering thread, seen through a view (only its header is read):
     * counted when it belongs to the current phase's window.
     */
    void delivered(ByteBuffer view, boolean own) {
        if (view.remaining() == phaseSize && view.remaining() >= Phase.MIN_SIZE_BYTES) {
            count(view, own);
        }
    }

    /** A delivery of the phase's size, by its header (stamp and phase id). */
    private void count(ByteBuffer p, boolean own) {
        if (p.get(p.position() + Phase.ID_OFFSET) != phaseId) {
            return;
        }
        if (own) {
            ownDelivered++;
        }
        int w = inWindow;
        delivered += w; // the delivering thread is the only writer
        if (DeliveryStamp.isStamped(p)) {
            long now = DeliveryStamp.nowMicros();
            long age = DeliveryStamp.ageMicros(p, now);
            if (age >= 0) {
                latencies[w].recordValue(Math.min(age, HIGHEST_LATENCY_MICROS));
                timelines[w].record(now, age);
            }
        }
    }
}
