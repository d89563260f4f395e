package dev.totem.membership;

import dev.totem.protocol.api.RingId;
import dev.totem.protocol.wire.JoinMessage;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Gather's bookkeeping, as corosync's my_proc_list, my_failed_list and my_consensus_list: the
 * nodes this node proposes (proc), those it gave up on (failed), the proposed members whose join
 * equals its own (consensus), and when the lowest of them may commit.
 */
final class GatherConsensus {
    private final int myId;
    /** Whether a node is held off ({@link MergeHoldOff}): once proposed, it is failed at once. */
    private final IntPredicate heldOff;
    private final TreeSet<Integer> proc = new TreeSet<>();
    private final TreeSet<Integer> failed = new TreeSet<>();
    private final TreeSet<Integer> consensus = new TreeSet<>();
    /** The proc and failed sets of the last commit; null before the first. */
    private int[] committedProc;
    private int[] committedFailed;
    /**
     * Failed to receive: this node names itself failed, so the others form their ring without it,
     * and forms a ring of its own (corosync's FAILED TO RECEIVE); until the next install.
     */
    private boolean selfExcluded;
    /** Whether this node ever committed to a ring (created or received a commit token). */
    private boolean committedOnce;
    /**
     * Before the first commit: when a join from another node first arrived, or -1. The first
     * commit waits one join period after it, so that the joins of nodes booting together all
     * arrive: without the wait two of them could agree on a ring of two within milliseconds,
     * before the others' joins reached them, and merge with the rest a join period later.
     */
    private long firstJoinHeardNanos = -1;

    GatherConsensus(int myId) {
        this(myId, node -> false);
    }

    /** @param heldOff whether a node is held off now: proposed, it goes to the failed set at once */
    GatherConsensus(int myId, IntPredicate heldOff) {
        this.myId = myId;
        this.heldOff = heldOff;
    }

    /** Adds {@code node} to the proc set (and the failed set, when it is held off). */
    void propose(int node) {
        proc.add(node);
        failIfHeld(node);
    }

    private void failIfHeld(int node) {
        if (node != myId && heldOff.test(node)) {
            failed.add(node);
        }
    }

    /** Whether {@code node} is in the proc or the failed set. */
    boolean knows(int node) {
        return proc.contains(node) || failed.contains(node);
    }

    boolean isFailed(int node) {
        return failed.contains(node);
    }

    /** The members proposed: proc − failed. */
    TreeSet<Integer> proposed() {
        TreeSet<Integer> m = new TreeSet<>(proc);
        m.removeAll(failed);
        return m;
    }

    /** Whether {@code members} (ascending) are exactly the members proposed. */
    boolean proposes(int[] members) {
        return Arrays.equals(members, NodeSet.toArray(proposed()));
    }

    /** A new gather round: we propose ourselves, and so far only we agree. */
    void restart() {
        proc.add(myId);
        if (selfExcluded) {
            failed.add(myId);
        } else {
            failed.remove(myId);
        }
        for (int p : proc) {
            failIfHeld(p); // a hold may have begun since the node was proposed
        }
        consensus.clear();
        consensus.add(myId);
    }

    /**
     * Our join: the proc and failed sets, and the holds to announce ({@code held}, the milliseconds
     * each has left, each node's exclusions in a row).
     *
     * @param boot whether this node has installed no ring since it started
     */
    JoinMessage join(RingId myRingId, boolean boot, int[] held, int[] heldMillis, int[] heldExclusions) {
        return new JoinMessage(myId, false, boot, myRingId, NodeSet.toArray(proc), NodeSet.toArray(failed), held, heldMillis,
                heldExclusions);
    }

