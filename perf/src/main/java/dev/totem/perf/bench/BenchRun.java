package dev.totem.perf.bench;

import dev.totem.node.config.ClusterFile;
import dev.totem.node.runtime.ChildNodes;
import dev.totem.node.runtime.ConfigLine;
import dev.totem.node.runtime.NodeRunner;
import dev.totem.protocol.api.Guarantee;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code ./totem bench}: starts a cluster of node processes on loopback (127.0.0.1 to .N), lets
 * the first {@code senders} of them multicast as fast as flow control admits, one payload size
 * after the other, and sums up what every node delivered. In {@code ipc} mode the nodes are
 * daemons ({@code ./totem node}) and one CPG client process per node sends and counts, as
 * corosync's cpgbench runs; in {@code embedded} mode the node processes do it themselves. With {@code sweep}, it then offers
 * 10 % to 100 % of the first size's maximum and records latency against offered load. Writes
 * {@code bench.json} and SVG charts into the run's folder.
 */
public final class BenchRun {
    static final long FORM_TIMEOUT_MS = 60_000;
    /** Sending before counting at each load step of a sweep, when the JVMs are warm. */
    static final int SWEEP_SETTLE_SECONDS = 2;
    /** A phase's results must arrive this long after its window closed. */
    static final long RESULT_GRACE_MS = 30_000;

    /**
     * What to run.
     *
     * @param nodes processes, 1 to 16
     * @param senders how many of them send, 1 to {@code nodes}
     * @param sizes payload sizes, each at least {@link Phase#MIN_SIZE_BYTES}
     * @param transport udpu or udp
     * @param keyFile seal frames with this key; empty sends them in the clear
     * @param guarantee agreed or safe
     * @param seconds counted seconds per size
     * @param warmupSeconds seconds sent before counting, per size
     * @param sweep also measure latency against offered load
     * @param dir where configuration, logs and results go
     * @param nodeCommand runs a node ({@code bench-node}, or in ipc mode {@code node}), starting
     *     with the java executable; the run appends the node's options
     * @param systemOptions the nodes' {@code system {}} settings (sched_rr, priority)
     * @param clientCommand in ipc mode, runs {@code bench-client}; the run appends its options;
     *     empty in embedded mode
     * @param totemOptions more {@code totem {}} settings for every node (netmtu, window_size,
     *     max_messages)
     * @param jfr record each node with Java Flight Recorder into {@code node<N>.jfr} in the folder
     */
    public record Options(int nodes, int senders, List<Integer> sizes, String transport, Optional<Path> keyFile,
            Guarantee guarantee, int seconds, int warmupSeconds, boolean sweep, Path dir, List<String> nodeCommand,
            Map<String, String> systemOptions, List<String> clientCommand, Map<String, String> totemOptions, boolean jfr) {
        public Options {
            if (nodes < 1 || nodes > 16) {
                throw new IllegalArgumentException("--nodes must be 1 to 16, got " + nodes);
            }
            if (senders < 1 || senders > nodes) {
                throw new IllegalArgumentException("--senders must be 1 to --nodes (" + nodes + "), got " + senders);
            }
            if (sizes.isEmpty()) {
                throw new IllegalArgumentException("--sizes lists no size");
            }
            for (int s : sizes) {
                if (s < Phase.MIN_SIZE_BYTES || s > 1 << 20) {
                    throw new IllegalArgumentException("sizes must be " + Phase.MIN_SIZE_BYTES + " to 1048576 bytes (a"
                            + " message carries a 12-byte send stamp and a phase byte), got " + s);
                }
            }
            if (seconds < 1 || warmupSeconds < 0) {
                throw new IllegalArgumentException("--seconds must be at least 1 and --warmup at least 0");
            }
            sizes = List.copyOf(sizes);
            clientCommand = List.copyOf(clientCommand);
            totemOptions = Map.copyOf(totemOptions);
            systemOptions = Map.copyOf(systemOptions);
        }

        /** Whether CPG client processes send and count through the nodes' sockets. */
        public boolean ipc() {
            return !clientCommand.isEmpty();
        }
    }

    /** What the run measured: one entry per size, then the sweep's (empty without one). */
    public record Outcome(List<Figures> bySize, List<Figures> sweep, Path json) {}

