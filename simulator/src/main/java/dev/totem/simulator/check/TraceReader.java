package dev.totem.simulator.check;

import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.Reason;
import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Guarantee;
import dev.totem.simulator.trace.TraceEvent;
import dev.totem.simulator.trace.TraceFormatException;
import dev.totem.simulator.trace.TraceLines;
import dev.totem.simulator.trace.TraceWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads a JSON Lines trace into a {@link History}, and its CPG lines into a {@link CpgHistory},
 * so traces of real clusters are checked by the same {@link EvsChecker} and {@link CpgChecker}
 * as simulations. The lines are parsed by {@link TraceLines}, the one
 * reader of the format.
 *
 * <p>Each non-blank line is one JSON object with {@code t} (microseconds, integer), {@code node}
 * (0 for global events) and {@code ev}, plus per event:
 *
 * <ul>
 *   <li>{@code submit}: {@code id}, {@code guarantee} ("agreed" or "safe");
 *   <li>{@code deliver}: {@code id}, {@code sender}, {@code guarantee}, {@code ring};
 *   <li>{@code config}: {@code kind} ("transitional" or "regular"), {@code ring}, {@code members};
 *   <li>{@code crash}, {@code restart}, {@code pause}, {@code resume}, {@code start}: nothing more;
 *   <li>global {@code partition}: {@code groups}, lists of node ids; {@code block}: {@code from},
 *       {@code to}; {@code heal}; {@code quiet}: no fault from {@code t} on; {@code net_partition}:
 *       {@code network}, {@code groups}; {@code net_heal}: {@code network}; {@code net_loss}:
 *       {@code network}, {@code loss}; {@code net_deaf}: {@code network}, {@code deaf} (a node id);
 *   <li>{@code cpg_join}, {@code cpg_leave}: {@code pid}, {@code group}; {@code cpg_mcast}: {@code
 *       pid}, {@code group}, {@code id}; {@code cpg_gone}: {@code pid}; {@code cpg_deliver}: {@code
 *       pid}, {@code group}, {@code id}, {@code sender}, {@code sender_pid}; {@code cpg_confchg}:
 *       {@code pid}, {@code group}, {@code view}, {@code members} ([node, pid] pairs), {@code left}
 *       and {@code joined} ([node, pid, reason] triples). A {@code crash} and {@code quiet} count
 *       for the CPG history too.
 * </ul>
 *
 * Fields beyond these are ignored. Lines with an unknown {@code ev} are skipped and counted, so a
 * newer writer's traces still read; anything else that does not fit throws a {@link
 * TraceFormatException} whose message starts with {@code trace line N:}. Pause, resume, start,
 * partition, block and heal are checked but not recorded: the checker judges what nodes saw, not
 * the faults that caused it.
 */
public final class TraceReader {
    private static final Set<String> NODE_EVENTS =
            Set.of("submit", "deliver", "config", "crash", "restart", "pause", "resume", "start", "cpg_join",
                    "cpg_leave", "cpg_mcast", "cpg_gone", "cpg_deliver", "cpg_confchg");
    private static final Set<String> GLOBAL_EVENTS =
            Set.of("partition", "block", "heal", "quiet", "net_partition", "net_heal", "net_loss",
                    "net_deaf");

    private TraceReader() {}

    /**
     * What a trace held.
     *
     * @param history the events of known kinds
     * @param cpg the {@code cpg_*} events, with crashes and the quiet time; empty of processes
     *     when the trace has none ({@link #hasCpg})
     * @param skipped how many lines of each unknown {@code ev} were skipped, by name
     */
    public record Result(History history, CpgHistory cpg, Map<String, Integer> skipped) {
        /** Whether the trace holds events of CPG processes, for {@link CpgChecker}. */
        public boolean hasCpg() {
            return cpg.events().stream().anyMatch(e -> e.kind() != CpgHistory.Kind.CRASH);
        }

