package dev.totem.cli;

import dev.totem.locks.sim.LockLayer;
import dev.totem.rrp.RrpMode;
import dev.totem.simulator.run.EngineKind;
import dev.totem.simulator.run.FaultProfile;
import dev.totem.simulator.run.Layer;
import dev.totem.simulator.run.Scenario;
import dev.totem.simulator.run.SeedRunner;
import dev.totem.simulator.timeline.TimelinePage;
import dev.totem.simulator.trace.TraceSink;
import dev.totem.simulator.trace.TraceWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./totem sim}: runs seeds of the deterministic simulator and checks every property. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Run seeds in the simulator and check the ordering properties.",
        footer = {"%nWithout --faults the ordering engine runs alone on a fixed ring (--engine srp);",
            "with --faults the full processor with membership runs (--engine totem).",
            "With --networks 2..8 every node runs a redundant ring (--rrp passive or active)",
            "over that many simulated networks; --faults netfail fails one network at a",
            "time, netfail-oneway also leaves one node deaf on a network while it is still",
            "heard there. --faults oneway cuts one link in one direction for a long phase",
            "(oneway-stability, repair-merge); --faults partial cuts two links, each one",
            "way or both ways, alike.",
            "--layer cpg runs processes in closed process groups over the CPG service of",
            "each node (always on --engine totem); --messages then counts their steps",
            "(joins, leaves, multicasts). --layer locks runs the replicated lock service of",
            "module locks on CPG; delivered= counts grants.",
            "Each failing seed is printed with the command that replays it. The netfail",
            "profiles fail networks only once the first ring formed and print",
            "  configs_after_fault_start=F",
            "(the configurations from then on). The last line is",
            "  seeds=K nodes=N delivered=D [configs=C] violations=V",
            "and the exit code is 0 only when V is 0."})
