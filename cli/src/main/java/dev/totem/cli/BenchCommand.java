package dev.totem.cli;

import dev.totem.perf.bench.BenchRun;
import dev.totem.protocol.api.Guarantee;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem bench}: a local cluster of node processes on loopback, senders multicasting as
 * fast as flow control admits; per size the per-node delivered rate, bandwidth, latency
 * percentiles and CPU per node. See {@link BenchRun}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Throughput and latency of node processes on loopback.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "3", description = "Node processes (default ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--senders", defaultValue = "3", description = "How many of them send (default ${DEFAULT-VALUE}).")
    private int senders;

    @Option(names = "--sizes", defaultValue = "64,1600,8000", split = ",", description = "Payload sizes in bytes (default ${DEFAULT-VALUE}).")
    private List<Integer> sizes;

    @Option(names = "--transport", defaultValue = "udpu", description = "udpu or udp (default ${DEFAULT-VALUE}).")
    private String transport;

    @Option(names = "--crypto", defaultValue = "on", description = "on (AES-256-GCM, the default) or off.")
    private String crypto;

    @Option(names = "--mode", defaultValue = "embedded", description = "embedded (the sender runs in the node's JVM on its raw submit; default), cpg (the same through"
            + " an embedded CPG handle), or ipc (node daemons, and a CPG client process per node sending and counting"
            + " through the daemon's socket, as corosync's cpgbench).")
    private String mode;

    @Option(names = "--guarantee", defaultValue = "agreed", description = "agreed or safe (default ${DEFAULT-VALUE}).")
    private String guarantee;

    @Option(names = "--sched-rr", description = "Run the nodes under real-time round-robin scheduling"
            + " (system.sched_rr: yes in their configuration; needs root or CAP_SYS_NICE), as corosync runs its daemon"
            + " by default: a token hop then waits for no other process's time slice. Embedded and cpg modes only.")
    private boolean schedRr;

    @Option(names = "--priority", paramLabel = "max|min|N", description = "The nodes' nice value (system.priority:"
            + " max is -20; negative values need root or CAP_SYS_NICE), as corosync's daemon without sched_rr: under"
            + " normal scheduling the nodes then wait less behind their clients, who may starve (ipc mode: give it a"
            + " long warm-up). Not with --sched-rr.")
    private String priority;

    @Option(names = "--seconds", defaultValue = "10", description = "Counted seconds per size (default ${DEFAULT-VALUE}).")
    private int seconds;

    /** Warm-up seconds per size; ipc mode starts six JVMs whose compilers share the CPUs, so it waits longer. */
    static final int WARMUP_SECONDS = 8;
    static final int IPC_WARMUP_SECONDS = 60;

    @Option(names = "--warmup", description = "Seconds sent before counting, per size (default " + WARMUP_SECONDS
            + ", " + IPC_WARMUP_SECONDS + " in ipc mode: the JIT compiles the hot path in the first seconds, and in ipc mode"
            + " six JVMs compile at once: at 20 s their compilers still took a third of the machine).")
    private Integer warmup;

    @Option(names = "--sweep", description = "Then offer 10%% to 100%% of the first size's maximum and chart latency against load.")
    private boolean sweep;

    @Option(names = "--netmtu", description = "netmtu of every node (default: corosync's 1500; loopback carries up to 65535).")
    private Integer netmtu;

    @Option(names = "--window", description = "window_size: frames per token rotation (default: corosync's 50).")
    private Integer window;

    @Option(names = "--max-messages", description = "max_messages: frames per node per token visit (default: corosync's 17).")
    private Integer maxMessages;

    @Option(names = "--jfr", description = "Record each node (and in ipc mode each client) with Java Flight Recorder (node<N>.jfr, client<N>.jfr in the folder).")
    private boolean jfr;

    @Option(names = "--out", description = "Folder for configuration, logs, bench.json and the SVG charts (default: a new temporary folder).")
    private Path out;

    private final long startNanos = System.nanoTime();

    @Override
    public Integer call() throws Exception {
        if (!mode.equals("embedded") && !mode.equals("cpg") && !mode.equals("ipc")) {
            throw new UserError("bench: --mode must be embedded, cpg or ipc, got '" + mode + "'");
        }
        boolean ipc = mode.equals("ipc");
        if (!crypto.equals("on") && !crypto.equals("off")) {
            throw new UserError("bench: --crypto must be on or off, got '" + crypto + "'");
        }
        if (!transport.equals("udpu") && !transport.equals("udp")) {
            throw new UserError("bench: --transport must be udpu or udp, got '" + transport + "'");
        }
        Guarantee g = GuaranteeOption.parse("bench", guarantee);
        Path dir = out != null ? Files.createDirectories(out) : Files.createTempDirectory("totem-bench-");
        Optional<Path> key = Optional.empty();
        if (crypto.equals("on")) {
            Path k = dir.resolve("authkey");
            Files.deleteIfExists(k);
            DemoCommand.writeKey(k);
            key = Optional.of(k);
        }
        Map<String, String> totem = new TreeMap<>();
        if (netmtu != null) {
            totem.put("netmtu", netmtu.toString());
        }
        if (window != null) {
            totem.put("window_size", window.toString());
        }
        if (maxMessages != null) {
            totem.put("max_messages", maxMessages.toString());
        }
        BenchHeaps heaps = BenchHeaps.forMachine(physicalMemoryBytes(), nodes, ipc);
        BenchRun.Options options;
        try {
            int warmupSeconds = warmup != null ? warmup : ipc ? IPC_WARMUP_SECONDS : WARMUP_SECONDS;
            if (schedRr && ipc) {
                // Measured once: real-time daemons starved their clients, and a run stalled.
                throw new UserError("bench: --sched-rr runs the embedded and cpg modes only (in ipc mode real-time"
                        + " daemons starved their clients; see perf/README.md)");
            }
            if (schedRr) {
                requireRealTimeScheduling();
            }
            if (schedRr && priority != null) {
                throw new UserError("bench: --priority applies without --sched-rr only (as system.priority in corosync)");
            }
            Map<String, String> system = new TreeMap<>();
            if (schedRr) {
                system.put("sched_rr", "yes");
            }
            if (priority != null) {
                system.put("priority", priority);
            }
            options = new BenchRun.Options(nodes, senders, new ArrayList<>(sizes), transport, key, g, seconds, warmupSeconds, sweep, dir,
                    ipc ? ChildJvm.command("node", heaps.node().toArray(String[]::new)) : nodeCommand(mode.equals("cpg"), heaps),
                    system,
                    ipc ? ChildJvm.command("bench-client", heaps.client().toArray(String[]::new)) : List.of(), totem, jfr);
        } catch (IllegalArgumentException e) {
            throw new UserError("bench: " + e.getMessage());
        }
        say("files in " + dir);
        say(heaps.describe(nodes, ipc));
        BenchRun.Outcome outcome;
        try {
            outcome = new BenchRun(options, this::say).run();
        } catch (IOException e) {
            // The cluster failed (a ring that did not form, a node without result): its logs say why.
            throw new UserError("bench: " + e.getMessage(), e);
        }
        say("results: " + outcome.json() + " and SVG charts beside it");
        return 0;
    }

    /** Refuses the run unless chrt shows real-time scheduling may be set here (the nodes would only warn). */
    static void requireRealTimeScheduling() {
        List<String> probe = List.of("chrt", "--rr", "1", "true");
        String why;
        try {
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            why = p.waitFor() == 0 ? null : output;
        } catch (IOException e) {
            why = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        if (why != null) {
            throw new UserError("bench: --sched-rr needs chrt (util-linux) and the right to set real-time priority"
                    + " (root or CAP_SYS_NICE): " + String.join(" ", probe) + " failed: " + why);
        }
    }

    private static List<String> nodeCommand(boolean cpg, BenchHeaps heaps) {
        List<String> cmd = new ArrayList<>(ChildJvm.command("bench-node", heaps.node().toArray(String[]::new)));
        if (cpg) {
            cmd.add("--cpg");
        }
        return cmd;
    }

    /** The machine's memory; 0 when the JVM cannot tell (then the bench takes the small heaps). */
    private static long physicalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    private void say(String line) {
        var console = spec.commandLine().getOut();
        console.println(String.format(Locale.ROOT, "bench %s +%5.0fs  %s",
                LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), (System.nanoTime() - startNanos) / 1e9, line));
        console.flush();
    }
}
