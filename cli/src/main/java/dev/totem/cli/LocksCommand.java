package dev.totem.cli;

import dev.totem.locks.LockConfig;
import dev.totem.locks.bench.LocksBench;
import dev.totem.locks.bench.LoopbackCpgCluster;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TotemConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
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
            footer = {"%nEach client runs a closed loop on a lock of its own: acquire, wait for the grant,",
                "release. Client/server: one server thread holds the table, clients are threads on",
                "blocking TCP over loopback (a round trip per acquire; releases are not answered).",
                "Replicated: the clients are lock services spread over --nodes CPG nodes in this JVM",
                "(one thread each, UDP over loopback); a grant is decided when the request is delivered.",
                "The last line is  locks: replicated=R/s client-server=C/s ratio=X"})
    static final class Bench implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--nodes", description = "CPG nodes of the replicated mode (default ${DEFAULT-VALUE}).", defaultValue = "3")
        private int nodes;

        @Option(names = "--clients", description = "Clients in each mode (default ${DEFAULT-VALUE}).", defaultValue = "48")
        private int clients;

        @Option(names = "--seconds", description = "Measured seconds per mode, after 1 s of warm-up (default ${DEFAULT-VALUE}).",
                defaultValue = "5")
        private int seconds;

        @Option(names = "--mode", description = "both, replicated or client-server (default ${DEFAULT-VALUE}).", defaultValue = "both")
        private String mode;

        @Option(names = "--guarantee", description = "How acquires and releases travel when replicated: safe or agreed (default ${DEFAULT-VALUE}).",
                defaultValue = "safe")
        private String guarantee;

        @Option(names = "--netmtu", description = "netmtu of the replicated ring (default ${DEFAULT-VALUE}).", defaultValue = "1500")
        private int netmtu;

        @Option(names = "--verbose", description = "Print each replicated node's counters (frames, idle waits, timers).")
        private boolean verbose;

        @Option(names = "--window", description = "window_size,max_messages of the replicated ring (default: corosync's 50,17).")
        private String windowSpec;

        @Override
        public Integer call() throws Exception {
            String m = mode.trim().toLowerCase();
            if (!m.equals("both") && !m.equals("replicated") && !m.equals("client-server")) {
                throw new UserError("unknown mode '" + mode + "'; expected both, replicated or client-server");
            }
            if (nodes < 1 || nodes > 16 || clients < 1 || clients > 4096 || seconds < 1) {
                throw new UserError("need 1..16 nodes, 1..4096 clients and at least 1 second");
            }
            Guarantee g = switch (guarantee.trim().toLowerCase()) {
                case "safe" -> Guarantee.SAFE;
                case "agreed" -> Guarantee.AGREED;
                default -> throw new UserError("unknown guarantee '" + guarantee + "'; expected safe or agreed");
            };
            PrintWriter out = spec.commandLine().getOut();
            Duration window = Duration.ofSeconds(seconds);
            double cs = Double.NaN;
            double rep = Double.NaN;
            if (!m.equals("replicated")) {
                LocksBench.Figures f = LocksBench.clientServer(clients, window);
                cs = f.rate();
                out.println("client-server: " + f.summary() + " (" + clients + " clients, 1 server, TCP on loopback)");
                out.flush();
            }
            if (!m.equals("client-server")) {
                TotemConfig base = TotemConfig.fromToken(TotemConfig.forNodeCount(nodes).tokenTimeoutMs(), netmtu);
                TotemConfig totem = base;
                if (windowSpec != null) {
                    String[] wm = windowSpec.split(",");
                    try {
                        totem = base.withWindow(Integer.parseInt(wm[0].trim()), Integer.parseInt(wm[wm.length - 1].trim()));
                    } catch (NumberFormatException e) {
                        throw new UserError("--window expects W,M (two numbers), got '" + windowSpec + "'");
                    }
                }
                LoopbackCpgCluster cluster = new LoopbackCpgCluster(nodes, totem);
                try {
                    LocksBench.Figures f = LocksBench.replicated(cluster, clients, window, LockConfig.defaults().withRequestGuarantee(g));
                    rep = f.rate();
                    out.println("replicated: " + f.summary() + " (" + clients + " clients on " + nodes + " nodes, "
                            + g.name().toLowerCase() + " requests, UDP on loopback, netmtu " + netmtu + ", window "
                            + totem.windowSize() + "," + totem.maxMessages() + ", one JVM)");
                } finally {
                    cluster.close();
                }
                if (verbose) {
                    cluster.stats().forEach(l -> out.println("  " + l));
                }
            }
            out.printf("locks: replicated=%s client-server=%s ratio=%s%n", rate(rep), rate(cs),
                    Double.isNaN(rep) || Double.isNaN(cs) ? "n/a" : String.format("%.1f", rep / cs));
            return 0;
        }

        private static String rate(double r) {
            return Double.isNaN(r) ? "n/a" : String.format("%.0f/s", r);
        }
    }
}
