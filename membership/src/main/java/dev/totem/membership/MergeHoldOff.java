package dev.totem.membership;

import dev.totem.protocol.wire.Frames;
import dev.totem.protocol.wire.JoinMessage;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which nodes this node holds off merging with, and until when: a node that keeps being shut out
 * of the ring while it is plainly alive.
 *
 * <p>Why: under a one-way link fault (B hears nothing from A, everyone else hears both) Totem, as
 * corosync, re-forms without end: A's frames pull the others into gather, B never hears A's join,
 * the consensus timeout shuts A out, and A's next frame starts it again; the ring spends most of
 * its time gathering. A node that took in a join of A in the membership change that ended without
 * it counts A excluded when it installs a ring that is larger than the part it left out (or,
 * of two equal parts, the one with the lowest id; {@link #outweighs});
 * the second exclusion in a row starts a hold of one consensus timeout, each further one doubles
 * it, up to {@code holdMaxNanos}. While it holds A off, the node ignores A's joins and foreign
 * frames (they start no gather), and names A failed in every gather, so the ring forms without A
 * at once instead of after a consensus timeout.
 *
 * <p>Holds travel in joins, and a node takes on the longer hold of a member of its own ring, so
 * the members of a ring hold a node off until about the same time: otherwise the first whose hold
 * ended would try A alone, be overruled by those still holding, and start a longer hold; the
 * members' holds would drift apart and the ring would never try A with everybody again. The join
 * carries the exclusion count too, and a node takes on the higher one: a member that missed A's
 * joins in one change (loss) counts one exclusion less and holds A off half as long; without
 * the count it would stay one behind, and try A early, at every hold after. The
 * smaller part never holds the larger off (it is not larger than what it left out), so when the
 * link is repaired and the larger part's hold ends, the merge succeeds; of equal parts only one
 * holds, for the same reason. An exclusion made by a
 * hold (ours, or one that a ring-mate's join, or a join of a member of the new ring, announced
 * during the change) is no new evidence and is
 * not counted; nor is any in a change a restarted node took part in (a join with flag BOOT,
 * which also ends that node's hold).
 *
 * <p>Holds only withhold frames, as loss does, so no ordering property depends on them; they
 * delay a merge by at most {@code holdMaxNanos}. Pure; the caller passes the time.
 */
final class MergeHoldOff {
    /**
     * The most nodes noted heard between two rings: a ring has at most {@link Frames#MAX_PROCESSORS}
     * members, and frames with made-up sender ids (no key on the ring) must not grow it for ever.
     */
    static final int HEARD_MAX = 2 * Frames.MAX_PROCESSORS;
    private static final int[] NONE = new int[0];
    /**
     * How long after a node's last exclusion, or the end of the hold it earned, the next one still
     * counts in the row: 12 holds of the base (consensus timeouts). A ring retries a node as soon
     * as its hold ends, so under a fault that lasts the next exclusion comes within a few. Before,
     * any exclusion within twice the longest hold of the last counted, and after a repair one
     * shut-out by churn the fault left behind (the node came to the others' gather late, or named
     * a node failed from the fault) took the count on and got the longest hold at once: merges up
     * to 127 s after the repair where the bound is 121 (simulator, {@code --faults partial}, 4 of
     * 1,400 seeds of 4, 5 and 6 nodes, none since). A shorter gap weakens the hold under a
     * fault: with 4, 5 of those seeds re-formed past {@code oneway-stability}, with 8 one; a
     * longer one carries counts on: with 16, 2 were still over the bound.
     */
    static final int ROW_GAP_HOLD_BASES = 12;
    private final int myId;
    private final long holdBaseNanos;
    private final long holdMaxNanos;
    /**
     * Nodes whose joins were taken in since the last ring was installed. A frame of another ring
     * alone does not count: a node that sent no join did not take part in the change (it does not
     * hear us, which {@link MergeQuiet} answers, or it holds us off, or its ring ignores ours),
     * so leaving it out says nothing of a link. Counting such frames, a ring of two that a larger
     * ring still held off took the larger ring's representative, heard by its merge detects, for
     * shut out, and held it off in turn for the longest hold after the repair (simulator, 8 nodes,
     * {@code --faults partial}: merges up to 218 s after the repair, the longest hold being 132 s).
     */
    private final Set<Integer> heard = new TreeSet<>();
    /**
     * Nodes that restarted (a join with flag BOOT) since the last ring was installed: no hold is
     * taken on for them from ring-mates' joins, and the next ring counts no exclusion at all. Without this, a ring-mate's join sent before it heard of the restart put the
     * hold back, the ring formed without the node, and that counted as one more exclusion: a
     * longer hold for the node that was just let in (seen in jepsen, 28 then 56 s).
     */
    private final Set<Integer> restartedSinceRing = new TreeSet<>();
    /**
     * Nodes a ring-mate's join announced held since the last ring was installed. Leaving one out
     * of the next ring counts no exclusion: the ring-mate's hold did it, as our own would. When a
     * hold ends a few milliseconds earlier here than at the others, the node is tried, the others'
     * joins fail it, and without this the early member counted one more exclusion and doubled its
     * hold for a link that was repaired (jepsen seed 3505: 56 s, past the run's 90 s end wait).
     */
    private final Set<Integer> heldByMatesSinceRing = new TreeSet<>();
    /**
     * The nodes each sender's last join since the last ring was installed announced held. A node
     * left out of the next ring because a member of that ring holds it was shut out by a hold, not
     * by a link, whether or not that member was our ring-mate before: counting it turns one node's
     * hold into holds at others. After a partial fault (two links down among five nodes) rings of
     * two and three held one another's members and the holds renewed one another for 272 s after
     * the repair, where the longest hold is 95 s (simulator, {@code --faults partial}, seed 10442).
     */
    private final Map<Integer, int[]> heldBySenderSinceRing = new TreeMap<>();
    private final Map<Integer, Long> holdUntilNanos = new TreeMap<>();
    /** Exclusions in a row of each node. */
    private final Map<Integer, Integer> exclusions = new TreeMap<>();
    /**
     * When each node's row was last fed: its last exclusion, or the end of the hold that started
     * (ours or one adopted), whichever is later. An exclusion more than {@link #ROW_GAP_HOLD_BASES}
     * holds of the base after it starts the count again.
     */
    private final Map<Integer, Long> rowFedNanos = new TreeMap<>();
    /** Set by a test's planted bug only: no hold ever starts. */
    private boolean disabled;

    /**
     * @param holdBaseNanos the first hold (at the second exclusion in a row)
     * @param holdMaxNanos the longest hold
     */
    MergeHoldOff(int myId, long holdBaseNanos, long holdMaxNanos) {
        if (holdBaseNanos <= 0 || holdMaxNanos < holdBaseNanos) {
            throw new IllegalArgumentException("hold base " + holdBaseNanos + " ns and max " + holdMaxNanos + " ns");
        }
        this.myId = myId;
        this.holdBaseNanos = holdBaseNanos;
        this.holdMaxNanos = holdMaxNanos;
    }

    /** No hold ever starts from now on (a planted bug, for the simulator's own tests). */
    void disable() {
        disabled = true;
    }

    /** {@code node} left on purpose: it was not shut out. */
    void left(int node) {
        heard.remove(node);
    }

    /**
     * A join arrived: whether to take it in (its sender is not held off). Notes its sender heard,
     * or gone on purpose when it leaves, and takes on its holds when it is a member of our ring.
     *
     * @param ringMembers our ring's members when the sender is one of them (its join names our
     *     ring), else null
     */
    boolean admit(JoinMessage j, int[] ringMembers, long nowNanos) {
        if (holds(j.sender(), nowNanos)) {
            return false;
        }
        if (j.leave()) {
            left(j.sender()); // leaving on purpose is no sign of a bad link
        } else {
            heard(j.sender());
        }
        if (heldBySenderSinceRing.size() < HEARD_MAX || heldBySenderSinceRing.containsKey(j.sender())) {
            heldBySenderSinceRing.put(j.sender(), j.heldList());
        }
        if (ringMembers != null) {
            for (int i = 0; i < j.heldList().length && heldByMatesSinceRing.size() < HEARD_MAX; i++) {
                heldByMatesSinceRing.add(j.heldList()[i]);
            }
            for (int i = 0; i < j.heldList().length; i++) {
                adopt(j.heldList()[i], nowNanos + j.heldMillis()[i] * 1_000_000L, j.heldExclusions()[i], ringMembers, nowNanos);
            }
        }
        return true;
    }

    /**
     * {@code node} restarted (its join says it has installed no ring since it started): ends its
     * hold. A restart is what an operator does once the link is repaired; it should not wait out
     * the hold. Until the next ring is installed no hold on it is taken on from ring-mates, and
     * leaving it out of that ring counts no exclusion; its count is kept, so that if the link is
     * still bad the exclusions after that make the hold longer than the last.
     *
     * @return whether a hold ended
     */
    boolean restarted(int node, long nowNanos) {
        if (node != myId && restartedSinceRing.size() < HEARD_MAX) {
            restartedSinceRing.add(node);
        }
        if (!holds(node, nowNanos)) {
            return false;
        }
        holdUntilNanos.remove(node);
        return true;
    }

    /** Whether this node holds {@code node} off at {@code nowNanos}. */
    boolean holds(int node, long nowNanos) {
        Long until = holdUntilNanos.get(node);
        return until != null && nowNanos < until;
    }

    /** A join from {@code node} was taken in: it takes part in this membership change. */
    void heard(int node) {
        if (node != myId && heard.size() < HEARD_MAX) {
            heard.add(node);
        }
    }

    /**
     * Takes on a hold a member of this node's ring announced in its join, when it ends later than
     * ours, and its count of exclusions in a row, when higher than ours; never for one of
     * {@code ringMembers} (the ring we are in) or this node.
     */
    void adopt(int node, long untilNanos, int exclusionsInARow, int[] ringMembers, long nowNanos) {
        if (node == myId || NodeSet.contains(ringMembers, node) || restartedSinceRing.contains(node)) {
            return;
        }
        holdUntilNanos.merge(node, untilNanos, Math::max);
        rowFedNanos.merge(node, untilNanos, Math::max);
        if (exclusionsInARow > exclusions(node)) {
            exclusions.put(node, exclusionsInARow);
        }
    }

    /** The nodes held off at {@code nowNanos}, ascending, each with the milliseconds its hold has left. */
    Map<Integer, Long> heldMillis(long nowNanos) {
        Map<Integer, Long> m = new TreeMap<>();
        for (int node : held(nowNanos)) {
            m.put(node, (long) millisLeft(node, nowNanos));
        }
        return m;
    }

    /** The nodes held off at {@code nowNanos}, ascending. */
    int[] held(long nowNanos) {
        return holdUntilNanos.entrySet().stream().filter(e -> nowNanos < e.getValue()).mapToInt(Map.Entry::getKey).toArray();
    }

    /** The milliseconds left of each of {@code nodes}' holds, as a join carries them (1..{@link JoinMessage#HOLD_MILLIS_MAX}). */
    int[] millisLeft(int[] nodes, long nowNanos) {
        int[] millis = new int[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            millis[i] = Math.min(JoinMessage.HOLD_MILLIS_MAX, millisLeft(nodes[i], nowNanos));
        }
        return millis;
    }

    /** The exclusions in a row of each of {@code nodes}, as a join carries them (2..{@link JoinMessage#EXCLUSIONS_MAX}). */
    int[] exclusions(int[] nodes) {
        int[] counts = new int[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            counts[i] = Math.max(2, Math.min(JoinMessage.EXCLUSIONS_MAX, exclusions(nodes[i])));
        }
        return counts;
    }

    /** The milliseconds left of the hold of {@code node}, at least 1 (a hold that ends within a millisecond is announced as one). */
    int millisLeft(int node, long nowNanos) {
        long left = holdUntilNanos.getOrDefault(node, nowNanos) - nowNanos;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
    }

    /**
     * A ring of {@code members} (ascending) is installed: each node heard since the last one and
     * left out of it counts one exclusion, when the ring is larger than the nodes it left out and
     * no hold left it out. Returns the nodes whose hold started (or grew) now.
     */
    int[] installed(int[] members, long nowNanos) {
        TreeSet<Integer> leftOut = new TreeSet<>(heard);
        // A change a restart took part in is no evidence against anyone: members that had failed
        // the restarted node as held before its first join reached them name it failed, it fails
        // them back (as corosync's memb_join_process does), and its joins then shut a third node
        // out that has no bad link (jepsen, seed 3505: node 4 held 14 s after node 5's restart).
        boolean restartChurn = !restartedSinceRing.isEmpty();
        restartedSinceRing.clear();
        leftOut.removeAll(heldByMatesSinceRing);
        heldByMatesSinceRing.clear();
        for (int m : members) {
            leftOut.remove(m);
            holdUntilNanos.remove(m);
            for (int held : heldBySenderSinceRing.getOrDefault(m, NONE)) {
                leftOut.remove(held);
            }
        }
        boolean leftOutHold = false;
        for (int node : leftOut) {
            leftOutHold |= heldBySenderSinceRing.getOrDefault(node, NONE).length > 0;
        }
        heldBySenderSinceRing.clear();
        heard.clear();
        holdUntilNanos.values().removeIf(until -> until <= nowNanos);
        // A row fed this long ago starts again anyway: forget it.
        rowFedNanos.entrySet().removeIf(e -> {
            boolean stale = nowNanos - e.getValue() > ROW_GAP_HOLD_BASES * holdBaseNanos;
            if (stale) {
                exclusions.remove(e.getKey());
            }
            return stale;
        });
        if (disabled || restartChurn || leftOut.isEmpty() || !outweighs(members, leftOut, leftOutHold)) {
            return new int[0];
        }
        TreeSet<Integer> started = new TreeSet<>();
        for (int node : leftOut) {
            if (holds(node, nowNanos)) {
                continue;
            }
            int count = rowFedNanos.containsKey(node) ? exclusions.getOrDefault(node, 0) + 1 : 1;
            exclusions.put(node, count);
            long fedNanos = nowNanos;
            if (count >= 2) {
                fedNanos = nowNanos + holdNanos(count);
                holdUntilNanos.put(node, fedNanos);
                started.add(node);
            }
            rowFedNanos.put(node, fedNanos);
        }
        return NodeSet.toArray(started);
    }

    /**
     * Whether a ring of {@code members} (ascending) may count the nodes it left out: when it is
     * the larger part, or of two equal parts the one with the lowest id. Equal parts form when two
     * one-way links into one of four nodes leave it hearing one other: if neither held, the two
     * rings re-formed at every consensus timeout for as long as the links were down (simulator,
     * {@code --faults partial --nodes 4}: 19 of 600 seeds over the bound; none with the tie-break).
     * Not a node alone: it may have heard one node of a larger ring, and its hold made the two
     * hold each other. Not when a node left out announced a hold: the hold split the ring (it
     * failed a node we took in), not a link, and after the repair the lower part held the other
     * for the longest hold, its count carried over from the fault.
     */
    static boolean outweighs(int[] members, TreeSet<Integer> leftOut, boolean leftOutHold) {
        if (members.length != leftOut.size()) {
            return members.length > leftOut.size();
        }
        return members.length >= 2 && members[0] < leftOut.first() && !leftOutHold;
    }

    /** The hold after {@code count} exclusions in a row (at least 2): the base, doubled per further one, capped. */
    long holdNanos(int count) {
        int doublings = Math.min(count - 2, 62);
        long hold = holdBaseNanos;
        for (int i = 0; i < doublings && hold < holdMaxNanos; i++) {
            hold *= 2;
        }
        return Math.min(hold, holdMaxNanos);
    }

    /** Exclusions in a row counted for {@code node}. */
    int exclusions(int node) {
        return exclusions.getOrDefault(node, 0);
    }
}