    private final Options options;
    private final Consumer<String> say;
    /** The node processes. */
    private final List<Process> processes = new ArrayList<>();
    /** The processes that take phase lines and answer with results: the nodes, or their clients. */
    private final List<Process> workers = new ArrayList<>();
    private final List<BlockingQueue<String>> results = new ArrayList<>();
    private final Map<Integer, String> lastRegular = new TreeMap<>();
    private int nextPhase = 1;

    public BenchRun(Options options, Consumer<String> say) {
        this.options = options;
        this.say = say;
    }

    public Outcome run() throws IOException, InterruptedException {
        try (ChildNodes.OnExit stop = ChildNodes.stopChildrenOnExit()) {
            return measureAll();
        }
    }

    private Outcome measureAll() throws IOException, InterruptedException {
        try {
            startCluster();
            List<Figures> bySize = new ArrayList<>();
            for (int size : options.sizes()) {
                Figures f = measure(size, 0, options.warmupSeconds(), options.seconds());
                say.accept(f.line());
                bySize.add(f);
            }
            List<Figures> sweep = new ArrayList<>();
            if (options.sweep()) {
                Figures max = bySize.get(0);
                long maxOffered = Math.max(options.senders(), Math.round(max.medianMsgsPerSecond()));
                say.accept("sweep at size " + max.sizeBytes() + ": offering 10% to 100% of " + maxOffered + " msgs/s");
                for (int pct = 10; pct <= 100; pct += 10) {
                    long offered = maxOffered * pct / 100;
                    // The JVMs are warm by now: a short settling time per load step.
                    Figures f = measure(max.sizeBytes(), offered, Math.min(options.warmupSeconds(), SWEEP_SETTLE_SECONDS),
                            Math.max(2, options.seconds() / 2));
                    say.accept(pct + "% " + f.line());
                    sweep.add(f);
                }
            }
            Path json = BenchReport.write(options, bySize, sweep);
            return new Outcome(bySize, sweep, json);
        } finally {
            stopCluster();
        }
    }

    private void startCluster() throws IOException, InterruptedException {
        Map<Integer, String> addresses = new TreeMap<>();
        for (int n = 1; n <= options.nodes(); n++) {
            addresses.put(n, NodeRunner.loopback(n).getHostAddress());
        }
        int port = NodeRunner.freeUdpPortOnLoopbacks(options.nodes())
                .orElseThrow(() -> new IOException("no UDP port free on every one of 127.0.0.1-" + options.nodes()));
        boolean udp = options.transport().equals("udp");
        Path config = new ClusterFile("bench", options.transport(), addresses, udp ? port + 1 : port,
                udp ? Optional.of("239.192.77." + (1 + port % 250)) : Optional.empty(), 1000, options.keyFile(),
                options.totemOptions(), options.systemOptions())
                .write(options.dir().resolve("totem.conf"));
        for (int n = 1; n <= options.nodes(); n++) {
            List<String> cmd = childCommand(options.nodeCommand(),
                    options.jfr() ? Optional.of(options.dir().resolve("node" + n + ".jfr")) : Optional.empty());
            cmd.addAll(List.of("-c", config.toString(), "--nodeid", Integer.toString(n), "--state-dir",
                    options.dir().resolve("state" + n).toString()));
            if (options.ipc()) {
                cmd.addAll(List.of("--cpg-socket", socket(n).toString(), "--admin-socket", adminSocket(n).toString()));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectError(options.dir().resolve("node" + n + ".log").toFile());
            if (options.ipc()) {
                pb.redirectOutput(ProcessBuilder.Redirect.appendTo(options.dir().resolve("node" + n + ".log").toFile()));
            }
            Process p = pb.start();
            processes.add(p);
            if (!options.ipc()) {
                startWorker(n, p);
            }
        }
        if (options.ipc()) {
            startClients();
        } else {
            awaitRing(addresses.keySet().toString());
        }
        say.accept(String.format(Locale.ROOT, "ring of %d formed (%s, frames %s, %s%s); %d senders, %d s per size after %d s"
                + " warm-up", options.nodes(), options.transport(), options.keyFile().isPresent() ? "sealed" : "in the clear",
                options.guarantee().name().toLowerCase(Locale.ROOT), options.ipc() ? ", CPG clients over IPC" : ", in the node's JVM",
                options.senders(), options.seconds(), options.warmupSeconds())
                + (options.totemOptions().isEmpty() ? "" : "; totem " + new TreeMap<>(options.totemOptions())));
    }

    private Path socket(int node) {
        return options.dir().resolve("cpg" + node + ".sock");
    }

    private Path adminSocket(int node) {
        return options.dir().resolve("admin" + node + ".sock");
    }

    private void startWorker(int n, Process p) {
        workers.add(p);
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        results.add(q);
        Thread reader = new Thread(() -> read(n, p, q), "bench-worker-" + n);
        reader.setDaemon(true);
        reader.start();
    }

    /** ipc mode: one client per node; they say READY once all of them are in the group, so the ring is whole. */
    private void startClients() throws IOException, InterruptedException {
        for (int n = 1; n <= options.nodes(); n++) {
            List<String> cmd = childCommand(options.clientCommand(),
                    options.jfr() ? Optional.of(options.dir().resolve("client" + n + ".jfr")) : Optional.empty());
            cmd.addAll(List.of("--socket", socket(n).toString(), "--admin-socket", adminSocket(n).toString(), "--nodeid",
                    Integer.toString(n), "--members",
                    Integer.toString(options.nodes())));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectError(options.dir().resolve("client" + n + ".log").toFile());
            startWorker(n, pb.start());
        }
        try {
            awaitClients();
        } catch (IOException e) {
            // Not ready, they do not read "quit" yet: SIGTERM, so the stop does not wait for them.
            workers.forEach(Process::destroy);
            throw e;
        }
    }

    private void awaitClients() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FORM_TIMEOUT_MS);
        for (int n = 1; n <= options.nodes(); n++) {
            String line;
            // In slices, so that a node or client that exits (a configuration it refuses, a
            // socket it cannot bind) ends the wait at once, with its reason, not after a minute.
            while ((line = results.get(n - 1).poll(100, TimeUnit.MILLISECONDS)) == null) {
                checkAlive(processes, "node");
                checkAlive(workers, "client");
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            if (!BenchNode.READY.equals(line)) {
                throw new IOException("client " + n + " was not ready within " + FORM_TIMEOUT_MS / 1000 + " s ("
                        + (line == null ? "it said nothing" : "it said: " + line) + "); logs in " + options.dir());
            }
        }
    }

