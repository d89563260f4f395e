package dev.totem.jepsen;

import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.simulator.check.CpgChecker;
import dev.totem.simulator.check.CpgHistory;
import dev.totem.simulator.check.EvsChecker;
import dev.totem.simulator.check.History;
import dev.totem.simulator.check.TraceReader;
import dev.totem.simulator.check.Violation;
import dev.totem.simulator.run.Layer;
import dev.totem.simulator.timeline.TimelinePage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The end of a run: its processes' traces merged into one history, judged by the simulator's
 * checkers (and, for the redundant ring, rrp-masking), and counted for the summary line.
 */
public final class HistoryJudge {
    private HistoryJudge() {}

    /**
     * Merges {@code traces} into {@code history.jsonl} in the run's folder, checks it (EVS; with
     * one network failing at a time, rrp-masking; with the CPG layer, the CPG properties) and
     * writes the timeline page.
     *
     * @param faultsBeganMicros when the nemesis began, on the run's clock
     * @param clientProcesses client processes the run started (CPG layer)
     * @param faults faults the nemesis injected
     */
    static JepsenRun.Outcome judge(JepsenRun.Options options, List<Path> traces, long faultsBeganMicros,
            int clientProcesses, int faults, Consumer<String> say) throws IOException {
        Path history = options.dir().resolve("history.jsonl");
        HistoryMerge.Result merged = HistoryMerge.merge(traces, history);
        say.accept("history: " + merged.lines() + " lines from " + traces.size() + " traces in " + history
                + (merged.partialLinesDropped() > 0 ? " (" + merged.partialLinesDropped() + " cut-short last lines of killed processes left out)" : ""));
        TraceReader.Result read = TraceReader.read(history);
        List<Violation> violations = new ArrayList<>(EvsChecker.check(read.history()));
        if (options.networksFailOnly()) {
            violations.addAll(masking(read.history(), faultsBeganMicros));
        }
        if (options.layer() == Layer.CPG) {
            say.accept(cpgSummary(read.cpg(), clientProcesses));
            if (!read.hasCpg()) {
                violations.add(new Violation("cpg-liveness", "the processes recorded nothing"));
            }
            violations.addAll(CpgChecker.check(read.cpg()));
        }
        Path page = options.dir().resolve("timeline.html");
        TimelinePage.write(history, page, "jepsen run, seed " + options.seed());
        say.accept("timeline: " + page);
        long submitted = 0;
        long delivered = 0;
        String submit = options.layer() == Layer.CPG ? "\"ev\":\"cpg_mcast\"" : "\"ev\":\"submit\"";
        String deliver = options.layer() == Layer.CPG ? "\"ev\":\"cpg_deliver\"" : "\"ev\":\"deliver\"";
        for (String line : Files.readAllLines(history, StandardCharsets.UTF_8)) {
            if (line.contains(submit)) {
                submitted++;
            } else if (line.contains(deliver)) {
                delivered++;
            }
        }
        return new JepsenRun.Outcome(faults, submitted, delivered, violations, history);
    }

    /** What the CPG processes of a history did, in one line: how much the checker had to judge. */
    static String cpgSummary(CpgHistory history, int clientProcesses) {
        Map<CpgHistory.Kind, Integer> counts = new EnumMap<>(CpgHistory.Kind.class);
        Set<Long> processes = new HashSet<>();
        for (CpgHistory.Event e : history.events()) {
            counts.merge(e.kind(), 1, Integer::sum);
            if (e.kind() != CpgHistory.Kind.CRASH) {
                processes.add(CpgWorkload.key(e.node(), e.pid()));
            }
        }
        return "cpg: " + processes.size() + " processes (" + clientProcesses + " client processes started), "
                + counts.getOrDefault(CpgHistory.Kind.JOIN, 0) + " joins, " + counts.getOrDefault(CpgHistory.Kind.LEAVE, 0)
                + " leaves, " + counts.getOrDefault(CpgHistory.Kind.GONE, 0) + " exits, "
                + counts.getOrDefault(CpgHistory.Kind.CONFCHG, 0) + " confchgs delivered";
    }

    /**
     * rrp-masking, as the simulator judges it: with one network failing at a time and nothing
     * else, no node installs a regular configuration once the faults began; before, nodes that
     * started apart may have formed a smaller ring first.
     */
    static List<Violation> masking(History history, long faultsBeganMicros) {
        List<Violation> out = new ArrayList<>();
        for (int node : history.nodes()) {
            long regulars = history.events(node).stream().filter(e -> e.kind() == History.Kind.CONFIG
                    && e.configKind() == ConfigurationKind.REGULAR && e.timeMicros() >= faultsBeganMicros).count();
            if (regulars > 0) {
                out.add(new Violation("rrp-masking", "node " + node + " installed " + regulars
                        + " regular configurations after the faults began, though only one network failed at a time"));
            }
        }
        return out;
    }

    /** The properties the checkers judge on {@code layer}, with their violation counts, in the checkers' order. */
    public static Map<String, Integer> byProperty(List<Violation> violations, Layer layer) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String p : EvsChecker.PROPERTIES) {
            counts.put(p, 0);
        }
        if (layer == Layer.CPG) {
            for (String p : CpgChecker.PROPERTIES) {
                counts.put(p, 0);
            }
        }
        for (Violation v : violations) {
            counts.merge(v.property(), 1, Integer::sum);
        }
        return counts;
    }
}
