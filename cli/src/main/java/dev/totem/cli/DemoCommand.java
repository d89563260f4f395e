package dev.totem.cli;

import dev.totem.crypto.KeyFile;
import dev.totem.node.config.ClusterFile;
import dev.totem.node.runtime.ChildNodes;
import dev.totem.node.runtime.ConfigLine;
import dev.totem.node.runtime.NodeRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem demo}: the README's main job. Starts three node processes on loopback (each its
 * own JVM, sealed frames, 127.0.0.1 to .3), each submitting agreed and safe messages; kills one
 * with SIGKILL, restarts it, and checks at the end that every node delivered in one order.
 * The last line is the contract scripts read:
 * {@code demo: nodes=3 delivered=D identical-order=yes|no configs=C}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "3 node processes on loopback: kill one, check one order.")
public final class DemoCommand implements Callable<Integer> {
    private static final int NODES = 3;
    private static final long FORM_TIMEOUT_MS = 30_000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--transport", defaultValue = "udpu", description = "udpu (unicast) or udp (multicast on lo); default ${DEFAULT-VALUE}.")
    private String transport;

    @Option(names = "--rate", defaultValue = "200", description = "Messages each node submits per second (default ${DEFAULT-VALUE}).")
    private int rate;

    private PrintWriter out;
    private final Map<Integer, String> lastConfig = new ConcurrentHashMap<>();
    private final Map<Integer, String> progress = new ConcurrentHashMap<>();
    private final AtomicInteger configs = new AtomicInteger();
    private final Process[] processes = new Process[NODES + 1];
    private final List<Thread> relays = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        try (ChildNodes.OnExit stop = ChildNodes.stopChildrenOnExit()) {
            return run();
        }
    }

    private int run() throws Exception {
        out = spec.commandLine().getOut();
        if (!transport.equals("udpu") && !transport.equals("udp")) {
            throw new UserError("--transport must be udpu or udp, got '" + transport + "'");
        }
        Path dir = Files.createTempDirectory("totem-demo-");
        Path config = writeConfig(dir);
        say("demo: 3 nodes on 127.0.0.1-3 (" + transport + ", AES-256-GCM sealed), files in " + dir);
        List<Path> deliveryFiles = new ArrayList<>();
        try {
            for (int id = 1; id <= NODES; id++) {
                deliveryFiles.add(start(id, config, dir, "a"));
            }
            awaitOrFail(() -> allIn(new int[] {1, 2, 3}, "[1, 2, 3]"), "the first ring of 3 nodes");
            say("demo: ring of 3 formed; every node submits " + rate + " msgs/s (30% safe)");
            waitMillis(4_000);
            say("demo: killing node 3 with SIGKILL");
            processes[3].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            lastConfig.remove(3);
            awaitOrFail(() -> allIn(new int[] {1, 2}, "[1, 2]"), "nodes 1 and 2 to form a ring without node 3");
            waitMillis(2_000);
            say("demo: restarting node 3 on its state directory");
            deliveryFiles.add(start(3, config, dir, "b"));
            awaitOrFail(() -> allIn(new int[] {1, 2, 3}, "[1, 2, 3]"), "node 3 to merge back");
            waitMillis(4_000);
            say("demo: stopping every node with SIGTERM (each leaves the ring cleanly)");
            List<ProcessHandle> nodes = new ArrayList<>();
            for (int id = 1; id <= NODES; id++) {
                nodes.add(processes[id].toHandle());
            }
            ChildNodes.terminate(nodes);
        } finally {
            for (Process p : processes) {
                if (p != null && p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }
        for (Thread relay : relays) {
            relay.join(5_000); // their last lines (DONE) come before the report
        }
        return report(deliveryFiles);
    }

    private Path writeConfig(Path dir) throws IOException {
        Path key = dir.resolve("authkey");
        writeKey(key);
        return writeConfig(dir, transport, key, "totem.conf");
    }

    /** A random key file of the default size, mode 0400. */
    static void writeKey(Path key) throws IOException {
        byte[] bytes = new byte[KeyFile.DEFAULT_BYTES];
        new SecureRandom().nextBytes(bytes);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(key, bytes);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
    }

    /** The demo cluster's configuration: 3 nodes on 127.0.0.1-3, a free port, sealed with {@code key}. */
    static Path writeConfig(Path dir, String transport, Path key, String name) throws IOException {
        int port = NodeRunner.freeUdpPortOnLoopbacks(NODES).orElseThrow(() -> new UserError("no UDP port free on 127.0.0.1-3"));
        boolean udp = transport.equals("udp");
        Map<Integer, String> addresses = new TreeMap<>();
        for (int id = 1; id <= NODES; id++) {
            addresses.put(id, NodeRunner.loopback(id).getHostAddress());
        }
        SecureRandom random = new SecureRandom();
        Optional<String> group = udp ? Optional.of("239.192." + (1 + random.nextInt(250)) + "." + (1 + random.nextInt(250)))
                : Optional.empty();
        return new ClusterFile("demo", transport, addresses, udp ? port + 1 : port, group, 1000, Optional.of(key), Map.of())
                .write(dir.resolve(name));
    }

    private Path start(int id, Path config, Path dir, String incarnation) throws IOException {
        Path deliveries = dir.resolve("node" + id + "-" + incarnation + ".ids");
        List<String> command = new ArrayList<>(ChildJvm.command("demo-node", "-Xmx256m"));
        command.addAll(List.of("-c", config.toString(), "--nodeid", Integer.toString(id), "--state-dir",
                dir.resolve("state" + id).toString(), "--deliveries", deliveries.toString(), "--rate", Integer.toString(rate)));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(dir.resolve("node" + id + "-" + incarnation + ".log").toFile());
        Process p = pb.start();
        processes[id] = p;
        Thread relay = new Thread(() -> relay(id, p), "demo-relay-" + id);
        relay.setDaemon(true);
        relay.start();
        relays.add(relay);
        return deliveries;
    }

    private void relay(int id, Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Optional<ConfigLine> config = ConfigLine.parse(line);
                if (config.isPresent()) {
                    ConfigLine c = config.get();
                    configs.incrementAndGet();
                    if (c.regular()) {
                        lastConfig.put(id, c.members());
                    }
                    say(String.format("  node %d: %-12s configuration, ring %s, members %s", id, c.kind(), c.ring(), c.members()));
                } else if (line.startsWith("PROGRESS ")) {
                    progress.put(id, line.substring("PROGRESS ".length()));
                } else if (line.startsWith("DONE ")) {
                    say("  node " + id + ": left, " + line.substring("DONE ".length()));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private boolean allIn(int[] ids, String members) {
        for (int id : ids) {
            if (!members.equals(lastConfig.get(id))) {
                return false;
            }
        }
        return true;
    }

    private void awaitOrFail(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FORM_TIMEOUT_MS);
        long nextProgress = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new UserError("demo: waited " + FORM_TIMEOUT_MS / 1000 + " s for " + what + "; node logs are in the demo folder");
            }
            if (System.nanoTime() > nextProgress) {
                nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            }
            Thread.sleep(50);
        }
    }

    /** Waits, printing the nodes' progress once a second. */
    private void waitMillis(long ms) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(1_000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            StringBuilder b = new StringBuilder("  progress:");
            for (int id = 1; id <= NODES; id++) {
                b.append("  node ").append(id).append(' ').append(progress.getOrDefault(id, "-"));
            }
            say(b.toString());
        }
    }

    private int report(List<Path> files) throws IOException {
        List<List<String>> sequences = new ArrayList<>();
        long delivered = 0;
        boolean identical = true;
        for (Path f : files) {
            List<String> ids = Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
            if (!ids.isEmpty() && ids.get(ids.size() - 1).isEmpty()) {
                ids = ids.subList(0, ids.size() - 1);
            }
            if (new HashSet<>(ids).size() != ids.size()) {
                say("demo: " + f.getFileName() + " delivered a message twice");
                identical = false;
            }
            sequences.add(ids);
            delivered += ids.size();
            say(String.format("demo: %-12s delivered %6d, order digest %s", f.getFileName().toString().replace(".ids", ""),
                    ids.size(), digest(ids)));
        }
        for (int i = 0; i < sequences.size(); i++) {
            for (int j = i + 1; j < sequences.size(); j++) {
                if (!sameRelativeOrder(sequences.get(i), sequences.get(j))) {
                    say("demo: " + files.get(i).getFileName() + " and " + files.get(j).getFileName()
                            + " delivered common messages in different orders");
                    identical = false;
                }
            }
        }
        out.println("demo: nodes=" + NODES + " delivered=" + delivered + " identical-order=" + (identical ? "yes" : "no")
                + " configs=" + configs.get());
        out.flush();
        return identical ? 0 : 1;
    }

    /** The messages both delivered come in the same order in both. */
    static boolean sameRelativeOrder(List<String> a, List<String> b) {
        Set<String> inA = new HashSet<>(a);
        Set<String> inB = new HashSet<>(b);
        List<String> aCommon = a.stream().filter(inB::contains).toList();
        List<String> bCommon = b.stream().filter(inA::contains).toList();
        return aCommon.equals(bCommon);
    }

    private static String digest(List<String> ids) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String id : ids) {
                sha.update(id.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized void say(String line) {
        out.println(line);
        out.flush();
    }
}
