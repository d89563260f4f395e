package dev.totem.simulator.check;

import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Guarantee;
import dev.totem.simulator.trace.TraceEvent;
import dev.totem.simulator.trace.TraceFormatException;
import dev.totem.simulator.trace.TraceLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads a JSON Lines trace into a {@link History}, so traces of real clusters are checked by the
 * same {@link EvsChecker} as simulations. The lines are parsed by {@link TraceLines}, the one
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
 *       {@code network}, {@code loss}; {@code net_deaf}: {@code network}, {@code deaf} (a node id).
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
            Set.of("submit", "deliver", "config", "crash", "restart", "pause", "resume", "start");
    private static final Set<String> GLOBAL_EVENTS =
            Set.of("partition", "block", "heal", "quiet", "net_partition", "net_heal", "net_loss",
                    "net_deaf");

    private TraceReader() {}

    /**
     * What a trace held.
     *
     * @param history the events of known kinds
     * @param skipped how many lines of each unknown {@code ev} were skipped, by name
     */
    public record Result(History history, Map<String, Integer> skipped) {
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
        Map<String, Integer> skipped = new TreeMap<>();
        TraceLines.forEach(in, e -> apply(e, history, skipped));
        return new Result(history, Collections.unmodifiableMap(skipped));
    }

    private static void apply(TraceEvent e, History history, Map<String, Integer> skipped)
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
            case "crash" -> history.crash(t, node);
            case "restart" -> history.restart(t, node);
            case "quiet" -> history.quietFrom(t);
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
