package dev.totem.cli;

import dev.totem.jepsen.FaultKind;
import dev.totem.jepsen.HistoryJudge;
import dev.totem.jepsen.IpFamily;
import dev.totem.jepsen.JepsenRun;
import dev.totem.jepsen.Lab;
import dev.totem.jepsen.Shell;
import dev.totem.simulator.check.Violation;
import dev.totem.simulator.run.Layer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem jepsen}: real node processes in network namespaces under a seeded nemesis,
 * judged from their histories by the simulator's EVS checker. The last line is the contract
 * scripts read: {@code jepsen: nodes=N faults=F submitted=S delivered=D violations=V}; the exit
 * code is 0 only when V is 0.
 */
@Command(name = "jepsen", mixinStandardHelpOptions = true,
        description = {"Real processes in netns under faults; histories checked.", "",
                "Node processes in network namespaces under kills, pauses, partitions and packet loss; their"
                + " histories are checked for Extended Virtual Synchrony. Needs root, iproute2 and nftables."})
public final class JepsenCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "5", description = "Nodes, 2 to 16 (default ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--duration", defaultValue = "60", description = "Seconds of faults (default ${DEFAULT-VALUE}).")
    private int durationSeconds;

    @Option(names = "--faults", defaultValue = "kill,pause,partition,loss",
            description = "Faults to draw from: kill, pause, partition, loss, netfail (one network fails; needs"
                    + " --networks 2), stall (a CPG client process stops reading; needs --layer cpg),"
                    + " oneway (frames from one node to another blocked one way for 20 to 40 s),"
                    + " partial (two links blocked, each one way or both ways, for 20 to 40 s; 3 nodes or more)"
                    + " (default ${DEFAULT-VALUE}).")
    private String faults;

    @Option(names = "--networks", defaultValue = "1",
            description = "Networks per node, 1 to 4; with 2 or more the nodes run a redundant ring (default ${DEFAULT-VALUE}).")
    private int networks;

    @Option(names = "--base-loss", defaultValue = "0",
            description = "Share of incoming frames every node drops all through the faults, 0 to 0.5 (default ${DEFAULT-VALUE}).")
    private double baseLoss;

    @Option(names = "--rrp", defaultValue = "passive",
            description = "Redundant ring mode with --networks 2 or more: passive or active (default ${DEFAULT-VALUE}).")
    private String rrpMode;

    @Option(names = "--seed", description = "The nemesis's seed (default: random, printed).")
    private Long seed;

    @Option(names = "--out", description = "Folder for configuration, traces, logs and the timeline (default: a new temporary folder).")
    private Path out;

    @Option(names = "--rate", defaultValue = "100",
            description = "Messages each node submits per second; with --layer cpg, its processes' steps (default ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--layer", defaultValue = "engine",
            description = "engine: each node submits raw messages; cpg: each node runs the CPG service with 2 or 3"
                    + " processes in its JVM and one client process over its socket, joining, leaving, multicasting"
                    + " and exiting, checked as ./totem sim --layer cpg checks them (default ${DEFAULT-VALUE}).")
    private String layer;

    @Option(names = "--ipv6", description = "Run the networks over IPv6 (fd77:<k>::<node>) instead of IPv4 (10.<77+k>.0.<node>).")
    private boolean ipv6;

    @Option(names = "--transport", defaultValue = "udpu",
            description = "udpu (a datagram per peer) or udp (multicast to 239.192.77.1, or ff15::77:1 with --ipv6;"
                    + " network k's group ends in 1+k) (default ${DEFAULT-VALUE}).")
    private String transport;

    @Option(names = "--cleanup", description = "Only remove what an earlier run left (namespaces, rules, processes), then exit.")
    private boolean cleanup;

    @Option(names = "--planted-bug", hidden = true,
            description = "Tests only: every node's processor skips recovery, which the checker must catch.")
    private boolean plantedBug;

    private PrintWriter console;
    private final long startNanos = System.nanoTime();

    @Override
    public Integer call() throws Exception {
        console = spec.commandLine().getOut();
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new UserError("jepsen: needs root (it makes network namespaces and nftables rules); run it with sudo");
        }
        List<String> missing = Shell.missingCommands(System.getenv("PATH"));
        if (!missing.isEmpty()) {
            throw new UserError("jepsen: needs the commands " + String.join(" and ", Shell.REQUIRED) + ", and "
                    + String.join(" and ", missing) + (missing.size() > 1 ? " are" : " is")
                    + " not on PATH; on Debian: apt-get install " + Shell.PACKAGES);
        }
        if (cleanup) {
            List<String> removed = Lab.removeAll();
            say(removed.isEmpty() ? "nothing to clean up" : "removed " + String.join(", ", removed));
            return 0;
        }
        List<String> left = Lab.leftovers();
        if (!left.isEmpty()) {
            throw new UserError("jepsen: an earlier run left " + String.join(", ", left)
                    + " behind; remove them (and their processes) with ./totem jepsen --cleanup");
        }
        List<FaultKind> kinds;
        try {
            kinds = new ArrayList<>(FaultKind.parseList(faults));
        } catch (IllegalArgumentException e) {
            throw new UserError("jepsen: " + e.getMessage());
        }
        long runSeed = seed != null ? seed : new java.security.SecureRandom().nextLong() & Long.MAX_VALUE;
        Path dir = out != null ? Files.createDirectories(out) : Files.createTempDirectory("totem-jepsen-");
        Path key = dir.resolve("authkey");
        Files.deleteIfExists(key);
        DemoCommand.writeKey(key);
        JepsenRun.Options options;
        try {
            options = new JepsenRun.Options(nodes, durationSeconds, kinds, runSeed, dir, key,
                    ChildJvm.command("jepsen-node", "-Xmx192m", "-XX:+UseSerialGC"), rate, plantedBug, networks, rrpMode,
                    baseLoss, Layer.parse(layer), ChildJvm.command("jepsen-client", "-Xmx96m", "-XX:+UseSerialGC"),
                    ipv6 ? IpFamily.IPV6 : IpFamily.IPV4, transport);
        } catch (IllegalArgumentException e) {
            throw new UserError("jepsen: " + e.getMessage());
        }
        say("seed " + runSeed + "; files in " + dir + "; replay the fault schedule with --seed " + runSeed);
        JepsenRun.Outcome outcome = new JepsenRun(options, this::say).run();
        for (Map.Entry<String, Integer> e : HistoryJudge.byProperty(outcome.violations(), options.layer()).entrySet()) {
            say(String.format("  %-18s %s", e.getKey(), e.getValue() == 0 ? "ok" : e.getValue() + " violations"));
        }
        for (Violation v : outcome.violations().stream().limit(20).toList()) {
            say("  violation: " + v);
        }
        console.println("jepsen: nodes=" + nodes + " faults=" + outcome.faults() + " submitted=" + outcome.submitted()
                + " delivered=" + outcome.delivered() + " violations=" + outcome.violations().size());
        console.flush();
        return outcome.violations().isEmpty() ? 0 : 1;
    }

    private synchronized void say(String line) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        console.println(String.format(java.util.Locale.ROOT, "jepsen %s +%6.1fs  %s",
                LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), seconds, line));
        console.flush();
    }

}
