package dev.totem.node.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Sets how a process's threads are scheduled, as corosync's {@code system.sched_rr} and
 * {@code system.priority} do for its daemon: real-time round-robin ({@code SCHED_RR}), or a nice
 * value under normal scheduling.
 *
 * <p>Real-time: every thread of the process goes under SCHED_RR. On a busy host a token hop otherwise
 * waits for the next node's thread to get a core behind other processes' time slices; with
 * SCHED_RR it preempts them.
 *
 * <p>The whole JVM, not only the event loop: measured on 2 cores, the event-loop thread alone
 * under SCHED_RR gained nothing, the whole process 1.4-1.8x (perf/README.md), since the loop
 * then also waits for no garbage collector or sender thread of its own. Threads the JVM starts
 * later inherit the policy from the thread that starts them.
 *
 * <p>Nice: every thread listed in {@code /proc/PID/task} gets the value (on Linux a nice value is
 * a thread's own; threads started later inherit it). Under CFS a lower value weighs more, so the
 * node's threads wait less behind its CPG clients and other processes when they wake.
 *
 * <p>Java 17 has no call for {@code sched_setscheduler} or {@code setpriority}, so this runs
 * util-linux's {@code chrt --rr --all-tasks --pid} and {@code renice}. Real-time and negative nice
 * values need root or CAP_SYS_NICE; without them the node keeps its scheduling and says so, as
 * corosync does.
 */
public final class ProcessScheduling {
    /** The lowest real-time priority: above every normal process, below other real-time ones. */
    public static final int PRIORITY = 1;
    /** How long chrt or renice may take before it is abandoned. */
    static final long COMMAND_TIMEOUT_MS = 5_000;
    /** Bound on the tool's output kept for the log line. */
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
     * @param applied the scheduling asked for took effect on every thread of the process
     * @param description one sentence for the node's log
     */
    public record Outcome(boolean applied, String description) {}

    private final CommandRunner runner;

    /** Runs chrt and renice as child processes. */
    public ProcessScheduling() {
        this(ProcessScheduling::runProcess);
    }

    public ProcessScheduling(CommandRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /**
     * Applies what the settings ask to this JVM, if anything ({@code realTime} wins over
     * {@code nice}), and logs the outcome: info when done, a warning when refused.
     */
    void applyToThisProcess(boolean realTime, OptionalInt nice, NodeLog log) {
        if (!realTime && nice.isEmpty()) {
            return;
        }
        long pid = ProcessHandle.current().pid();
        Outcome outcome;
        try {
            outcome = realTime ? realTime(pid) : nice(pid, nice.getAsInt());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warning("interrupted while setting the node's scheduling (system.sched_rr, system.priority); running as started");
            return;
        }
        if (outcome.applied()) {
            log.info(outcome.description());
        } else {
            log.warning(outcome.description());
        }
    }

    /** The command that puts every thread of {@code pid} under SCHED_RR at {@link #PRIORITY}. */
    static List<String> realTimeCommand(long pid) {
        return List.of("chrt", "--rr", "--all-tasks", "--pid", Integer.toString(PRIORITY), Long.toString(pid));
    }

    /**
     * Puts every thread of process {@code pid} under SCHED_RR; never throws for a refusal.
     *
     * @return whether it did, and a sentence saying what happened
     */
    public Outcome realTime(long pid) throws InterruptedException {
        return run(realTimeCommand(pid), "system.sched_rr is yes", "chrt", "real-time scheduling",
                "every thread of process " + pid + " runs under SCHED_RR priority " + PRIORITY + " (system.sched_rr)",
                "running with normal scheduling");
    }

    /** The command that gives each of {@code threadIds} the nice value {@code nice}. */
    static List<String> niceCommand(int nice, List<Long> threadIds) {
        List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        for (long tid : threadIds) {
            command.add(Long.toString(tid));
        }
        return command;
    }

    /**
     * Gives every thread of process {@code pid} the nice value {@code nice}; never throws for a
     * refusal.
     */
    public Outcome nice(long pid, int nice) throws InterruptedException {
        List<Long> threads;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            threads = tasks.map(t -> Long.parseLong(t.getFileName().toString())).sorted().collect(Collectors.toList());
        } catch (IOException | NumberFormatException e) {
            return new Outcome(false, "system.priority is " + nice + ", but the threads of process " + pid
                    + " cannot be listed (" + e.getMessage() + "); running at the nice value it started with");
        }
        return nice(pid, threads, nice);
    }

    /** As {@link #nice(long, int)} for the threads listed. */
    Outcome nice(long pid, List<Long> threadIds, int nice) throws InterruptedException {
        return run(niceCommand(nice, threadIds), "system.priority is " + nice, "renice", "a negative nice value",
                "the " + threadIds.size() + " threads of process " + pid + " run at nice " + nice + " (system.priority)",
                "running at the nice value it started with");
    }

    private Outcome run(List<String> command, String asked, String tool, String needsRights, String done, String otherwise)
            throws InterruptedException {
        Finished finished;
        try {
            finished = runner.run(command);
        } catch (IOException e) {
            return new Outcome(false, asked + ", but '" + String.join(" ", command) + "' could not run (" + e.getMessage()
                    + "; " + tool + " is in util-linux); " + otherwise);
        }
        if (finished.exitCode() != 0) {
            return new Outcome(false, asked + ", but '" + String.join(" ", command) + "' exited with "
                    + finished.exitCode() + ": " + oneLine(finished.output()) + " (" + needsRights
                    + " needs root or CAP_SYS_NICE); " + otherwise);
        }
        return new Outcome(true, done);
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
            // chrt and renice say a line or two; the bound keeps a surprise from filling memory.
            byte[] head = in.readNBytes(OUTPUT_CHARS_MAX * 4);
            return new Finished(p.exitValue(), new String(head, StandardCharsets.UTF_8));
        }
    }
}
