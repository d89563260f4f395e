package dev.totem.jepsen;

import dev.totem.node.runtime.ConfigLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One incarnation of a node's process (or, with the CPG layer, of a client process of the node,
 * which speaks the same lines), started inside the node's namespace with
 * {@code ip netns exec} (which execs the JVM, so the process handle is the JVM's own). Reads the
 * lines the process reports ({@link JepsenNode}) and keeps what the run waits on: the last
 * regular configuration, the final markers delivered and, with the CPG layer, how far its end went.
 */
final class NodeProcess {
    private final int node;
    private final int incarnation;
    private final Process process;
    private final Path trace;
    private final Thread reader;
    private volatile String lastRegular = "";
    private volatile boolean frozen;
    private volatile boolean settled;
    private volatile boolean lateDone;
    private volatile String progress = "-";
    private final Set<Integer> finsFrom = ConcurrentHashMap.newKeySet();

    private NodeProcess(int node, int incarnation, Process process, Path trace) {
        this.node = node;
        this.incarnation = incarnation;
        this.process = process;
        this.trace = trace;
        this.reader = new Thread(this::read, "jepsen-node-" + node + "." + incarnation);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} (a JVM running {@code jepsen-node}) in the node's namespace. */
    static NodeProcess start(int node, int incarnation, List<String> command, Path trace, Path log) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", Lab.namespace(node)));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full);
        pb.redirectError(log.toFile());
        return new NodeProcess(node, incarnation, pb.start(), trace);
    }

    int node() {
        return node;
    }

    int incarnation() {
        return incarnation;
    }

    Path trace() {
        return trace;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The exit code of a process that ended; -1 while it runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** The process's trace file name without its extension, e.g. {@code node2.1} or {@code client2.0}. */
    String name() {
        String f = trace.getFileName().toString();
        return f.endsWith(".jsonl") ? f.substring(0, f.length() - ".jsonl".length()) : f;
    }

    /** Members of the last regular configuration it reported, as {@code [1, 2, 3]}, and its ring. */
    String lastRegular() {
        return lastRegular;
    }

    /** Senders whose final marker it delivered. */
    Set<Integer> finsFrom() {
        return finsFrom;
    }

    boolean frozen() {
        return frozen;
    }

    /** With the CPG layer: its workload stopped and no local join or leave is on the way. */
    boolean settled() {
        return settled;
    }

    /** With the CPG layer: every local process delivered the late messages of all members of its views. */
    boolean lateDone() {
        return lateDone;
    }

    String progress() {
        return progress;
    }

    /** Sends one command line ({@code stop}, {@code fin}, {@code freeze}). */
    void command(String word) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((word + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stops where it is, its sockets still open. */
    void pause() throws IOException {
        Shell.run("kill", "-STOP", Long.toString(process.pid()));
    }

    /** SIGCONT. */
    void resume() throws IOException {
        Shell.run("kill", "-CONT", Long.toString(process.pid()));
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Optional<ConfigLine> config = ConfigLine.parse(line);
                if (config.isPresent()) {
                    if (config.get().regular()) {
                        lastRegular = config.get().members() + " ring " + config.get().ring();
                    }
                } else if (line.startsWith("FIN ")) {
                    finsFrom.add(Integer.parseInt(line.substring(4).strip()));
                } else if (line.equals("FROZEN")) {
                    frozen = true;
                } else if (line.equals("SETTLED")) {
                    settled = true;
                } else if (line.equals("LATE-DONE")) {
                    lateDone = true;
                } else if (line.startsWith("PROGRESS ")) {
                    progress = line.substring("PROGRESS ".length());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process ended or said something odd; the run notices through its waits
        }
    }
}