        /** The number of skipped lines. */
        public int skippedCount() {
            return skipped.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Reads the UTF-8 trace in {@code file}. */
    public static Result read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in);
        }
    }

    /**
     * Reads a trace from {@code in} to its end; does not close it.
     *
     * @throws TraceFormatException when a line is not a trace event of the shape above
     */
    public static Result read(Reader in) throws IOException {
        History history = new History();
        CpgHistory cpg = new CpgHistory();
        Map<String, Integer> skipped = new TreeMap<>();
        TraceLines.forEach(in, e -> apply(e, history, cpg, skipped));
        return new Result(history, cpg, Collections.unmodifiableMap(skipped));
    }

    private static void apply(TraceEvent e, History history, CpgHistory cpg, Map<String, Integer> skipped)
            throws TraceFormatException {
        long t = e.t();
        int node = e.node();
        String ev = e.ev();
        if (NODE_EVENTS.contains(ev) && node <= 0) {
            throw e.error("event " + ev + " needs a node id above 0, not " + node);
        }
        if (GLOBAL_EVENTS.contains(ev) && node != 0) {
            throw e.error("global event " + ev + " needs node 0, not " + node);
        }
        switch (ev) {
            case "submit" -> history.submit(t, node, e.requiredText("id"), guarantee(e));
            case "deliver" -> history.deliver(t, node, e.requiredText("id"), e.requiredInteger("sender"),
                    guarantee(e), e.requiredText("ring"));
            case "config" -> history.config(t, node, oneOf(e, "kind", ConfigurationKind.values(),
                    ConfigurationKind::traceName), e.requiredText("ring"), members(e));
            case "crash" -> {
                history.crash(t, node);
                cpg.crash(t, node);
            }
            case "restart" -> history.restart(t, node);
            case "quiet" -> {
                history.quietFrom(t);
                cpg.quietFrom(t);
            }
            case "cpg_join" -> cpg.join(t, node, e.requiredInteger("pid"), e.requiredText("group"));
            case "cpg_leave" -> cpg.leave(t, node, e.requiredInteger("pid"), e.requiredText("group"));
            case "cpg_mcast" -> cpg.mcast(t, node, e.requiredInteger("pid"), e.requiredText("group"), e.requiredText("id"));
            case "cpg_gone" -> cpg.gone(t, node, e.requiredInteger("pid"));
            case "cpg_deliver" -> cpg.deliver(t, node, e.requiredInteger("pid"), e.requiredText("group"),
                    e.requiredText("id"), e.requiredInteger("sender"), e.requiredInteger("sender_pid"));
            case "cpg_confchg" -> cpg.confchg(t, node, e.requiredInteger("pid"), e.requiredText("group"),
                    e.requiredText("view"), addresses(e, "members", false), addresses(e, "left", true),
                    addresses(e, "joined", true));
            case "partition" -> e.requiredIntArrays("groups");
            case "block" -> {
                e.requiredInteger("from");
                e.requiredInteger("to");
            }
            case "net_partition" -> {
                e.requiredInteger("network");
                e.requiredIntArrays("groups");
            }
            case "net_heal", "net_loss" -> e.requiredInteger("network");
            case "net_deaf" -> {
                e.requiredInteger("network");
                e.requiredInteger("deaf");
            }
            case "pause", "resume", "start", "heal" -> { }
            default -> skipped.merge(ev, 1, Integer::sum);
        }
    }

    /** A confchg's list: [node, pid] pairs, or with {@code reasons} [node, pid, reason] triples. */
    private static List<CpgAddress> addresses(TraceEvent e, String name, boolean reasons) throws TraceFormatException {
        String shape = reasons ? "[node, pid, reason] triples" : "[node, pid] pairs";
        if (!(e.fields().get(name) instanceof List<?> list)) {
            throw e.error("\"" + name + "\" should be an array of " + shape);
        }
        List<CpgAddress> out = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof List<?> a) || a.size() != (reasons ? 3 : 2) || !(a.get(0) instanceof Long node)
                    || !(a.get(1) instanceof Long pid) || node != node.intValue() || pid != pid.intValue()
                    || (reasons && !(a.get(2) instanceof String))) {
                throw e.error("\"" + name + "\" should hold " + shape + ", not " + item);
            }
            out.add(new CpgAddress(node.intValue(), pid.intValue(), reasons ? reason(e, (String) a.get(2)) : Reason.UNDEFINED));
        }
        return out;
    }

    private static Reason reason(TraceEvent e, String name) throws TraceFormatException {
        for (Reason r : Reason.values()) {
            if (r != Reason.UNDEFINED && TraceWriter.reasonName(r).equals(name)) {
                return r;
            }
        }
        throw e.error("unknown confchg reason \"" + name + "\"");
    }

    /** Sorted, since History wants members ascending and a set has no order to keep. */
    private static int[] members(TraceEvent e) throws TraceFormatException {
        int[] m = e.requiredInts("members");
        Arrays.sort(m);
        return m;
    }

    private static Guarantee guarantee(TraceEvent e) throws TraceFormatException {
        return oneOf(e, "guarantee", Guarantee.values(), Guarantee::traceName);
    }

    /** The value whose trace spelling the string field {@code name} holds. */
    private static <E> E oneOf(TraceEvent e, String name, E[] values, Function<E, String> spelling)
            throws TraceFormatException {
        String s = e.requiredText(name);
        for (E v : values) {
            if (spelling.apply(v).equals(s)) {
                return v;
            }
        }
        throw e.error("unknown " + name + " \"" + s + "\"");
    }
}
