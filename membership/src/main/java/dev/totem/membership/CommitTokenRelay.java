package dev.totem.membership;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.srp.OperationalRing;
import dev.totem.protocol.wire.CommitEntry;
import dev.totem.protocol.wire.CommitToken;
import java.util.Arrays;

/**
 * The commit token as this member relays it (corosync's memb_state_commit_token_create,
 * _update and _send): on the first lap it fills in its entry, on both it sends the token to the
 * next member of the new ring, keeping the copy to resend on the token-retransmit timer until
 * the next lap shows it arrived; copies that come back again are told by their token seq.
 */
final class CommitTokenRelay {
    private final int myId;
    /** Replaced by a reload of the tunables ({@link #retransmitNanos(long)}). */
    private long retransmitNanos;
    /** The highest token seq taken of the ring being formed, or -1. */
    private long tokenSeqSeen = -1;
    /** Members of the ring being formed, 0 before the first: a ring of one has nobody to resend to. */
    private int ringSize;
    /** The token last sent and its target; null before the first. */
    private byte[] lastSent;
    private int lastTarget;

    CommitTokenRelay(int myId, long retransmitNanos) {
        this.myId = myId;
        this.retransmitNanos = retransmitNanos;
    }

    /** From now on resends wait {@code nanos} (token_retransmit, reloaded). */
    void retransmitNanos(long nanos) {
        this.retransmitNanos = nanos;
    }

    /** A token for a new ring of {@code members} (ascending), before anybody filled in an entry. */
    static CommitToken create(int myId, RingId ringId, int[] members) {
        CommitEntry[] entries = new CommitEntry[members.length];
        Arrays.fill(entries, CommitEntry.UNFILLED);
        return new CommitToken(myId, ringId, 0, 0, members, entries);
    }

    /**
     * This member's entry: where it comes from and what it holds of that ring.
     *
     * @param oldRing the ring it comes from, or null when it had none
     */
    static CommitEntry entry(RingId oldRingId, OperationalRing oldRing) {
        return oldRing == null
                ? new CommitEntry(oldRingId, 0, 0, true)
                : new CommitEntry(oldRingId, oldRing.myAru(), oldRing.highDelivered(),
                        oldRing.myAru() == oldRing.highSeqReceived());
    }

    /** Whether {@code t}, a token of the ring being formed, is a copy of one already taken. */
    boolean isCopy(CommitToken t) {
        return t.tokenSeq() <= tokenSeqSeen;
    }

    /** Takes {@code t}: copies of it that come back later are dropped. */
    void take(CommitToken t) {
        tokenSeqSeen = t.tokenSeq();
    }

    /**
     * Takes {@code t} on its first lap and returns it as this member passes it on: with
     * {@code mine} in this member's entry, for the next member.
     */
    CommitToken fillIn(CommitToken t, CommitEntry mine) {
        take(t);
        ringSize = t.members().length;
        CommitEntry[] entries = t.entries().clone();
        entries[t.membIndex()] = mine;
        return new CommitToken(myId, t.ring(), t.tokenSeq() + 1, t.membIndex() + 1, t.members(), entries);
    }

    /** Takes {@code t}, back from its first lap, and sends it on for the second; returns what it sent. */
    CommitToken sendSecondLap(CommitToken t, Effects effects) {
        take(t);
        int n = t.members().length;
        CommitToken next = new CommitToken(myId, t.ring(), t.tokenSeq() + 1, n, t.members(), t.entries());
        send(next, effects);
        return next;
    }

    /** Sends {@code t} to the member after this one, unless it is alone, and keeps it to resend. */
    void send(CommitToken t, Effects effects) {
        int[] members = t.members();
        lastSent = t.encode();
        lastTarget = members[(Arrays.binarySearch(members, myId) + 1) % members.length];
        if (members.length > 1) {
            sendLast(effects);
        }
    }

    /** On the token-retransmit timer: sends the last token again. */
    void resend(Effects effects) {
        if (lastSent != null && ringSize > 1) {
            sendLast(effects);
        }
    }

    private void sendLast(Effects effects) {
        effects.add(new Effect.Send(lastTarget, lastSent));
        effects.add(new Effect.SetTimer(TimerKind.TOKEN_RETRANSMIT, retransmitNanos));
    }
}
