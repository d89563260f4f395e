package dev.totem.cpg;

import dev.totem.protocol.api.ByteSlice;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * This node's CPG messages on their way: the JOINLIST of the sync in progress until the engine
 * takes it, the messages that wait for the end of the sync (re-sent multicasts and PROCDOWNs, in
 * order), and those the engine accepted and has not delivered back yet. It counts them against
 * {@link CpgConfig}'s in-flight bounds. The group table and the clients are {@link CpgService}'s;
 * it says here, through {@link #flush}'s arguments, what is still worth sending.
 */
final class OwnMessages {
    /** Why a message is sent; {@code RESEND} is a multicast dropped during a sync and sent again. */
    enum Kind { PROCJOIN, PROCLEAVE, PROCDOWN, JOINLIST, MCAST, RESEND }

    /** A message of this node: its encoded bytes and what it is about, for notices and for dropping it. */
    record Outgoing(byte[] bytes, Guarantee guarantee, Kind kind, String group, int pid) {
        String what() {
            return kind + " " + pid + " " + group;
        }
    }

    private final SubmitPort port;
    /** This node's JOINLIST for the sync in progress, until the engine accepts it. */
    private Outgoing pendingJoinList;
    /** Submitted only once synchronised, in order. */
    private final ArrayDeque<Outgoing> deferred = new ArrayDeque<>();
    /** Accepted by the engine and not yet delivered back, in submit order (the engine keeps it). */
    private final ArrayDeque<Outgoing> inflight = new ArrayDeque<>();
    /** Bytes of {@link #deferred} and {@link #inflight}. */
    private long outstandingBytes;
    /**
     * The engine's send queue refused a multicast: until one of this node's messages comes back
     * (frames left the queue) or the configuration changes, multicasts answer TRY_AGAIN without
     * being encoded, so callers that retry on every delivery cost little. With none of this
     * node's messages on their way, nothing would clear it: then multicasts try the engine.
     */
    private boolean engineFull;

    OwnMessages(SubmitPort port) {
        this.port = port;
    }

    /** Every message not yet delivered back: the JOINLIST waiting for the engine, deferred and in flight. */
    int outstanding() {
        return (pendingJoinList == null ? 0 : 1) + deferred.size() + inflight.size();
    }

    /** Deferred and in-flight messages, as the bound {@link CpgConfig#inflightMessagesMax()} counts them. */
    int counted() {
        return deferred.size() + inflight.size();
    }

    /** Bytes of the counted messages ({@link CpgConfig#inflightBytesMax()}). */
    long outstandingBytes() {
        return outstandingBytes;
    }

    boolean hasDeferred() {
        return !deferred.isEmpty();
    }

    /** The engine refused the last multicast and none of ours has come back since: trying again is in vain. */
    boolean engineFull() {
        return engineFull && !inflight.isEmpty();
    }

    /** Submits {@code o} now; an accepted message is in flight, a refusal marks the engine full. */
    SubmitStatus submit(Outgoing o) {
        SubmitStatus st = port.submit(o.bytes(), o.guarantee());
        if (st == SubmitStatus.ACCEPTED) {
            inflight.add(o);
            outstandingBytes += o.bytes().length;
        } else if (st == SubmitStatus.TRY_AGAIN) {
            engineFull = true;
        }
        return st;
    }

    /** Queues {@code o} to be submitted by {@link #flush} once synchronised. */
    void defer(Outgoing o) {
        deferred.add(o);
        outstandingBytes += o.bytes().length;
    }

    /**
     * One of our messages came back in the total order: the oldest in flight.
     *
     * @return false when it is not the one we submitted first (the engine broke our submit order)
     */
    boolean takeBack(ByteSlice message) {
        engineFull = false;
        Outgoing head = inflight.poll();
        if (head == null || !message.contentEquals(head.bytes())) {
            return false;
        }
        outstandingBytes -= head.bytes().length;
        return true;
    }

    /** A configuration change: the engine's queue may take messages again. */
    void configurationChanged() {
        engineFull = false;
    }

    /**
     * A sync starts: {@code joinList} goes first. It states every membership of this node, so the
     * PROCDOWNs not yet sent are already counted in it and go.
     */
    void startSync(Outgoing joinList) {
        deferred.removeIf(o -> {
            if (o.kind() != Kind.PROCDOWN) {
                return false;
            }
            outstandingBytes -= o.bytes().length;
            return true;
        });
        pendingJoinList = joinList;
    }

    /**
     * Submits the JOINLIST, then (when {@code synced}) the deferred messages, until the engine
     * answers TRY_AGAIN. A re-sent multicast whose sender is no longer a member ({@code
     * stillMember} says no) is dropped: every receiver would drop it. A message the engine refuses
     * for good is dropped and reported to {@code dropped}.
     */
    void flush(boolean synced, Predicate<Outgoing> stillMember, Consumer<String> dropped) {
        if (pendingJoinList != null) {
            SubmitStatus st = port.submit(pendingJoinList.bytes(), pendingJoinList.guarantee());
            if (st == SubmitStatus.TRY_AGAIN) {
                return;
            }
            if (st == SubmitStatus.ACCEPTED) {
                inflight.add(pendingJoinList);
                outstandingBytes += pendingJoinList.bytes().length;
            } else {
                dropped.accept(pendingJoinList.what() + ": engine answered " + st);
            }
            pendingJoinList = null;
        }
        if (!synced) {
            return;
        }
        while (!deferred.isEmpty()) {
            Outgoing o = deferred.peek();
            if (o.kind() == Kind.RESEND && !stillMember.test(o)) {
                deferred.poll();
                outstandingBytes -= o.bytes().length;
                continue;
            }
            SubmitStatus st = port.submit(o.bytes(), o.guarantee());
            if (st == SubmitStatus.TRY_AGAIN) {
                return;
            }
            deferred.poll();
            if (st == SubmitStatus.ACCEPTED) {
                inflight.add(o);
            } else {
                outstandingBytes -= o.bytes().length;
                dropped.accept(o.what() + ": engine answered " + st);
            }
        }
    }
}
