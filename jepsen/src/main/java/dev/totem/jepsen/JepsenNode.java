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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node process of a Jepsen run: runs a {@link TotemNode}, multicasts agreed and safe messages
 * at a steady rate, and records what it does and sees in the trace format of the simulator
 * (submit, deliver, config, token_lost, transition), times taken from the run's {@link RunClock}.
 * With the CPG layer the node runs the CPG service instead (its socket serves the run's client
 * processes, {@link JepsenClient}) and its own messages come from processes in groups inside its
 * JVM ({@link CpgWorkload}, {@code cpg_*} lines, driven by {@link CpgDriver}).
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
 * PROGRESS submitted=S delivered=D} once a second. With the CPG layer, {@code stop} and {@code
 * fin} are {@link CpgDriver}'s.
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
     * @param ratePerSecond messages submitted per second (CPG: workload steps)
     * @param safeRatio share of them sent with safe delivery
     * @param seed seeds the choice of guarantees
     * @param plantedBug a deliberate bug, to show the checker catches it; NONE normally
     * @param layer {@code ENGINE}: raw submits; {@code CPG}: processes in groups (the settings run
     *     the CPG service)
     */
    public record Options(RuntimeSettings settings, int incarnation, long epochMicros, Path trace, int ratePerSecond,
            double safeRatio, long seed, PlantedBug plantedBug, Layer layer) {}

    private final Options options;
    private final int nodeId;
    private final PrintStream out;
    private final AtomicBoolean submitting = new AtomicBoolean(true);
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private TraceFile trace;

    public JepsenNode(Options options, PrintStream out) {
        this.options = options;
        this.nodeId = options.settings().nodeId();
        this.out = out;
    }

    /** Runs until stdin closes or says {@code freeze}, then leaves the node running until killed. */
    public void run() throws IOException, InterruptedException {
        trace = new TraceFile(options.trace(), new RunClock(options.epochMicros()));
        TotemNode node = new TotemNode(options.settings().withPlantedBug(options.plantedBug()));
        node.addListener(new Recorder());
        node.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (options.layer() == Layer.CPG) {
            CpgWorkload cpg = CpgWorkload.embedded(node.cpg().orElseThrow(() -> new IllegalStateException(
                    "the settings run no CPG service")), nodeId, options.incarnation(), options.safeRatio(), options.seed(),
                    trace, this::say);
            new CpgDriver(cpg, trace, options.ratePerSecond(), this::say).serve(in);
            cpg.close();
            node.close();
            return;
        }
        Thread workload = new Thread(() -> workload(node), "jepsen-workload");
        workload.setDaemon(true);
        workload.start();
        Thread progress = new Thread(this::progress, "jepsen-progress");
        progress.setDaemon(true);
        progress.start();
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
        Pacer pacer = new Pacer(options.ratePerSecond());
        long k = 0;
        while (submitting.get()) {
            String id = "n" + nodeId + "." + options.incarnation() + "-" + k++;
            Guarantee g = random.nextDouble() < options.safeRatio() ? Guarantee.SAFE : Guarantee.AGREED;
            if (!submitUntilAccepted(node, id, g)) {
                return;
            }
            pacer.await();
        }
    }

    /** Records {@code id} as submitted, then offers it until the engine accepts it; false once frozen. */
    private boolean submitUntilAccepted(TotemNode node, String id, Guarantee g) {
        if (!trace.write((t, now) -> t.submit(now, nodeId, id, g), true)) {
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
            Pacer.sleepNanos(TimeUnit.MILLISECONDS.toNanos(5)); // the ring is full or forming: try again soon
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
    }

    private void progress() {
        while (true) {
            Pacer.sleepNanos(TimeUnit.SECONDS.toNanos(1));
            trace.flush();
            say("PROGRESS submitted=" + submitted.get() + " delivered=" + delivered.get());
        }
    }

    private void freeze() throws IOException {
        trace.freeze();
        submitting.set(false);
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** Writes what the node's application sees into the trace, on the node's event loop. */
    private final class Recorder implements NodeListener {
        @Override
        public void onDeliver(Effect.Deliver d) {
            String id = new String(d.payload(), StandardCharsets.UTF_8);
            trace.write((t, now) -> t.deliver(now, nodeId, id, d.sender(), d.guarantee(), d.ring()), false);
            delivered.incrementAndGet();
            if (id.startsWith(FIN_PREFIX)) {
                say("FIN " + d.sender());
            }
        }

        @Override
        public void onConfigurationChange(Effect.ConfigurationChange c) {
            trace.write((t, now) -> t.config(now, nodeId, c.kind(), c.ring(), c.members()), false);
            say(ConfigLine.of(c));
        }

        @Override
        public void onTokenLost(Effect.TokenLost lost) {
            trace.write((t, now) -> t.tokenLost(now, nodeId, lost.ring()), false);
        }

        @Override
        public void onTransition(Effect.Transition t) {
            trace.write((w, now) -> w.transition(now, nodeId, t.machine(), t.from(), t.to(), t.reason()), false);
        }
    }
}
