package dev.totem.jepsen;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The client processes of a run with the CPG layer ({@link JepsenClient}): one per node, over
 * the node's socket, each replaced when it ends on its own while its node runs (its workload's
 * exits end it), until the run's end stops the replacing. One lock guards them all; it never
 * takes the run's, so the run may call in while holding its own.
 */
final class ClientProcesses {
    private final JepsenRun.Options options;
    private final long epochMicros;
    private final IntPredicate nodeRuns;
    private final Consumer<String> say;
    /** Each node's client process, null before its first. */
    private final NodeProcess[] clients;
    private final int[] started;
    private final List<Path> traces = new ArrayList<>();
    private boolean replacing;
    /** Each node's client process stopped by {@link #stall}, until resumed. */
    private final NodeProcess[] stalled;

    /**
     * @param options the run's options (nodes, folder, client command, rate, seed)
     * @param epochMicros the run's epoch
     * @param nodeRuns whether a node's process runs now
     * @param say progress lines
     */
    ClientProcesses(JepsenRun.Options options, long epochMicros, IntPredicate nodeRuns, Consumer<String> say) {
        this.options = options;
        this.epochMicros = epochMicros;
        this.nodeRuns = nodeRuns;
        this.say = say;
        this.clients = new NodeProcess[options.nodes() + 1];
        this.started = new int[options.nodes() + 1];
        this.stalled = new NodeProcess[options.nodes() + 1];
    }

    /** Starts a client for every node, and a thread that replaces those that end on their own. */
    void start() throws IOException {
        synchronized (this) {
            replacing = true;
            for (int node = 1; node <= options.nodes(); node++) {
                ensure(node);
            }
        }
        Thread keeper = new Thread(() -> {
            try {
                while (keep()) {
                    Thread.sleep(100); // polling the client processes for exits
                }
            } catch (InterruptedException | IOException e) {
                say.accept("client processes are no longer replaced: " + e);
            }
        }, "jepsen-clients");
        keeper.setDaemon(true);
        keeper.start();
    }

    /** A client for {@code node} (restarted), unless one runs or clients are no longer replaced. */
    synchronized void restarted(int node) throws IOException {
        if (replacing) {
            ensure(node);
        }
    }

    /** Kills {@code node}'s client, as the run kills the node. */
    synchronized void kill(int node) throws InterruptedException {
        if (clients[node] != null) {
            clients[node].kill();
        }
    }

    /** SIGSTOPs {@code node}'s client process; false when none runs. */
    synchronized boolean stall(int node) throws IOException {
        NodeProcess c = clients[node];
        if (c == null || !c.alive()) {
            return false;
        }
        c.pause();
        stalled[node] = c;
        return true;
    }

    /** SIGCONTs the client process {@link #stall} stopped (the same process, whatever ran since). */
    synchronized void resumeStalled(int node) throws IOException {
        NodeProcess c = stalled[node];
        stalled[node] = null;
        if (c != null && c.alive()) {
            c.resume();
        }
    }

    /** From now on a client that ends stays ended. */
    synchronized void stopReplacing() {
        replacing = false;
    }

    /** The client processes that run. */
    synchronized List<NodeProcess> running() {
        List<NodeProcess> out = new ArrayList<>();
        for (NodeProcess c : clients) {
            if (c != null && c.alive()) {
                out.add(c);
            }
        }
        return out;
    }

    /** Every client process started, ended or not, for the clean-up. */
    synchronized List<NodeProcess> all() {
        List<NodeProcess> out = new ArrayList<>();
        for (NodeProcess c : clients) {
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** Whether every client that runs said it (one that ended has nothing to say). */
    synchronized boolean allSaid(Predicate<NodeProcess> said) {
        return running().stream().allMatch(said);
    }

    /** The trace files of every client started. */
    synchronized List<Path> traces() {
        return List.copyOf(traces);
    }

    private synchronized boolean keep() throws IOException {
        if (!replacing) {
            return false;
        }
        for (int node = 1; node <= options.nodes(); node++) {
            NodeProcess c = clients[node];
            if (c != null && !c.alive() && nodeRuns.test(node)) {
                int code = c.exitCode();
                if (code != JepsenClient.EXIT_ON_PURPOSE) {
                    say.accept("client process " + c.name() + " of node " + node + " ended with code " + code
                            + " (see its log); another takes its place");
                }
                ensure(node);
            }
        }
        return true;
    }

    /** Starts a client for {@code node} unless one runs: the keeper and a restart may both ask. */
    private void ensure(int node) throws IOException {
        if (clients[node] != null && clients[node].alive()) {
            return;
        }
        int k = started[node]++;
        Path trace = options.dir().resolve("client" + node + "." + k + ".jsonl");
        traces.add(trace);
        List<String> cmd = new ArrayList<>(options.clientCommand());
        cmd.addAll(List.of("--socket", JepsenRun.cpgSocket(options.dir().resolve("state" + node)).toString(),
                "--epoch-micros", Long.toString(epochMicros), "--trace", trace.toString(),
                "--rate", Integer.toString(Math.max(1, options.rate() / 2)),
                "--seed", Long.toString(options.seed() * 131 + node * 17L + k)));
        clients[node] = NodeProcess.start(node, k, cmd, trace, options.dir().resolve("client" + node + "." + k + ".log"));
    }
}
