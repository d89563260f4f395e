package dev.totem.cli;

import dev.totem.locks.LockConfig;
import dev.totem.locks.bench.LocksBench;
import dev.totem.locks.bench.LocksCluster;
import dev.totem.node.runtime.ChildNodes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./totem locks}: the replicated lock service of module locks. */
@Command(name = "locks", mixinStandardHelpOptions = true,
        description = "The lock service over CPG, and its benchmark.",
        subcommands = {LocksCommand.Bench.class})
public final class LocksCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** {@code ./totem locks bench}. */
    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Locks/s replicated over CPG against client/server, side by side.",
            footer = {"%nEach client runs a closed loop on a lock of its own: acquire, wait",
                "for the grant, release. Client/server: one server process (one thread)",
                "holds the table; clients are threads of this process on blocking TCP",
                "over loopback (a round trip per acquire; releases are not answered).",
                "Replicated: --nodes node",
                "processes on 127.0.0.1-N (frames in the clear), each with CPG and one",
                "lock service that its share of the clients use; a grant is decided",
                "when the request is delivered. The last line is",
                "  locks: replicated=R/s client-server=C/s ratio=X"})
    static final class Bench implements Callable<Integer> {
        /** The most clients: each holds a request in every table, and a full table's snapshot must fit in one CPG message. */
        static final int CLIENTS_MAX = 16_384;
        /**
         * JVM options of the node processes and of the server process, the same for both modes,
         * besides {@link ChildJvm#COLLECTOR}, the parallel one. A busy replica allocates a few
         * hundred bytes per request and keeps each for a ring rotation or two. G1 in 512 MiB
         * promoted the requests in flight and paused each node for 50-150 ms every half second;
         * the parallel collector with a young generation of 128 MiB collects every 0.3 s in 5-6
         * ms, finding 15 MiB alive. Larger young generations did worse, step by step (256, 512,
         * 1200 MiB: each new allocation touches colder memory). The initial heap is set (the
         * default on the 24 GiB host of those figures, RAM/64): on a host with under 8 GiB the
         * default is smaller than the young generation, and the JVM then prints a warning on
         * stdout, ahead of the server's LISTENING line.
         */
        static final String[] JVM_OPTIONS = {"-Xmx1g", "-Xms384m", "-Xmn128m"};
        /** How long the server process may take to listen. */
        static final Duration SERVER_START = Duration.ofSeconds(30);

        @Spec
        private CommandSpec spec;

        @Option(names = "--nodes", description = "Node processes of the replicated mode (default ${DEFAULT-VALUE}).", defaultValue = "3")
        private int nodes;

        @Option(names = "--clients", description = "Clients of the replicated mode, spread over the nodes (default ${DEFAULT-VALUE}):"
                + " a closed loop's rate is the requests in flight over the latency, and the ring's rotation takes milliseconds.",
                defaultValue = "16000")
        private int clients;

        @Option(names = "--server-clients", description = "Clients of the client/server mode, a thread each (default ${DEFAULT-VALUE}:"
                + " about where one server thread saturates; thousands of threads only slow it down).", defaultValue = "48")
        private int serverClients;

        @Option(names = "--seconds", description = "Measured seconds per mode (default ${DEFAULT-VALUE}).", defaultValue = "5")
        private int seconds;

        @Option(names = "--warmup", description = "Seconds run before measuring, per mode: the JIT of three node JVMs on"
                + " two cores takes that long to compile the hot path (default ${DEFAULT-VALUE}).", defaultValue = "15")
        private int warmup;

        @Option(names = "--mode", description = "both, replicated or client-server (default ${DEFAULT-VALUE}).", defaultValue = "both")
        private String mode;

        @Option(names = "--guarantee", description = "How acquires and releases travel when replicated: safe or agreed (default ${DEFAULT-VALUE}).",
                defaultValue = "safe")
        private String guarantee;

        @Option(names = "--netmtu", description = "netmtu of the replicated ring (default ${DEFAULT-VALUE}: loopback carries 64 KiB"
                + " datagrams, and a frame's cost is mostly per frame, not per byte).", defaultValue = "60000")
        private int netmtu;

        @Option(names = "--window", description = "window_size: frames per token rotation (default ${DEFAULT-VALUE}, with"
                + " --netmtu 60000 as tuned for ./totem bench on loopback; corosync's is 50).", defaultValue = "30")
        private int window;

        @Option(names = "--max-messages", description = "max_messages: frames per node per token visit (default ${DEFAULT-VALUE};"
                + " corosync's is 17).", defaultValue = "10")
        private int maxMessages;

        @Option(names = "--service", description = "Where each node runs its lock service: loop (on the node's loop, with"
                + " the handle's callbacks) or thread (a thread of its own, the callbacks queued for it) (default ${DEFAULT-VALUE}).",
                defaultValue = "loop")
        private String service;

        @Option(names = "--out", description = "Folder for the configuration and the node logs (default: a new temporary folder).")
        private Path out;

        @Override
        public Integer call() throws Exception {
            try (ChildNodes.OnExit stop = ChildNodes.stopChildrenOnExit()) {
                return measure();
            }
        }

        private int measure() throws Exception {
            String m = mode.trim().toLowerCase(Locale.ROOT);
            if (!m.equals("both") && !m.equals("replicated") && !m.equals("client-server")) {
                throw new UserError("unknown mode '" + mode + "'; expected both, replicated or client-server");
            }
            if (nodes < 1 || nodes > 16 || clients < 1 || clients > CLIENTS_MAX || serverClients < 1 || serverClients > 4096
                    || seconds < 1 || warmup < 0) {
                throw new UserError("need 1..16 nodes, 1.." + CLIENTS_MAX + " clients, 1..4096 server clients, at least 1 second"
                        + " and a warm-up of 0 or more");
            }
            String g = guarantee.trim().toLowerCase(Locale.ROOT);
            if (!g.equals("safe") && !g.equals("agreed")) {
                throw new UserError("unknown guarantee '" + guarantee + "'; expected safe or agreed");
            }
            String where = service.trim().toLowerCase(Locale.ROOT);
            if (!where.equals("thread") && !where.equals("loop")) {
                throw new UserError("unknown service placement '" + service + "'; expected thread or loop");
            }
            boolean onLoop = where.equals("loop");
            PrintWriter console = spec.commandLine().getOut();
            Duration warmUp = Duration.ofSeconds(warmup);
            Duration measured = Duration.ofSeconds(seconds);
            double cs = Double.NaN;
            double rep = Double.NaN;
            Path dir = out != null ? Files.createDirectories(out) : Files.createTempDirectory("totem-locks-");
            if (!m.equals("replicated")) {
                LocksBench.Figures f = clientServer(dir, warmUp, measured);
                cs = f.rate();
                console.println("client-server: " + f.summary() + " (" + serverClients + " clients, 1 server process,"
                        + " TCP on loopback)");
                console.flush();
            }
            if (!m.equals("client-server")) {
                Map<String, String> totem = Map.of("netmtu", Integer.toString(netmtu), "window_size", Integer.toString(window),
                        "max_messages", Integer.toString(maxMessages));
                List<String> nodeCommand = new ArrayList<>(ChildJvm.command("locks-node", JVM_OPTIONS));
                // Every client's lock is in every table: the table must hold them all. Bench names
                // are short (lock-N), so a full table's snapshot stays far below CPG's 1 MiB.
                nodeCommand.addAll(List.of("--guarantee", g, "--requests-max",
                        Integer.toString(Math.max(LockConfig.defaults().requestsMax(), clients))));
                if (onLoop) {
                    nodeCommand.add("--on-loop");
                }
                try (LocksCluster cluster = LocksCluster.start(nodes, dir, nodeCommand, totem)) {
                    LocksBench.Figures f = LocksBench.replicated(cluster, nodes, clients, warmUp, measured);
                    rep = f.rate();
                    console.println("replicated: " + f.summary() + " (" + clients + " clients on " + nodes + " node processes, "
                            + g + " requests, UDP on loopback, netmtu " + netmtu + ", window " + window + ", max_messages "
                            + maxMessages + "; logs in " + dir + ")");
                }
            }
            console.printf("locks: replicated=%s client-server=%s ratio=%s%n", rate(rep), rate(cs),
                    Double.isNaN(rep) || Double.isNaN(cs) ? "n/a" : String.format(Locale.ROOT, "%.1f", rep / cs));
            return 0;
        }

        /** Starts the server process, runs the clients against it from this JVM, and stops it. */
        private LocksBench.Figures clientServer(Path dir, Duration warmUp, Duration measured) throws Exception {
            Path log = dir.resolve("server.log");
            ProcessBuilder pb = new ProcessBuilder(ChildJvm.command("locks-server", JVM_OPTIONS));
            pb.redirectError(log.toFile());
            Process server = pb.start();
            try {
                BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return lines.readLine();
                    } catch (IOException e) {
                        return null;
                    }
                });
                String line;
                try {
                    line = first.get(SERVER_START.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    line = null;
                }
                if (line == null || !line.startsWith(LocksServerCommand.LISTENING)) {
                    throw new UserError("the lock server process did not start within " + SERVER_START.toSeconds()
                            + " s (it said " + (line == null ? "nothing" : "'" + line + "'") + "); its log is " + log);
                }
                int port = Integer.parseInt(line.substring(LocksServerCommand.LISTENING.length()).strip());
                return LocksBench.clientServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), serverClients,
                        warmUp, measured);
            } finally {
                try {
                    server.getOutputStream().close(); // the server ends when its stdin does
                } catch (IOException e) {
                    // gone already
                }
                if (!server.waitFor(5, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        }

        private static String rate(double r) {
            return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.0f/s", r);
        }
    }
}
