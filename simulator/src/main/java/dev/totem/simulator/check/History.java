package dev.totem.simulator.check;

import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Guarantee;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every node saw, in the order it saw it: the events the EVS checker reads. Built from a
 * running simulation or from a JSON Lines trace (simulated or real), so one checker serves both.
 */
public final class History {
    /** Kinds of per-node events. */
    public enum Kind { SUBMIT, DELIVER, CONFIG, CRASH, RESTART }

    /**
     * One event of one node. Fields not used by a kind are null, 0 or empty.
     *
     * @param timeMicros when it happened
     * @param kind what happened
     * @param id message id (submit, deliver)
     * @param sender originator (deliver)
     * @param guarantee agreed or safe (submit, deliver)
     * @param ring "rep:seq" (deliver, config)
     * @param configKind transitional or regular (config)
     * @param members ascending node ids (config)
     */
    public record Event(long timeMicros, Kind kind, String id, int sender, Guarantee guarantee, String ring,
            ConfigurationKind configKind, int[] members) {}

    private final Map<Integer, List<Event>> byNode = new TreeMap<>();
    private long quietFromMicros = Long.MAX_VALUE;
    private boolean configurationsExpected = true;

    private List<Event> of(int node) {
        return byNode.computeIfAbsent(node, n -> new ArrayList<>());
    }

    public void submit(long timeMicros, int node, String id, Guarantee guarantee) {
        of(node).add(new Event(timeMicros, Kind.SUBMIT, id, node, guarantee, null, null, null));
    }

    public void deliver(long timeMicros, int node, String id, int sender, Guarantee guarantee, String ring) {
        of(node).add(new Event(timeMicros, Kind.DELIVER, id, sender, guarantee, ring, null, null));
    }

    public void config(long timeMicros, int node, ConfigurationKind kind, String ring, int[] members) {
        of(node).add(new Event(timeMicros, Kind.CONFIG, null, 0, null, ring, kind, members.clone()));
    }

    public void crash(long timeMicros, int node) {
        of(node).add(new Event(timeMicros, Kind.CRASH, null, 0, null, null, null, null));
    }

    public void restart(long timeMicros, int node) {
        of(node).add(new Event(timeMicros, Kind.RESTART, null, 0, null, null, null, null));
    }

    /** From this time on no fault happens: the liveness property applies. */
    public void quietFrom(long timeMicros) {
        quietFromMicros = Math.min(quietFromMicros, timeMicros);
    }

    public long quietFromMicros() {
        return quietFromMicros;
    }

    /**
     * Whether nodes deliver configuration changes (false for an ordering engine on a fixed ring):
     * when false, liveness asks only that every live node delivers the late messages.
     */
    public boolean configurationsExpected() {
        return configurationsExpected;
    }

    public void configurationsExpected(boolean expected) {
        this.configurationsExpected = expected;
    }

    /** Node ids with at least one event, ascending. */
    public List<Integer> nodes() {
        return new ArrayList<>(byNode.keySet());
    }

    /** The events of {@code node} in the order it saw them. */
    public List<Event> events(int node) {
        return Collections.unmodifiableList(byNode.getOrDefault(node, List.of()));
    }

    /** Total deliver events. */
    public long deliveries() {
        long n = 0;
        for (List<Event> l : byNode.values()) {
            for (Event e : l) {
                if (e.kind == Kind.DELIVER) {
                    n++;
                }
            }
        }
        return n;
    }
}