    /**
     * Fails when one of {@code list} (processes named {@code kind}1, {@code kind}2, ... in the
     * folder's logs) has exited, with its exit code and the last line of its log: the reason, when
     * a node refused its configuration.
     */
    private void checkAlive(List<Process> list, String kind) throws IOException {
        for (int i = 0; i < list.size(); i++) {
            Process p = list.get(i);
            if (!p.isAlive()) {
                Path log = options.dir().resolve(kind + (i + 1) + ".log");
                throw new IOException(kind + " " + (i + 1) + " exited with " + p.exitValue() + lastLine(log) + "; its log is " + log);
            }
        }
    }

    /**
     * ": " and the last line of {@code log} that names an error ("error:", as the configuration
     * check writes), else its last non-blank line; nothing when it has none.
     */
    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            String last = null;
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).strip();
                if (line.contains("error:")) {
                    return ": " + line;
                }
                if (last == null && !line.isEmpty()) {
                    last = line;
                }
            }
            if (last != null) {
                return ": " + last;
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // No log to quote: the exit code says what there is.
        }
        return "";
    }

    private void awaitRing(String all) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FORM_TIMEOUT_MS);
        while (!formed(all)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the ring of " + options.nodes() + " nodes did not form in " + FORM_TIMEOUT_MS / 1000
                        + " s; node logs are in " + options.dir());
            }
            checkAlive(processes, "node");
            Thread.sleep(50);
        }
    }

    private synchronized boolean formed(String all) {
        if (lastRegular.size() < options.nodes()) {
            return false;
        }
        return lastRegular.values().stream().allMatch(all::equals);
    }

    private Figures measure(int size, long offeredTotal, int warmupSeconds, int seconds)
            throws IOException, InterruptedException {
        int id = nextPhase++;
        if (id > 127) {
            throw new IllegalStateException("more than 127 phases in one run");
        }
        long perSender = offeredTotal == 0 ? 0 : Math.max(1, offeredTotal / options.senders());
        for (int n = 1; n <= options.nodes(); n++) {
            Phase p = new Phase(id, size, warmupSeconds * 1000L, seconds * 1000L, perSender, options.guarantee(),
                    n <= options.senders());
            OutputStream in = workers.get(n - 1).getOutputStream();
            in.write((p.line() + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        double[] daemonCpu = options.ipc() ? daemonCpuSeconds(options.warmupSeconds() * 1000L, seconds * 1000L) : null;
        // In ipc mode the window is over already: daemonCpuSeconds waited for it.
        long waitMs = (daemonCpu != null ? 0 : (options.warmupSeconds() + seconds) * 1000L) + RESULT_GRACE_MS;
        List<PhaseResult> got = new ArrayList<>();
        for (int n = 1; n <= options.nodes(); n++) {
            String line = results.get(n - 1).poll(waitMs, TimeUnit.MILLISECONDS);
            if (line == null) {
                // In ipc mode the result comes from the node's client, whose log says why first.
                throw new IOException("node " + n + " gave no result for size " + size + " within " + waitMs / 1000
                        + " s; " + (options.ipc() ? "its client's log is " + options.dir().resolve("client" + n + ".log")
                                + ", the node's " : "its log is ") + options.dir().resolve("node" + n + ".log"));
            }
            PhaseResult r = PhaseResult.parse(line);
            if (r.id() != id) {
                throw new IOException("node " + n + " answered phase " + r.id() + ", expected " + id);
            }
            if (daemonCpu != null) {
                // A node's CPU is its daemon's and its client's.
                r = new PhaseResult(r.id(), r.delivered(), r.seconds(), r.cpuSeconds() + daemonCpu[n - 1], r.submitted(),
                        r.refused(), r.latencyMicros());
            }
            got.add(r);
            waitMs = RESULT_GRACE_MS;
        }
        return Figures.of(size, offeredTotal, got);
    }

    /**
     * ipc mode: the node daemons' CPU seconds over the counted window (which starts {@code
     * warmupMs} from now), read from the outside, since a daemon does not report to the bench.
     */
    private double[] daemonCpuSeconds(long warmupMs, long measureMs) throws InterruptedException {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        sleepUntil(start);
        long[] before = new long[processes.size()];
        for (int i = 0; i < before.length; i++) {
            before[i] = cpuNanos(processes.get(i));
        }
        sleepUntil(start + TimeUnit.MILLISECONDS.toNanos(measureMs));
        double[] seconds = new double[before.length];
        for (int i = 0; i < before.length; i++) {
            seconds[i] = (cpuNanos(processes.get(i)) - before[i]) / 1e9;
        }
        return seconds;
    }

    private static long cpuNanos(Process p) {
        return p.info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left); // the phase's window in real time
        }
    }

    private void read(int node, Process p, BlockingQueue<String> q) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Optional<ConfigLine> regular = ConfigLine.parse(line).filter(ConfigLine::regular);
                if (line.startsWith("RESULT ") || line.equals(BenchNode.READY)) {
                    q.add(line);
                } else if (regular.isPresent()) {
                    synchronized (this) {
                        lastRegular.put(node, regular.get().members());
                    }
                } else if (line.startsWith("ERROR")) {
                    say.accept("node " + node + ": " + line);
                }
            }
        } catch (IOException e) {
            // the process ended; a missing result is reported by measure
        }
    }

    private void stopCluster() throws InterruptedException {
        // Workers take "quit" (and its end) as the order to stop; in embedded mode they are the nodes.
        ChildNodes.quit(workers);
        if (options.ipc()) {
            // SIGTERM: the daemons leave the ring cleanly.
            ChildNodes.terminate(processes.stream().map(Process::toHandle).collect(Collectors.toList()));
        }
    }

    /** The run's folder, created. */
    static Path folder(Path requested) throws IOException {
        return requested != null ? Files.createDirectories(requested) : Files.createTempDirectory("totem-bench-");
    }

    /** A child's command: the java command with the JFR option (when recording) right after the java executable. */
    static List<String> childCommand(List<String> javaCommand, Optional<Path> jfrFile) {
        List<String> cmd = new ArrayList<>(javaCommand);
        jfrFile.ifPresent(f -> cmd.add(1, "-XX:StartFlightRecording=settings=profile,filename=" + f));
        return cmd;
    }
}
