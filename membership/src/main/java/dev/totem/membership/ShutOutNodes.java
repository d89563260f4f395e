package dev.totem.membership;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.wire.JoinMessage;
import java.util.Map;

/**
 * The processor's dealings with nodes the ring keeps shutting out while they are alive (a one-way
 * or partial link): this side's holds ({@link MergeHoldOff}) and the shut-out side's quiet
 * ({@link MergeQuiet}). It decides which frames may start or widen a gather, what a join
 * announces, and what an installed ring starts; it counts what it ignores.
 */
final class ShutOutNodes {
    /** The longest hold, and the quiet, in consensus timeouts. */
    static final int HOLD_MAX_CONSENSUS_TIMEOUTS = 16;

    private final MergeHoldOff holdOff;
    private final MergeQuiet quiet;
    private final MembershipStats stats;
    private final long quietMillis;

    /**
     * @param holdOff false only for a planted bug: no hold ever starts
     * @param quiet false only for a planted bug: nobody is ever quieted
     */
    ShutOutNodes(int myId, TotemConfig config, MembershipStats stats, boolean holdOff, boolean quiet) {
        long maxNanos = holdMaxNanos(config);
        this.holdOff = new MergeHoldOff(myId, config.consensusNanos(), maxNanos);
        this.quiet = new MergeQuiet(maxNanos);
        this.stats = stats;
        this.quietMillis = maxNanos / 1_000_000;
        if (!holdOff) {
            this.holdOff.disable();
        }
        if (!quiet) {
            this.quiet.disable();
        }
    }

    /**
     * Consensus timeouts past the longest hold that a merge after a repair may take: its own join
     * round and commit, and a hold begun in the change the repair cut short.
     */
    static final int REPAIR_SLACK_CONSENSUS_TIMEOUTS = 2;

    /** The longest hold, and the quiet, under {@code config}. */
    static long holdMaxNanos(TotemConfig config) {
        return HOLD_MAX_CONSENSUS_TIMEOUTS * config.consensusNanos();
    }

    /** The longest a merge after a repair may take under {@code config}: the longest hold and the slack. */
    static long repairMergeBoundNanos(TotemConfig config) {
        return holdMaxNanos(config) + REPAIR_SLACK_CONSENSUS_TIMEOUTS * config.consensusNanos();
    }

    /** Whether {@code node} is held off at {@code nowNanos}: gather fails it as soon as it is proposed. */
    boolean holds(int node, long nowNanos) {
        return holdOff.holds(node, nowNanos);
    }

    /** A frame of another ring from {@code sender}: whether it may start or widen a gather (else counted and ignored). */
    boolean admitForeign(int sender, long nowNanos) {
        if (holdOff.holds(sender, nowNanos)) {
            stats.heldOffFramesIgnored++;
            return false;
        }
        if (quiet.quiet(sender, nowNanos)) {
            stats.quietFramesIgnored++;
            return false;
        }
        return true;
    }

    /** A frame of another ring from {@code sender} started or widened a gather. */
    void prompted(int sender) {
        quiet.prompted(sender);
    }

    /**
     * A join: whether to take it in (else counted and ignored). The join of a held node that
     * restarted ends its hold, a transition in {@code effects}.
     *
     * @param ringMembers our ring's members when the join names our ring, else null
     */
    boolean admitJoin(JoinMessage j, int[] ringMembers, long nowNanos, Effects effects) {
        if (j.boot()) {
            int millisLeft = holdOff.millisLeft(j.sender(), nowNanos);
            if (holdOff.restarted(j.sender(), nowNanos)) {
                stats.holdOffsEndedByRestart++;
                effects.add(new Effect.Transition(TotemProcessor.HOLD_OFF_MACHINE, "HELD_OFF", "MERGING", "node "
                        + j.sender() + " restarted (its join says it has been in no ring since): its hold ends "
                        + millisLeft + " ms early"));
            }
        }
        if (!holdOff.admit(j, ringMembers, nowNanos)) {
            stats.heldOffFramesIgnored++;
            return false;
        }
        quiet.answered(j.sender());
        return true;
    }

    /**
     * This node's join, announcing its holds.
     *
     * @param boot whether this node has installed no ring since it started
     */
    JoinMessage join(GatherConsensus gather, RingId myRingId, boolean boot, long nowNanos) {
        int[] held = holdOff.held(nowNanos);
        return gather.join(myRingId, boot, held, holdOff.millisLeft(held, nowNanos), holdOff.exclusions(held));
    }

    /** A ring of {@code members} is installed: the quiets and holds it starts, each a transition in {@code effects}. */
    void installed(int[] members, long nowNanos, Effects effects) {
        for (int node : quiet.installed(members, nowNanos)) {
            effects.add(new Effect.Transition(TotemProcessor.QUIET_MACHINE, "MERGING", "QUIET", "frames of node " + node
                    + " start no gather for " + quietMillis
                    + " ms: the last they started ended without a join from it (it does not hear us, or holds us off);"
                    + " its joins are taken in as ever"));
        }
        for (int node : holdOff.installed(members, nowNanos)) {
            stats.holdOffsStarted++;
            effects.add(new Effect.Transition(TotemProcessor.HOLD_OFF_MACHINE, "MERGING", "HELD_OFF", "node " + node
                    + " held off merging for " + holdOff.millisLeft(node, nowNanos) + " ms: shut out of "
                    + holdOff.exclusions(node) + " rings in a row while it was heard (a one-way or partial link?)"));
        }
    }

    /** The nodes held off at {@code nowNanos}, ascending, with the milliseconds each hold has left. */
    Map<Integer, Long> heldOffMillis(long nowNanos) {
        return holdOff.heldMillis(nowNanos);
    }
}
