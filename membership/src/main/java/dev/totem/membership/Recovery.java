package dev.totem.membership;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.pack.Assembler;
import dev.totem.protocol.srp.OperationalRing;
import dev.totem.protocol.srp.SendQueue;
import dev.totem.protocol.srp.SrpStats;
import dev.totem.protocol.wire.CommitToken;
import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.protocol.wire.FrameType;
import dev.totem.protocol.wire.Frames;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One recovery, from the commit token's second lap to installation (corosync's
 * memb_state_recovery_enter to memb_state_operational_enter): the new ring runs carrying the old
 * ring's messages that its transitional members resend, and once it is done the new ring is
 * installed with Extended Virtual Synchrony: the old ring's messages in the old regular
 * configuration, the transitional configuration, the rest of them, the new regular configuration.
 */
final class Recovery {
    /** The new ring, running in recovery mode until installed. */
    final OperationalRing ring;
    private final int myId;
    private final RingId oldRingId;
    /** The ring being left, or null when this node had none. */
    private final OperationalRing oldRing;
    private final RecoveryPlan plan;
    private final SendQueue appQueue;
    private final Assembler assembler;
    private final MembershipStats membershipStats;
    /** Whether this node, the new ring's representative, originated its first token. */
    private boolean tokenOriginated;

    /**
     * Starts recovery in the ring that {@code token} (back from its first lap) forms.
     *
     * @param oldRingId the ring this node comes from (its boot ring id before it had one)
     * @param oldRing that ring, or null when this node had none
     * @param resend false only for the planted bug that skips recovery
     */
    Recovery(TotemConfig config, int myId, RingId oldRingId, OperationalRing oldRing, CommitToken token,
            RingId newRingId, int[] newMembers, SendQueue appQueue, Assembler assembler, SrpStats stats,
            MembershipStats membershipStats, boolean resend) {
        this.myId = myId;
        this.oldRingId = oldRingId;
        this.oldRing = oldRing;
        this.appQueue = appQueue;
        this.assembler = assembler;
        this.membershipStats = membershipStats;
        this.plan = RecoveryPlan.of(myId, oldRingId, token, oldRing, config.sortQueueFramesMax(), resend);
        membershipStats.recoveryFramesOriginated += plan.originated;
        this.ring = new OperationalRing(config, myId, newRingId, newMembers, 0, appQueue, assembler, stats);
        ring.startRecovery(plan.queue, this::onRecovered);
    }

    boolean tokenOriginated() {
        return tokenOriginated;
    }

    /** The representative starts the new ring's token, once. */
    void originateToken(long nowNanos, Effects effects) {
        tokenOriginated = true;
        ring.originateToken(nowNanos, effects);
    }

    /** An old-ring frame that another member resent, unwrapped by the new ring. */
    private void onRecovered(byte[] frame, int innerOffset, int innerLength) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        if (oldRing == null || Frames.check(b, innerOffset, innerLength) != DecodeStatus.OK
                || Frames.type(b, innerOffset) != FrameType.MCAST || !Frames.ringId(b, innerOffset).equals(oldRingId)) {
            return; // another old ring's message, or nothing we can use
        }
        if (oldRing.acceptRecovered(Arrays.copyOfRange(frame, innerOffset, innerOffset + innerLength))) {
            membershipStats.recoveryFramesRecovered++;
        }
    }

    /**
     * Delivers what installing the new ring delivers: the old ring's messages with the
     * transitional configuration between them, then the new ring's regular configuration.
     */
    void deliverInstall(RingId newRingId, int[] newMembers, Effects effects) {
        int[] transMembers = plan.transMembers;
        if (oldRing != null) {
            oldRing.deliverRegularForInstall(plan.regularUpTo, effects);
            int[] left = NodeSet.minus(oldRing.members(), transMembers);
            effects.add(new Effect.ConfigurationChange(ConfigurationKind.TRANSITIONAL, newRingId, transMembers.clone(),
                    left, new int[0]));
            oldRing.deliverTransitionalForInstall(transMembers, newRingId, effects);
        }
        // Every partial message is dropped everywhere at once; senders restart theirs whole in the
        // new ring, so no message is delivered from pieces broadcast in two configurations.
        assembler.clear();
        appQueue.restartUnfinishedMessage();
        int[] joined = NodeSet.minus(newMembers, oldRing == null ? new int[] {myId} : transMembers);
        effects.add(new Effect.ConfigurationChange(ConfigurationKind.REGULAR, newRingId, newMembers.clone(), new int[0],
                joined));
    }
}
