package dev.totem.jepsen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One CPG client process of a Jepsen run with the CPG layer: a {@code CpgClient} over its node's
 * IPC socket, as an application beside corosync is, running one process of the {@link
 * CpgWorkload} (its pid is this JVM's) with the same commands on stdin as a node process ({@link
 * CpgDriver}). Its exits end the JVM at once, without leaving, as a crash would; the run then
 * starts another client for the node.
 */
public final class JepsenClient {
    /** How long a client waits for its node to serve the socket (a node restarting after a kill). */
    static final long CONNECT_WAIT_MILLIS = 60_000;
    /** Exit code of a client that exited on purpose (a workload step). */
    public static final int EXIT_ON_PURPOSE = 0;
    /** Exit code of a client whose node closed the connection. */
    public static final int EXIT_DISCONNECTED = 3;

    /**
     * What one client process needs.
     *
     * @param socket the node's CPG socket
     * @param epochMicros the run's epoch (see {@link RunClock})
     * @param trace the file this process records into (created; one per process)
     * @param ratePerSecond workload steps per second
     * @param safeRatio share of multicasts with safe delivery
     * @param seed seeds the workload's choices (with the process's pid)
     */
    public record Options(Path socket, long epochMicros, Path trace, int ratePerSecond, double safeRatio, long seed) {}

    private final Options options;
    private final PrintStream out;

    public JepsenClient(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Connects, then runs until stdin closes; returns only then (an exit of the workload ends the JVM). */
    public void run() throws IOException, InterruptedException {
        TraceFile trace = new TraceFile(options.trace(), new RunClock(options.epochMicros()));
        CpgWorkload workload = CpgWorkload.overIpc(options.socket(), CONNECT_WAIT_MILLIS, options.safeRatio(),
                options.seed(), trace, this::say, end -> {
                    trace.flush();
                    Runtime.getRuntime().halt(end == CpgWorkload.End.EXIT ? EXIT_ON_PURPOSE : EXIT_DISCONNECTED);
                });
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        new CpgDriver(workload, trace, options.ratePerSecond(), this::say).serve(in);
        workload.close();
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