    /**
     * The join that tells the others we leave, naming us failed; null when there is nobody to tell.
     *
     * @param ringMembers the installed ring's members, or none before the first ring
     */
    JoinMessage leaveJoin(RingId myRingId, int[] ringMembers) {
        TreeSet<Integer> others = NodeSet.of(ringMembers);
        others.addAll(proc);
        others.remove(myId);
        if (others.isEmpty()) {
            return null;
        }
        TreeSet<Integer> leaving = new TreeSet<>(failed);
        leaving.add(myId);
        return new JoinMessage(myId, true, myRingId, NodeSet.toArray(others), NodeSet.toArray(leaving));
    }

    /** Notes a join from another node arriving: the first one starts the first commit's wait. */
    void heardJoin(long nowNanos) {
        if (firstJoinHeardNanos < 0) {
            firstJoinHeardNanos = nowNanos;
        }
    }

    /** Whether the join's sets equal ours (corosync's memb_set_equal on both). */
    boolean matches(JoinMessage j) {
        return NodeSet.of(j.procList()).equals(proc) && NodeSet.of(j.failedList()).equals(failed);
    }

    /** Whether the join's sets are within ours: it tells us nothing new. */
    boolean covers(JoinMessage j) {
        return proc.containsAll(NodeSet.of(j.procList())) && failed.containsAll(NodeSet.of(j.failedList()));
    }

    /**
     * Counts the join's sender toward consensus when its sets equal ours; a leave never counts.
     *
     * @return whether it counted
     */
    boolean agree(JoinMessage j) {
        if (j.leave() || !matches(j)) {
            return false;
        }
        consensus.add(j.sender());
        return true;
    }

    /**
     * Merges the join's sets into ours, unless its sender is failed. Exclusion is symmetric: a
     * join that lists us as failed makes its sender failed instead of its failed set ours.
     */
    void merge(JoinMessage j) {
        if (failed.contains(j.sender())) {
            return;
        }
        for (int p : j.procList()) {
            proc.add(p);
            failIfHeld(p);
        }
        TreeSet<Integer> jf = NodeSet.of(j.failedList());
        if (jf.contains(myId)) {
            failed.add(j.sender()); // it cannot hear us: exclude it as it excludes us
        } else {
            failed.addAll(jf);
        }
    }

    /** Whether every proposed member sent a join equal to ours. */
    boolean agreed() {
        return consensus.containsAll(proposed());
    }

    /** On the consensus timeout: the proposed members that sent no join equal to ours become failed. */
    void failUnanswered() {
        for (int m : proposed()) {
            if (!consensus.contains(m)) {
                failed.add(m);
            }
        }
    }

    /**
     * Whether this node creates the commit token now: it is the lowest of two or more proposed
     * members, all agreed, and before its first ring one join period passed since the first join
     * from another node (the JOIN timer asks again until it has).
     */
    boolean mayCommit(long nowNanos, long joinNanos) {
        TreeSet<Integer> members = proposed();
        if (!selfExcluded && members.size() > 1 && consensus.containsAll(members) && members.first() == myId) {
            return committedOnce || nowNanos - firstJoinHeardNanos >= joinNanos;
        }
        return false;
    }

    /** Remembers the sets this node commits with. */
    void committed() {
        committedOnce = true;
        committedProc = NodeSet.toArray(proc);
        committedFailed = NodeSet.toArray(failed);
    }

    /** Whether the join carries the consensus of the last commit, sent before its sender saw the commit token. */
    boolean repeatsCommitted(JoinMessage j) {
        return Arrays.equals(j.procList(), committedProc) && Arrays.equals(j.failedList(), committedFailed);
    }

    /** This node failed to receive: it names itself failed until its next ring (see {@link #selfExcluded}). */
    void excludeSelf() {
        selfExcluded = true;
    }

    /** Whether this node named itself failed: it forms a ring alone once the others agree, or at the consensus timeout. */
    boolean selfExcluded() {
        return selfExcluded;
    }

    /** A ring is installed: its members are the proc set, nobody is failed. */
    void installed(int[] members) {
        selfExcluded = false;
        proc.clear();
        for (int m : members) {
            proc.add(m);
        }
        failed.clear();
    }
}
