package dev.totem.jepsen;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs a {@link CpgWorkload} in a process of a run (a node process, or a client process over a
 * node's socket): its steps at a steady rate on a thread of their own, a {@code PROGRESS} line and
 * a flush of the trace once a second, and the parent's commands on stdin: {@code stop} ends the
 * workload and is answered {@code SETTLED} once no join or leave of the process's own is on the
 * way; {@code fin} sends the late messages and is answered {@code LATE-DONE} once every process
 * delivered those of all members of its views; {@code freeze} closes the trace, answered {@code
 * FROZEN}.
 */
final class CpgDriver {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final CpgWorkload workload;
    private final TraceFile trace;
    private final int ratePerSecond;
    private final Consumer<String> say;
    private final AtomicBoolean running = new AtomicBoolean(true);

    /**
     * @param workload what runs
     * @param trace its trace file
     * @param ratePerSecond workload steps a second
     * @param say writes one line to the parent
     */
    CpgDriver(CpgWorkload workload, TraceFile trace, int ratePerSecond, Consumer<String> say) {
        this.workload = workload;
        this.trace = trace;
        this.ratePerSecond = ratePerSecond;
        this.say = say;
    }

    /** Starts the workload and serves the commands of {@code in} until it closes; the trace is frozen on return. */
    void serve(BufferedReader in) throws IOException, InterruptedException {
        Thread steps = daemon("jepsen-cpg-workload", this::steps);
        daemon("jepsen-progress", this::progress);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            switch (line.strip()) {
                case "stop" -> {
                    running.set(false);
                    steps.join();
                    atEnd("SETTLED", workload::settled);
                }
                case "fin" -> atEnd("LATE-DONE", () -> {
                    workload.sendLate();
                    return true;
                }, workload::lateDone);
                case "freeze" -> {
                    trace.freeze();
                    say.accept("FROZEN");
                }
                default -> say.accept("ERROR unknown command '" + line.strip() + "'");
            }
        }
        running.set(false);
        trace.freeze();
    }

    private void steps() {
        Pacer pacer = new Pacer(ratePerSecond);
        while (running.get() && workload.step()) {
            pacer.await();
        }
    }

    private void progress() {
        while (true) {
            Pacer.sleepNanos(TimeUnit.SECONDS.toNanos(1));
            trace.flush();
            say.accept("PROGRESS submitted=" + workload.multicasts() + " delivered=" + workload.delivered());
        }
    }

    /** On a thread of its own, so stdin is still read: each of {@code steps} polled until it holds, then {@code done} said. */
    private void atEnd(String done, BooleanSupplier... steps) {
        daemon("jepsen-end", () -> {
            for (BooleanSupplier step : steps) {
                while (!step.getAsBoolean()) {
                    if (trace.frozen()) {
                        return;
                    }
                    Pacer.sleepNanos(POLL_NANOS); // polling the processes' state, as the run polls ours
                }
            }
            say.accept(done);
        });
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
