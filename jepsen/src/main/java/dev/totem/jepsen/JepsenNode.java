package dev.totem.jepsen;

import dev.totem.membership.TotemProcessor.PlantedBug;
import dev.totem.node.runtime.ConfigLine;
import dev.totem.node.runtime.NodeListener;
import dev.totem.node.runtime.RuntimeSettings;
import dev.totem.node.runtime.TotemNode;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.simulator.trace.TraceSink;
import dev.totem.simulator.trace.TraceWriter;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node process of a Jepsen run: runs a {@link TotemNode}, multicasts agreed and safe messages
 * at a steady rate, and records what it does and sees in the trace format of the simulator
 * (submit, deliver, config, token_lost, transition), times taken from the run's {@link RunClock}.
 *
 * <p>The trace file is always a prefix of what happened: a submit line is written to the OS
 * before the message is offered (so a message delivered anywhere was recorded as submitted),
 * and the node retries the same message until the engine accepts it, so submit order is
 * sending order. A SIGKILL therefore leaves a history that looks like a crash at its last line.
 *
 * <p>The parent speaks on stdin, one word a line: {@code stop} ends the workload, {@code fin}
 * multicasts this process's final marker, {@code freeze} flushes and closes the trace (nothing
 * is recorded after it) and answers {@code FROZEN}. On stdout the process reports {@code CONFIG
 * <kind> <ring> <members>}, {@code FIN <sender>} for each final marker delivered, and {@code
 * PROGRESS submitted=S delivered=D} once a second.
 */
public final class JepsenNode {
    /** Id prefix of final markers: {@code fin-<node>.<incarnation>}. */
    static final String FIN_PREFIX = "fin-";

    /**
     * What one node process needs.
     *
     * @param settings the node's settings (from the run's configuration file)
     * @param incarnation this process's number among the node's processes, 0 for the first
     * @param epochMicros the run's epoch (see {@link RunClock})
     * @param trace the file this process records into (created; one per process)
     * @param ratePerSecond messages submitted per second
     * @param safeRatio share of them sent with safe delivery
     * @param seed seeds the choice of guarantees
     * @param plantedBug a deliberate bug, to show the checker catches it; NONE normally
     */
    public record Options(RuntimeSettings settings, int incarnation, long epochMicros, Path trace, int ratePerSecond,
            double safeRatio, long seed, PlantedBug plantedBug) {}

    private final Options options;
    private final int nodeId;
    private final RunClock clock;
    private final PrintStream out;
    private final AtomicBoolean submitting = new AtomicBoolean(true);
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Object traceLock = new Object();
    private BufferedWriter file;
    private TraceWriter trace;

    public JepsenNode(Options options, PrintStream out) {
        this.options = options;
        this.nodeId = options.settings().nodeId();
        this.clock = new RunClock(options.epochMicros());
        this.out = out;
    }

    /** Runs until stdin closes or says {@code freeze}, then leaves the node running until killed. */
    public void run() throws IOException, InterruptedException {
        file = Files.newBufferedWriter(options.trace(), StandardCharsets.UTF_8);
        trace = new TraceWriter(TraceSink.writer(file));
        TotemNode node = new TotemNode(options.settings().withPlantedBug(options.plantedBug()));
        node.addListener(new Recorder());
        node.start();
        Thread workload = new Thread(() -> workload(node), "jepsen-workload");
        workload.setDaemon(true);
        workload.start();
        Thread progress = new Thread(this::progress, "jepsen-progress");
        progress.setDaemon(true);
        progress.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            switch (line.strip()) {
                case "stop" -> submitting.set(false);
                case "fin" -> {
                    // After the workload's last message, so submit order stays sending order.
                    submitting.set(false);
                    workload.join();
                    submitUntilAccepted(node, FIN_PREFIX + nodeId + "." + options.incarnation(), Guarantee.AGREED);
                }
                case "freeze" -> {
                    freeze();
                    say("FROZEN");
                }
                default -> say("ERROR unknown command '" + line.strip() + "'");
            }
        }
        freeze();
        node.close();
    }

    private void workload(TotemNode node) {
        SplittableRandom random = new SplittableRandom(options.seed() * 31 + nodeId * 1_000_003L + options.incarnation());
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, options.ratePerSecond());
        long next = System.nanoTime();
        long k = 0;
        while (submitting.get()) {
            String id = "n" + nodeId + "." + options.incarnation() + "-" + k++;
            Guarantee g = random.nextDouble() < options.safeRatio() ? Guarantee.SAFE : Guarantee.AGREED;
            if (!submitUntilAccepted(node, id, g)) {
                return;
            }
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleepNanos(wait); // pacing the workload, not synchronising anything
            } else {
                next = System.nanoTime();
            }
        }
    }

    /** Records {@code id} as submitted, then offers it until the engine accepts it; false once frozen. */
    private boolean submitUntilAccepted(TotemNode node, String id, Guarantee g) {
        synchronized (traceLock) {
            if (trace == null) {
                return false;
            }
            trace.submit(clock.nowNanos(), nodeId, id, g);
            flushLocked();
        }
        byte[] payload = id.getBytes(StandardCharsets.UTF_8);
        while (true) {
            SubmitStatus status = node.submit(payload, g);
            if (status == SubmitStatus.ACCEPTED) {
                submitted.incrementAndGet();
                return true;
            }
            if (status == SubmitStatus.TOO_LARGE) {
                throw new IllegalStateException("a " + payload.length + "-byte message is too large");
            }
            sleepNanos(TimeUnit.MILLISECONDS.toNanos(5)); // the ring is full or forming: try again soon
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
    }

    private void progress() {
        while (true) {
            sleepNanos(TimeUnit.SECONDS.toNanos(1));
            synchronized (traceLock) {
                flushLocked();
            }
            say("PROGRESS submitted=" + submitted.get() + " delivered=" + delivered.get());
        }
    }

    private void freeze() throws IOException {
        synchronized (traceLock) {
            if (trace != null) {
                trace = null;
                file.close();
            }
        }
        submitting.set(false);
    }

    private void flushLocked() {
        if (trace == null) {
            return;
        }
        try {
            file.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the trace " + options.trace() + " failed", e);
        }
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what the node's application sees into the trace, on the node's event loop. */
    private final class Recorder implements NodeListener {
        @Override
        public void onDeliver(Effect.Deliver d) {
            String id = new String(d.payload(), StandardCharsets.UTF_8);
            synchronized (traceLock) {
                if (trace != null) {
                    trace.deliver(clock.nowNanos(), nodeId, id, d.sender(), d.guarantee(), d.ring());
                }
            }
            delivered.incrementAndGet();
            if (id.startsWith(FIN_PREFIX)) {
                say("FIN " + d.sender());
            }
        }

        @Override
        public void onConfigurationChange(Effect.ConfigurationChange c) {
            synchronized (traceLock) {
                if (trace != null) {
                    trace.config(clock.nowNanos(), nodeId, c.kind(), c.ring(), c.members());
                }
            }
            say(ConfigLine.of(c));
        }

        @Override
        public void onTokenLost(Effect.TokenLost lost) {
            synchronized (traceLock) {
                if (trace != null) {
                    trace.tokenLost(clock.nowNanos(), nodeId, lost.ring());
                }
            }
        }

        @Override
        public void onTransition(Effect.Transition t) {
            synchronized (traceLock) {
                if (trace != null) {
                    trace.transition(clock.nowNanos(), nodeId, t.machine(), t.from(), t.to(), t.reason());
                }
            }
        }
    }
}