public final class SimCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--nodes", description = "Nodes in the ring (default ${DEFAULT-VALUE}).", defaultValue = "5")
    private int nodes;

    @Option(names = "--seeds", description = "Seeds to run, A..B or one seed (default ${DEFAULT-VALUE}).", defaultValue = "1..100")
    private String seeds;

    @Option(names = "--messages", description = "Messages submitted per seed (default ${DEFAULT-VALUE}).", defaultValue = "2000")
    private int messages;

    @Option(names = "--loss", description = "Loss probability of every frame copy, 0..1 (default ${DEFAULT-VALUE}).", defaultValue = "0")
    private double loss;

    @Option(names = "--safe-ratio", description = "Share of messages sent safe, 0..1 (default ${DEFAULT-VALUE}).", defaultValue = "0")
    private double safeRatio;

    @Option(names = "--size", description = "Payload size in bytes (default 64).")
    private Integer size;

    @Option(names = "--sizes", description = "Payload sizes A..B in bytes, drawn log-uniformly.")
    private String sizes;

    @Option(names = "--faults", description = "none, loss, partition, crash, pause, chaos, netfail, netfail-all, netfail-oneway, oneway, partial or retune.")
    private String faults;

    @Option(names = "--engine", description = "srp (fixed ring) or totem (with membership); default by --faults.")
    private String engine;

    @Option(names = "--token", description = "Token timeout in ms; 0 = corosync's default for the node count.", defaultValue = "0")
    private int tokenMs;

    @Option(names = "--networks", description = "Simulated networks, 1..8 (default ${DEFAULT-VALUE}).", defaultValue = "1")
    private int networks;

    @Option(names = "--rrp", description = "Redundant ring mode: none, passive or active (default: none with one network, passive with more).")
    private String rrp;

    @Option(names = "--sealed", description = "Seal every frame (AES-256-GCM) in a crypto layer between each engine and the network, as a node does.")
    private boolean sealed;

    @Option(names = "--trace", description = "Write the JSON Lines trace; with several seeds FILE must contain {seed}.")
    private Path trace;

    @Option(names = "--timeline", description = "Write a self-contained HTML space-time diagram; with several seeds FILE must contain {seed}.")
    private Path timeline;

    @Option(names = "--verbose", description = "Print one line per seed: seed, delivered, configs, violations.")
    private boolean verbose;

    @Option(names = "--jobs", description = "Seeds run in parallel (default: the number of cores).")
    private Integer jobs;

    @Option(names = "--layer", description = "engine (messages straight to the engine), cpg (process groups) or locks (the lock service on CPG); default engine.")
    private String layer;

    @Override
    public Integer call() throws Exception {
        long[] range = parseRange("--seeds", seeds);
        int[] sizeRange = sizes != null ? toInts(parseRange("--sizes", sizes)) : new int[] {size == null ? 64 : size, size == null ? 64 : size};
        if (size != null && sizes != null) {
            throw new UserError("give --size or --sizes, not both");
        }
        FaultProfile profile;
        try {
            profile = faults == null ? FaultProfile.NONE : FaultProfile.parse(faults);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Layer workloadLayer;
        try {
            // The lock service runs on the CPG layer, with its own processes and checks.
            workloadLayer = layer == null ? Layer.ENGINE : locks() ? Layer.CPG : Layer.parse(layer);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        EngineKind kind = engine == null ? (faults == null && workloadLayer == Layer.ENGINE ? EngineKind.SRP : EngineKind.TOTEM)
                : parseEngine(engine);
        RrpMode rrpMode;
        try {
            rrpMode = rrp == null ? (networks > 1 ? RrpMode.PASSIVE : RrpMode.NONE) : RrpMode.parse(rrp);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Scenario scenario;
        try {
            scenario = new Scenario(nodes, messages, loss, safeRatio, sizeRange[0], sizeRange[1], profile, kind, tokenMs,
                    networks, rrpMode, workloadLayer, sealed);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        long count = range[1] - range[0] + 1;
        if (trace != null && count > 1 && !trace.toString().contains("{seed}")) {
            throw new UserError("--trace with " + count + " seeds needs {seed} in the file name, e.g. trace-{seed}.jsonl");
        }
        if (timeline != null && count > 1 && !timeline.toString().contains("{seed}")) {
            throw new UserError("--timeline with " + count + " seeds needs {seed} in the file name, e.g. seed-{seed}.html");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int threads = jobs != null ? Math.max(1, jobs) : Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        long delivered = 0;
        long configs = 0;
        long configsAfterFaultStart = 0;
        long violations = 0;
        long done = 0;
        try {
            List<Future<SeedRunner.Result>> futures = new ArrayList<>();
            for (long s = range[0]; s <= range[1]; s++) {
                long seed = s;
                futures.add(pool.submit(() -> runSeed(scenario, seed)));
            }
            long reportEvery = Math.max(1, count / 20);
            for (Future<SeedRunner.Result> f : futures) {
                SeedRunner.Result r;
                try {
                    r = f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
                done++;
                if (verbose) {
                    out.println("seed=" + r.seed() + " delivered=" + r.delivered() + " configs=" + r.configs()
                            + " configs_after_fault_start=" + r.configsAfterFaultStart() + " violations="
                            + r.violations().size() + " virtual_ms=" + r.virtualMillis());
                }
                delivered += r.delivered();
                configs += r.configs();
                configsAfterFaultStart += r.configsAfterFaultStart();
                if (!r.violations().isEmpty()) {
                    violations += r.violations().size();
                    out.println("FAIL seed=" + r.seed() + " violations=" + r.violations().size() + " first: "
                            + r.violations().get(0));
                    out.println("  replay: " + replayCommand(scenario, r.seed()));
                    out.flush();
                }
                if (count > 1 && done % reportEvery == 0) {
                    err.printf("sim: %d/%d seeds, %d violations%n", done, count, violations);
                    err.flush();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        err.printf("sim: %.1f s, %.1f seeds/s, engine %s, faults %s, networks %d, rrp %s%s%s%n", seconds, count / seconds,
                kind.name().toLowerCase(), profile.cliName(), networks, rrpMode.name().toLowerCase(),
                locks() ? ", layer locks" : workloadLayer == Layer.CPG ? ", layer cpg" : "", sealed ? ", sealed" : "");
        if (profile.failsNetworks()) {
            // These profiles start their faults once the first ring formed: what they caused.
            out.println("configs_after_fault_start=" + configsAfterFaultStart);
        }
        out.println("seeds=" + count + " nodes=" + nodes + " delivered=" + delivered
                + (kind == EngineKind.TOTEM ? " configs=" + configs : "") + " violations=" + violations);
        return violations == 0 ? 0 : 1;
    }

    private boolean locks() {
        return layer != null && layer.trim().equalsIgnoreCase("locks");
    }

    private SeedRunner.Result runSeed(Scenario scenario, long seed, TraceWriter writer) {
        return locks() ? SeedRunner.run(scenario, seed, writer, new LockLayer()) : SeedRunner.run(scenario, seed, writer);
    }

    private SeedRunner.Result runSeed(Scenario scenario, long seed) throws IOException {
        if (trace == null && timeline == null) {
            return runSeed(scenario, seed, TraceWriter.nowhere());
        }
        Path file = trace != null ? perSeed(trace, seed) : Files.createTempFile("totem-trace-" + seed + "-", ".jsonl");
        SeedRunner.Result result;
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            result = runSeed(scenario, seed, new TraceWriter(TraceSink.writer(w)));
        }
        if (timeline != null) {
            TimelinePage.write(file, perSeed(timeline, seed), "seed " + seed);
            if (trace == null) {
                Files.deleteIfExists(file);
            }
        }
        return result;
    }

    private static Path perSeed(Path pattern, long seed) {
        return Path.of(pattern.toString().replace("{seed}", Long.toString(seed)));
    }

    private String replayCommand(Scenario scenario, long seed) {
        StringBuilder b = new StringBuilder("./totem sim --nodes " + nodes + " --seeds " + seed + " --messages " + messages);
        if (loss > 0) {
            b.append(" --loss ").append(loss);
        }
        if (safeRatio > 0) {
            b.append(" --safe-ratio ").append(safeRatio);
        }
        if (sizes != null) {
            b.append(" --sizes ").append(sizes);
        } else if (size != null) {
            b.append(" --size ").append(size);
        }
        if (faults != null) {
            b.append(" --faults ").append(faults);
        }
        if (engine != null) {
            b.append(" --engine ").append(engine);
        }
        if (tokenMs > 0) {
            b.append(" --token ").append(tokenMs);
        }
        if (networks > 1) {
            b.append(" --networks ").append(networks).append(" --rrp ").append(scenario.rrpMode().name().toLowerCase());
        }
        if (layer != null) {
            b.append(" --layer ").append(layer);
        }
        if (sealed) {
            b.append(" --sealed");
        }
        return b.append(" --trace seed-").append(seed).append(".jsonl --timeline seed-").append(seed).append(".html").toString();
    }

    private static EngineKind parseEngine(String s) {
        return switch (s.trim().toLowerCase()) {
            case "srp" -> EngineKind.SRP;
            case "totem" -> EngineKind.TOTEM;
            default -> throw new UserError("unknown engine '" + s + "'; expected srp or totem");
        };
    }

    private static int[] toInts(long[] r) {
        if (r[1] > Integer.MAX_VALUE) {
            throw new UserError("size too large: " + r[1]);
        }
        return new int[] {(int) r[0], (int) r[1]};
    }

    /** Parses "A..B" or "A" into an inclusive range. */
    static long[] parseRange(String option, String text) {
        String t = text.trim();
        try {
            int dots = t.indexOf("..");
            long a = Long.parseLong(dots < 0 ? t : t.substring(0, dots).trim());
            long b = dots < 0 ? a : Long.parseLong(t.substring(dots + 2).trim());
            if (b < a) {
                throw new UserError(option + " " + text + ": the end is before the start");
            }
            return new long[] {a, b};
        } catch (NumberFormatException e) {
            throw new UserError(option + " expects A..B or a single number, got '" + text + "'");
        }
    }
}
