package dev.totem.node.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Puts every thread of a process under real-time round-robin scheduling ({@code SCHED_RR}), as
 * corosync's {@code system.sched_rr} does for its daemon. On a busy host a token hop otherwise
 * waits for the next node's thread to get a core behind other processes' time slices; with
 * SCHED_RR it preempts them.
 *
 * <p>The whole JVM, not only the event loop: measured on 2 cores, the event-loop thread alone
 * under SCHED_RR gained nothing, the whole process 1.4-1.8x (perf/README.md), since the loop
 * then also waits for no garbage collector or sender thread of its own. Threads the JVM starts
 * later inherit the policy from the thread that starts them.
 *
 * <p>Java 17 has no call for {@code sched_setscheduler}, so this runs util-linux's
 * {@code chrt --rr --all-tasks --pid}. It needs root or CAP_SYS_NICE; without them the node keeps
 * normal scheduling and says so, as corosync does.
 */
public final class RealTimeScheduling {
    /** The lowest real-time priority: above every normal process, below other real-time ones. */
    public static final int PRIORITY = 1;
    /** How long chrt may take before it is abandoned. */
    static final long COMMAND_TIMEOUT_MS = 5_000;
    /** Bound on the chrt output kept for the log line. */
    private static final int OUTPUT_CHARS_MAX = 300;

    /** Runs a command and returns its exit code and output; the I/O, so tests can replace it. */
    @FunctionalInterface
    public interface CommandRunner {
        /**
         * @return the exit code and the output (stdout and stderr together)
         * @throws IOException when the command cannot be started or does not finish in time
         */
        Finished run(List<String> command) throws IOException, InterruptedException;
    }

    /** A command that ran to its end. */
    public record Finished(int exitCode, String output) {
        public Finished {
            Objects.requireNonNull(output, "output");
        }
    }

    /**
     * What happened.
     *
     * @param applied every thread of the process now runs under SCHED_RR
     * @param description one sentence for the node's log
     */
    public record Outcome(boolean applied, String description) {}

    private final CommandRunner runner;

    /** Runs chrt as a child process. */
    public RealTimeScheduling() {
        this(RealTimeScheduling::runProcess);
    }

    public RealTimeScheduling(CommandRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /** The command that puts every thread of {@code pid} under SCHED_RR at {@link #PRIORITY}. */
    static List<String> command(long pid) {
        return List.of("chrt", "--rr", "--all-tasks", "--pid", Integer.toString(PRIORITY), Long.toString(pid));
    }

    /**
     * Puts every thread of process {@code pid} under SCHED_RR; never throws for a refusal.
     *
     * @return whether it did, and a sentence saying what happened
     */
    public Outcome apply(long pid) throws InterruptedException {
        List<String> command = command(pid);
        Finished finished;
        try {
            finished = runner.run(command);
        } catch (IOException e) {
            return refused("'" + String.join(" ", command) + "' could not run (" + e.getMessage()
                    + "; chrt is in util-linux)");
        }
        if (finished.exitCode() != 0) {
            return refused("'" + String.join(" ", command) + "' exited with " + finished.exitCode() + ": "
                    + oneLine(finished.output()) + " (real-time scheduling needs root or CAP_SYS_NICE)");
        }
        return new Outcome(true, "every thread of process " + pid + " runs under SCHED_RR priority " + PRIORITY
                + " (system.sched_rr)");
    }

    private static Outcome refused(String why) {
        return new Outcome(false, "system.sched_rr is yes, but " + why + "; running with normal scheduling");
    }

    private static String oneLine(String output) {
        String s = output.strip().replaceAll("\\s+", " ");
        if (s.isEmpty()) {
            return "no output";
        }
        return s.length() <= OUTPUT_CHARS_MAX ? s : s.substring(0, OUTPUT_CHARS_MAX) + "...";
    }

    private static Finished runProcess(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (!done) {
            p.destroyForcibly();
            throw new IOException("no answer within " + COMMAND_TIMEOUT_MS + " ms");
        }
        try (InputStream in = p.getInputStream()) {
            // chrt says one line at most; the bound keeps a surprise from filling memory.
            byte[] head = in.readNBytes(OUTPUT_CHARS_MAX * 4);
            return new Finished(p.exitValue(), new String(head, StandardCharsets.UTF_8));
        }
    }
}
