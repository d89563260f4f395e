package dev.totem.membership;

import dev.totem.protocol.wire.Frames;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which nodes' frames of other rings this node stops reacting to for a while: a node whose frames
 * started (or widened) a gather here that ended with a ring without it and not one join from it.
 * It does not hear us, or it holds us off ({@link MergeHoldOff}); either way another gather on its
 * next frame would end the same, and this node's applications would see a ring of their own form
 * again at each consensus timeout. Its joins are always taken in, and one lifts the quiet at once:
 * when it wants us it gathers, and the merge goes on as ever. So a quiet delays no merge the other
 * side starts; one that only this side could start waits at most {@code quietNanos}.
 *
 * <p>Pure; the caller passes the time.
 */
final class MergeQuiet {
    /** The most nodes noted between two rings, as {@link MergeHoldOff#HEARD_MAX}. */
    static final int NOTED_MAX = 2 * Frames.MAX_PROCESSORS;

    private final long quietNanos;
    /** Nodes whose frames of another ring started or widened this membership change's gather. */
    private final Set<Integer> prompted = new TreeSet<>();
    /** Nodes whose joins arrived in this membership change. */
    private final Set<Integer> answered = new TreeSet<>();
    private final Map<Integer, Long> quietUntilNanos = new TreeMap<>();
    /** Set by a test's planted bug only: nobody is ever quieted. */
    private boolean disabled;

    MergeQuiet(long quietNanos) {
        if (quietNanos <= 0) {
            throw new IllegalArgumentException("quiet " + quietNanos + " ns");
        }
        this.quietNanos = quietNanos;
    }

    /** Nobody is quieted from now on (a planted bug, for the simulator's own tests). */
    void disable() {
        disabled = true;
    }

    /** Whether frames of other rings from {@code node} start no gather at {@code nowNanos}. */
    boolean quiet(int node, long nowNanos) {
        Long until = quietUntilNanos.get(node);
        return until != null && nowNanos < until;
    }

    /** A frame of another ring from {@code node} started or widened a gather. */
    void prompted(int node) {
        if (prompted.size() < NOTED_MAX) {
            prompted.add(node);
        }
    }

    /** A join from {@code node} arrived: it talks to us; any quiet toward it ends. */
    void answered(int node) {
        quietUntilNanos.remove(node);
        if (answered.size() < NOTED_MAX) {
            answered.add(node);
        }
    }

    /**
     * A ring of {@code members} is installed: each node that prompted this change, is not a
     * member and sent no join is quieted. Returns those nodes, ascending.
     */
    int[] installed(int[] members, long nowNanos) {
        TreeSet<Integer> quieted = new TreeSet<>(prompted);
        quieted.removeAll(answered);
        if (disabled) {
            quieted.clear();
        }
        for (int m : members) {
            quieted.remove(m);
            quietUntilNanos.remove(m);
        }
        prompted.clear();
        answered.clear();
        quietUntilNanos.values().removeIf(until -> until <= nowNanos);
        for (int node : quieted) {
            quietUntilNanos.put(node, nowNanos + quietNanos);
        }
        return NodeSet.toArray(quieted);
    }
}
