package dev.totem.jepsen;

import dev.totem.membership.TotemProcessor.PlantedBug;
import dev.totem.node.runtime.ConfigLine;
import dev.totem.node.runtime.NodeListener;
import dev.totem.node.runtime.RuntimeSettings;
import dev.totem.node.runtime.TotemNode;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.simulator.run.Layer;
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
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One node process of a Jepsen run: runs a {@link TotemNode}, multicasts agreed and safe messages
 * at a steady rate, and records what it does and sees in the trace format of the simulator
 * (submit, deliver, config, token_lost, transition), times taken from the run's {@link RunClock}.
 * With the CPG layer the node runs the CPG service instead and the messages come from local
 * processes in groups ({@link CpgWorkload}, {@code cpg_*} lines).
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
 * PROGRESS submitted=S delivered=D} once a second. With the CPG layer, {@code stop} is answered
 * {@code SETTLED} once the workload ended and no local join or leave is on the way, and {@code
 * fin} makes every process multicast its late messages, answered {@code LATE-DONE} once every
 * process delivered those of all members of its views.
 */
public final class JepsenNode implements NodeTrace {
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
     * @param layer {@code ENGINE}: raw submits; {@code CPG}: processes in groups (the settings run
     *     the CPG service)
     * @param cpgSocket with CPG, the IPC socket the node serves, for one of its processes
     */
    public record Options(RuntimeSettings settings, int incarnation, long epochMicros, Path trace, int ratePerSecond,
            double safeRatio, long seed, PlantedBug plantedBug, Layer layer, Optional<Path> cpgSocket) {}

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
    private CpgWorkload cpg;

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
        if (options.layer() == Layer.CPG) {
            cpg = new CpgWorkload(node.cpg().orElseThrow(() -> new IllegalStateException("the settings run no CPG service")),
                    options.cpgSocket(), nodeId, options.incarnation(), options.safeRatio(), options.seed(), this, this::say);
            cpg.start();
        }
        Thread workload = new Thread(() -> workload(node), "jepsen-workload");
        workload.setDaemon(true);
        workload.start();
        Thread progress = new Thread(this::progress, "jepsen-progress");
        progress.setDaemon(true);
        progress.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            switch (line.strip()) {
                case "stop" -> {
                    submitting.set(false);
                    if (cpg != null) {
                        workload.join();
                        atEnd("SETTLED", cpg::settled);
                    }
                }
                case "fin" -> {
                    if (cpg != null) {
                        atEnd("LATE-DONE", () -> {
                            cpg.sendLate();
                            return true;
                        }, cpg::lateDone);
                        continue;
                    }
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
        if (cpg != null) {
            cpg.close();
        }
        node.close();
    }

    /**
     * On a thread of its own, so that stdin is still read: runs {@code steps} in turn, each polled
     * until it holds, then says {@code done}. Stops when the trace is frozen.
     */
    @SafeVarargs
    private void atEnd(String done, BooleanSupplier... steps) {
        Thread t = new Thread(() -> {
            for (BooleanSupplier step : steps) {
                while (!step.getAsBoolean()) {
                    if (frozen()) {
                        return;
                    }
                    sleepNanos(TimeUnit.MILLISECONDS.toNanos(10)); // polling the processes' state, as the run polls ours
                }
            }
            say(done);
        }, "jepsen-end");
        t.setDaemon(true);
        t.start();
    }

    private boolean frozen() {
        synchronized (traceLock) {
            return trace == null;
        }
    }

    @Override
    public boolean write(NodeTrace.Line line, boolean toOs) {
        synchronized (traceLock) {
            if (trace == null) {
                return false;
            }
            line.write(trace, clock.nowNanos());
            if (toOs) {
                flushLocked();
            }
            return true;
        }
    }

    private void workload(TotemNode node) {
        SplittableRandom random = new SplittableRandom(options.seed() * 31 + nodeId * 1_000_003L + options.incarnation());
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, options.ratePerSecond());
        long next = System.nanoTime();
        long k = 0;
        while (submitting.get()) {
            if (cpg != null) {
                if (!cpg.step()) {
                    return;
                }
                next = pace(next, periodNanos);
                continue;
            }
            String id = "n" + nodeId + "." + options.incarnation() + "-" + k++;
            Guarantee g = random.nextDouble() < options.safeRatio() ? Guarantee.SAFE : Guarantee.AGREED;
            if (!submitUntilAccepted(node, id, g)) {
                return;
            }
            next = pace(next, periodNanos);
        }
    }

    /** Waits until {@code next + periodNanos}, the time of the next step, which it returns. */
    private static long pace(long next, long periodNanos) {
        next += periodNanos;
        long wait = next - System.nanoTime();
        if (wait > 0) {
            sleepNanos(wait); // pacing the workload, not synchronising anything
            return next;
        }
        return System.nanoTime();
    }

    /** Records {@code id} as submitted, then offers it until the engine accepts it; false once frozen. */
    private boolean submitUntilAccepted(TotemNode node, String id, Guarantee g) {
        if (!write((t, now) -> t.submit(now, nodeId, id, g), true)) {
            return false;
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
            say(cpg == null ? "PROGRESS submitted=" + submitted.get() + " delivered=" + delivered.get()
                    : "PROGRESS submitted=" + cpg.multicasts() + " delivered=" + cpg.delivered());
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
            write((t, now) -> t.deliver(now, nodeId, id, d.sender(), d.guarantee(), d.ring()), false);
            delivered.incrementAndGet();
            if (id.startsWith(FIN_PREFIX)) {
                say("FIN " + d.sender());
            }
        }

        @Override
        public void onConfigurationChange(Effect.ConfigurationChange c) {
            write((t, now) -> t.config(now, nodeId, c.kind(), c.ring(), c.members()), false);
            say(ConfigLine.of(c));
        }

        @Override
        public void onTokenLost(Effect.TokenLost lost) {
            write((t, now) -> t.tokenLost(now, nodeId, lost.ring()), false);
        }

        @Override
        public void onTransition(Effect.Transition t) {
            write((w, now) -> w.transition(now, nodeId, t.machine(), t.from(), t.to(), t.reason()), false);
        }
    }
}
