package dev.totem.locks.bench;

import dev.totem.node.config.ClusterFile;
import dev.totem.node.runtime.ChildNodes;
import dev.totem.node.runtime.ConfigLine;
import dev.totem.node.runtime.NodeRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * {@link LocksNode} processes on loopback (127.0.0.1 to .N, frames in the clear): starts them on
 * one configuration file, writes their commands and keeps every line they print, so that a
 * caller can wait for an answer. Used by {@code ./totem locks bench} and the process tests.
 */
public final class LocksCluster implements AutoCloseable {
    /** How long the ring and the lock services may take to form. */
    public static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    /** Per node (index node - 1): every line it printed, guarded by this. */
    private final List<List<String>> lines = new ArrayList<>();

    /**
     * Starts {@code nodes} processes of {@code nodeCommand} (which runs {@code locks-node}; the
     * cluster appends {@code -c <file> --nodeid <n> --state-dir <dir>}) with {@code totemOptions}
     * in the {@code totem {}} section, and waits until they form one ring, open their lock
     * services and synchronise them.
     */
    public static LocksCluster start(int nodes, Path dir, List<String> nodeCommand, Map<String, String> totemOptions)
            throws IOException, InterruptedException {
        LocksCluster c = new LocksCluster(dir);
        try {
            c.launch(nodes, nodeCommand, totemOptions);
            c.awaitRing(nodes);
            for (int n = 1; n <= nodes; n++) {
                c.send(n, "open");
            }
            for (int n = 1; n <= nodes; n++) {
                c.awaitLine(n, "OPENED"::equals, FORM_TIMEOUT);
                c.send(n, "await " + nodes);
            }
            for (int n = 1; n <= nodes; n++) {
                c.awaitLine(n, ("SYNCED " + nodes)::equals, FORM_TIMEOUT);
            }
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private LocksCluster(Path dir) {
        this.dir = dir;
    }

    private void launch(int nodes, List<String> nodeCommand, Map<String, String> totemOptions) throws IOException {
        Map<Integer, String> addresses = new TreeMap<>();
        for (int n = 1; n <= nodes; n++) {
            addresses.put(n, NodeRunner.loopback(n).getHostAddress());
        }
        int port = NodeRunner.freeUdpPortOnLoopbacks(nodes)
                .orElseThrow(() -> new IOException("no UDP port free on every one of 127.0.0.1-" + nodes));
        Path config = new ClusterFile("locks", "udpu", addresses, port, Optional.empty(), 1000, Optional.empty(), totemOptions)
                .write(dir.resolve("totem.conf"));
        for (int n = 1; n <= nodes; n++) {
            List<String> cmd = new ArrayList<>(nodeCommand);
            cmd.addAll(List.of("-c", config.toString(), "--nodeid", Integer.toString(n), "--state-dir",
                    dir.resolve("state" + n).toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectError(log(n).toFile());
            Process p = pb.start();
            processes.add(p);
            List<String> mine = new ArrayList<>();
            lines.add(mine);
            Thread reader = new Thread(() -> read(p, mine), "locks-node-" + n);
            reader.setDaemon(true);
            reader.start();
        }
    }

    private void read(Process p, List<String> into) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (this) {
                    into.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended; a missing answer is reported by awaitLine
        } finally {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    private void awaitRing(int nodes) throws IOException, InterruptedException {
        String all = IntStream.rangeClosed(1, nodes).boxed().toList().toString();
        for (int n = 1; n <= nodes; n++) {
            int node = n;
            long deadline = System.nanoTime() + FORM_TIMEOUT.toNanos();
            synchronized (this) {
                while (!all.equals(lastRegular(node))) {
                    waitUntil(deadline, node, "a ring of " + nodes + " nodes");
                }
            }
        }
    }

    /** The members of the last regular configuration node {@code node} printed, or null. */
    private synchronized String lastRegular(int node) {
        String last = null;
        for (String l : lines.get(node - 1)) {
            Optional<ConfigLine> c = ConfigLine.parse(l).filter(ConfigLine::regular);
            if (c.isPresent()) {
                last = c.get().members();
            }
        }
        return last;
    }

    /** Writes {@code command} ({@link LocksNode#COMMANDS}) to node {@code node}. */
    public void send(int node, String command) throws IOException {
        OutputStream in = processes.get(node - 1).getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /**
     * Waits for the first line of node {@code node} (since it started) that {@code match}
     * accepts, and returns it.
     *
     * @throws IOException when the node exits or prints an ERROR line first, or after {@code timeout}
     */
    public String awaitLine(int node, Predicate<String> match, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                for (String l : lines.get(node - 1)) {
                    if (match.test(l)) {
                        return l;
                    }
                    if (l.startsWith("ERROR")) {
                        throw new IOException("node " + node + ": " + l + "; its log is " + log(node));
                    }
                }
                waitUntil(deadline, node, "an answer");
            }
        }
    }

    /** Every line node {@code node} printed so far. */
    public synchronized List<String> lines(int node) {
        return List.copyOf(lines.get(node - 1));
    }

    /** Kills node {@code node}'s process with SIGKILL and waits until it is gone. */
    public void kill(int node) throws InterruptedException {
        processes.get(node - 1).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Node {@code node}'s stderr. */
    public Path log(int node) {
        return dir.resolve("node" + node + ".log");
    }

    private void waitUntil(long deadline, int node, String what) throws IOException, InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IOException("node " + node + " gave no " + what + " within " + FORM_TIMEOUT.toSeconds()
                    + " s; its log is " + log(node));
        }
        TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
        if (!processes.get(node - 1).isAlive() && processes.get(node - 1).exitValue() != 0) {
            throw new IOException("node " + node + " exited with " + processes.get(node - 1).exitValue() + " before "
                    + what + "; its log is " + log(node));
        }
    }

    /** Tells every node to quit (each leaves the ring), then kills those that do not. */
    @Override
    public void close() throws InterruptedException {
        ChildNodes.quit(processes);
    }
}
