package dev.totem.protocol.srp;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.pack.Assembler;
import dev.totem.protocol.wire.McastFrame;
import dev.totem.protocol.wire.OrfTokenFrame;
import dev.totem.protocol.wire.TokenHoldCancel;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The operational state of Totem SRP for one ring: the orf token, sequence numbers, aru,
 * retransmission, flow control, token hold, and agreed and safe delivery in one total order.
 *
 * <p>Pure: time comes in with each call, effects go out to the {@link Effects} given. The send
 * queue and the assembler are passed in because they outlive a ring.
 */
public final class OperationalRing {
    /** What the ring does with the frames it orders. */
    public enum Mode {
        /**
         * Members of the new ring exchange old rings' messages: every frame sent is encapsulated,
         * every frame ordered goes to the {@link RecoveryListener}, nothing reaches the application.
         */
        RECOVERY,
        /** Application frames are ordered and delivered. */
        OPERATIONAL,
        /** The ring was left: frames are still stored (recovery needs them) but nothing is delivered or sent. */
        FROZEN
    }

    /** Receives, in ring order, each encapsulated old-ring frame a recovering ring orders. */
    @FunctionalInterface
    public interface RecoveryListener {
        void onRecovered(byte[] frame, int innerOffset, int innerLength);
    }

    /**
     * Rounds of {@code missCountConst} fresh token visits a stuck aru must also last before
     * failed-to-receive: one to ask for the missing frame, one for the answer.
     */
    static final int FAIL_RECV_MISS_ROUNDS = 2;

    /** Replaced by {@link #reloadTunables}: its sizes never change, so neither do the sort queue's. */
    private TotemConfig config;
    private final int myId;
    private final RingId ringId;
    private final int[] members;
    private final int successor;
    private final boolean representative;
    private SendQueue sendQueue;
    private final Assembler assembler;
    private final SortQueue sortQueue;
    private final SrpStats stats;

    private final OrfTokenFrame tokenIn = new OrfTokenFrame();
    private final OrfTokenFrame tokenOut = new OrfTokenFrame();
    private final McastFrame mcast = new McastFrame();
    private final long[] rtrScratch = new long[128];

    private long myAru;
    private long highSeqReceived;
    private long highDelivered;
    private long myTokenSeq = -1;
    private long lastTokenAru;
    private long safeUpTo;
    private int lastRotationSends;
    private int previousBacklog;
    private long lastSeqSeen = -1;
    private int seqUnchanged;
    private boolean tokenHeldElsewhere;
    private boolean holdCancelSent;
    private byte[] lastToken;
    private boolean holding;
    private Effects out;
    private Mode mode = Mode.OPERATIONAL;
    private RecoveryListener recoveryListener;
    private int visits;
    private boolean installSeqKnown;
    private long installSeq;
    private long aruAtLastVisit = -1;
    private long aruStuckSinceNanos = -1;
    /** Fresh token visits since {@link #aruStuckSinceNanos}. */
    private int aruStuckVisits;

    /**
     * @param members node ids of the ring, ascending; ring order is this order
     * @param startSeq the seq after which this ring's messages are numbered (0 for a new ring)
     */
    public OperationalRing(TotemConfig config, int myId, RingId ringId, int[] members, long startSeq,
            SendQueue sendQueue, Assembler assembler, SrpStats stats) {
        int index = Arrays.binarySearch(members, myId);
        if (index < 0) {
            throw new IllegalArgumentException("node " + myId + " is not a member of " + Arrays.toString(members));
        }
        this.config = config;
        this.myId = myId;
        this.ringId = ringId;
        this.members = members.clone();
        this.successor = members[(index + 1) % members.length];
        this.representative = members[0] == myId;
        this.sendQueue = sendQueue;
        this.assembler = assembler;
        this.stats = stats;
        this.sortQueue = new SortQueue(config.sortQueueFramesMax());
        sortQueue.reset(startSeq);
        myAru = startSeq;
        highSeqReceived = startSeq;
        highDelivered = startSeq;
        safeUpTo = startSeq;
        lastTokenAru = startSeq;
    }

    /**
     * Runs on with {@code reloaded}'s tunables ({@link TotemConfig#withTunablesOf}): the timers
     * armed from now on, the window and visit limits at the next token.
     */
    public void reloadTunables(TotemConfig reloaded) {
        config = config.withTunablesOf(reloaded);
    }

    /** The config this ring runs with now. */
    public TotemConfig config() {
        return config;
    }

    public RingId ringId() {
        return ringId;
    }

    public int[] members() {
        return members.clone();
    }

    public long myAru() {
        return myAru;
    }

    public long highSeqReceived() {
        return highSeqReceived;
    }

    public long highDelivered() {
        return highDelivered;
    }

    public boolean holding() {
        return holding;
    }

    public Mode mode() {
        return mode;
    }

    public long safeUpTo() {
        return safeUpTo;
    }

    /** Whether this node has sent a token of this ring (so there is one to retransmit). */
    public boolean hasSentToken() {
        return lastToken != null;
    }

    /** Starts this ring in recovery: {@code recoveryQueue} holds the encapsulated old-ring frames to send. */
    public void startRecovery(SendQueue recoveryQueue, RecoveryListener listener) {
        this.sendQueue = recoveryQueue;
        this.recoveryListener = listener;
        this.mode = Mode.RECOVERY;
    }

    /**
     * Whether recovery is over for this node: every node had sent all its recovery frames when
     * this node saw the token (the token's backlog was 0 after a full rotation), and this node
     * holds every frame up to that point.
     */
    public boolean recoveryComplete() {
        return mode == Mode.RECOVERY && installSeqKnown && myAru >= installSeq;
    }

    /** Ends recovery: from now on application frames from {@code appQueue} are sent and delivered. */
    public void switchToOperational(SendQueue appQueue, Effects effects) {
        this.sendQueue = appQueue;
        this.mode = Mode.OPERATIONAL;
        this.recoveryListener = null;
        out = effects;
        deliver();
    }

    /** The ring was left: keep its frames for recovery, deliver and send nothing more. */
    public void freeze() {
        mode = Mode.FROZEN;
        holding = false;
    }

    /** The frame of {@code seq} this node holds, or null. */
    public byte[] frame(long seq) {
        return sortQueue.get(seq);
    }

    /**
     * Stores an old-ring frame that recovery brought back (a frozen ring only). Returns whether it
     * was new to this node.
     */
    public boolean acceptRecovered(byte[] frame) {
        if (mode != Mode.FROZEN) {
            throw new IllegalStateException("recovered frames go to a frozen ring, not a " + mode + " one");
        }
        long seq = mcast.wrap(ByteBuffer.wrap(frame), 0).seq();
        if (seq <= sortQueue.released() || sortQueue.has(seq) || !sortQueue.inWindow(seq)) {
            return false;
        }
        sortQueue.put(seq, frame);
        if (seq > highSeqReceived) {
            highSeqReceived = seq;
        }
        advanceAru();
        return true;
    }

    /**
     * Extended virtual synchrony, step one, on a frozen ring: delivers in the old regular
     * configuration every held message up to the first hole, except that a safe message above
     * {@code regularUpTo} (the highest seq any surviving member delivered) and everything after
     * it waits for the transitional configuration, since no survivor knows every member had it.
     */
    public void deliverRegularForInstall(long regularUpTo, Effects effects) {
        out = effects;
        while (highDelivered < myAru) {
            long next = highDelivered + 1;
            byte[] frame = sortQueue.get(next);
            Guarantee g = mcast.wrap(ByteBuffer.wrap(frame), 0).guarantee();
            if (g == Guarantee.SAFE && next > regularUpTo && next > safeUpTo) {
                return;
            }
            deliverFrame(next, frame, ringId);
        }
    }

    /**
     * Extended virtual synchrony, step two, on a frozen ring: delivers in the transitional
     * configuration {@code transitional} the rest: the contiguous run first, then, across holes,
     * only messages of members of the transitional configuration (whose own messages have no
     * holes, so FIFO holds for them).
     */
    public void deliverTransitionalForInstall(int[] transitional, RingId transitionalRing, Effects effects) {
        out = effects;
        boolean pastHole = false;
        for (long seq = highDelivered + 1; seq <= highSeqReceived; seq++) {
            byte[] frame = sortQueue.get(seq);
            if (frame == null) {
                pastHole = true;
                continue;
            }
            int originator = mcast.wrap(ByteBuffer.wrap(frame), 0).originator();
            if (!pastHole || Arrays.binarySearch(transitional, originator) >= 0) {
                deliverFrame(seq, frame, transitionalRing);
            }
        }
        highDelivered = Math.max(highDelivered, highSeqReceived);
        myAru = highSeqReceived;
    }

    /** The representative creates the first token of the ring and processes it as if received. */
    public void originateToken(long nowNanos, Effects effects) {
        if (!representative) {
            throw new IllegalStateException("only the representative originates the token");
        }
        byte[] first = new byte[OrfTokenFrame.length(0)];
        tokenOut.wrap(ByteBuffer.wrap(first), 0).init(myId, 0);
        tokenOut.ringRep(ringId.rep()).ringSeq(ringId.seq()).tokenSeq(0).seq(myAru).aru(myAru).aruAddr(myId)
                .backlog(0).fcc(0).retransFlag(false);
        onToken(nowNanos, ByteBuffer.wrap(first), 0, effects);
    }

    /** Arms the token loss timer; called when the ring starts. */
    public void armTokenLoss(Effects effects) {
        effects.add(new Effect.SetTimer(TimerKind.TOKEN_LOSS, config.tokenTimeoutNanos()));
    }

    /**
     * A token of this ring arrived (the caller checked the frame and its ring id). Serves and
     * requests retransmissions, broadcasts new frames as flow control allows, updates aru and
     * forwards (or holds) the token, then delivers what became deliverable.
     */
    public void onToken(long nowNanos, ByteBuffer buf, int offset, Effects effects) {
        out = effects;
        OrfTokenFrame in = tokenIn.wrap(buf, offset);
        if (in.tokenSeq() <= myTokenSeq) {
            stats.tokensDuplicate++;
            return;
        }
        stats.tokensReceived++;
        holdCancelSent = false;
        long seq = in.seq();
        if (seq == lastSeqSeen) {
            seqUnchanged++;
        } else {
            seqUnchanged = 0;
            lastSeqSeen = seq;
        }
        tokenHeldElsewhere = !representative && seqUnchanged >= config.seqnoUnchangedConst();
        trackStuckAru(nowNanos, seq);
        long receivedAru = in.aru();
        long previousAru = lastTokenAru;
        lastTokenAru = receivedAru;

        // Flow control: corosync's fcc_calculate.
        int fcc = in.fcc();
        int backlog = in.backlog();
        int allowed = Math.max(0, Math.min(config.maxMessages(), config.windowSize() - fcc));
        int currentBacklog = sendQueue.size();
        long othersBacklog = (long) backlog + currentBacklog - previousBacklog;
        if (othersBacklog > 0) {
            long share = (long) config.windowSize() * previousBacklog / othersBacklog;
            if (share > 0 && share < allowed) {
                allowed = (int) share;
            }
        }

        // Serve retransmit requests first; they count against what this node may send.
        int requests = Math.min(in.rtrCount(), rtrScratch.length);
        int kept = 0;
        int retransmitted = 0;
        for (int i = 0; i < requests; i++) {
            long s = in.rtrSeq(i);
            byte[] frame = sortQueue.get(s);
            if (frame != null && allowed > 0) {
                out.add(new Effect.Send(Effect.MULTICAST, retransmission(frame)));
                allowed--;
                retransmitted++;
            } else if (s > sortQueue.released() && kept < config.retransmitEntriesMax() && !contains(rtrScratch, kept, s)) {
                rtrScratch[kept++] = s;
            }
        }
        stats.framesRetransmitted += retransmitted;

        // Request what this node misses, once it has missed it on missCountConst visits.
        long scanTo = Math.min(seq, sortQueue.released() + sortQueue.capacity());
        for (long s = myAru + 1; s <= scanTo && kept < config.retransmitEntriesMax(); s++) {
            if (!sortQueue.has(s) && sortQueue.countMiss(s) >= config.missCountConst() && !contains(rtrScratch, kept, s)) {
                rtrScratch[kept++] = s;
                stats.retransmitRequests++;
            }
        }

        // Never run past the sort queue of the slowest member (corosync's fcc_rtr_limit).
        long room = sortQueue.released() + sortQueue.capacity() - config.windowSize() - seq;
        allowed = (int) Math.max(0, Math.min(allowed, room));

        int sent = 0;
        while (sent < allowed && !sendQueue.isEmpty()) {
            Guarantee g = sendQueue.peekGuarantee();
            byte[] frame = sendQueue.poll();
            seq++;
            mcast.wrap(ByteBuffer.wrap(frame), 0).init(myId, frame.length - McastFrame.PAYLOAD_OFFSET);
            mcast.ringRep(ringId.rep()).ringSeq(ringId.seq()).seq(seq).originator(myId).guarantee(g).encapsulated(mode == Mode.RECOVERY);
            sortQueue.put(seq, frame);
            out.add(new Effect.Send(Effect.MULTICAST, frame));
            sent++;
        }
        stats.framesBroadcast += sent;
        if (seq > highSeqReceived) {
            highSeqReceived = seq;
        }
        advanceAru();

        fcc = Math.max(0, fcc + sent + retransmitted - lastRotationSends);
        lastRotationSends = sent + retransmitted;
        int queued = sendQueue.size();
        backlog = Math.max(0, backlog + queued - previousBacklog);
        previousBacklog = queued;

        long aru = in.aru();
        int aruAddr = in.aruAddr();
        if (myAru < aru || aruAddr == myId || aruAddr == 0) {
            aru = myAru;
            aruAddr = aru == seq ? 0 : myId;
        }

        // A seq is held by every member once the aru covered it on two successive visits.
        long safe = Math.min(receivedAru, previousAru);
        if (safe > safeUpTo) {
            safeUpTo = safe;
        }

        long tokenSeq = in.tokenSeq();
        myTokenSeq = tokenSeq;
        byte[] next = new byte[OrfTokenFrame.length(kept)];
        tokenOut.wrap(ByteBuffer.wrap(next), 0).init(myId, kept);
        tokenOut.ringRep(ringId.rep()).ringSeq(ringId.seq()).tokenSeq(tokenSeq + 1).seq(seq).aru(aru).aruAddr(aruAddr)
                .backlog(backlog).fcc(fcc).retransFlag(false);
        for (int i = 0; i < kept; i++) {
            tokenOut.rtrSeq(i, rtrScratch[i]);
        }
        lastToken = next;
        stats.rotations++;

        visits++;
        if (mode == Mode.RECOVERY && !installSeqKnown && visits >= 2 && backlog == 0 && sendQueue.isEmpty()) {
            // Every member has had the token since this ring began and none has frames left to
            // send: every recovery frame has a seq at or below this one.
            installSeqKnown = true;
            installSeq = seq;
        }
        boolean idle = mode == Mode.OPERATIONAL && representative && seqUnchanged > config.seqnoUnchangedConst() && kept == 0 && aru == seq
                && sendQueue.isEmpty();
        if (idle) {
            holding = true;
            stats.tokenHolds++;
            out.add(new Effect.CancelTimer(TimerKind.TOKEN_RETRANSMIT));
            out.add(new Effect.SetTimer(TimerKind.HOLD, config.holdNanos()));
        } else {
            sendToken();
        }
        out.add(new Effect.SetTimer(TimerKind.TOKEN_LOSS, config.tokenTimeoutNanos()));

        deliver();
        sortQueue.releaseUpTo(Math.min(safeUpTo, highDelivered));
    }

    /** Notes when this node last saw its aru stay put while it misses frames the token says exist. */
    private void trackStuckAru(long nowNanos, long tokenSeq) {
        if (myAru < tokenSeq && myAru == aruAtLastVisit) {
            if (aruStuckSinceNanos < 0) {
                aruStuckSinceNanos = nowNanos;
                aruStuckVisits = 0;
            }
            aruStuckVisits++;
        } else {
            aruStuckSinceNanos = -1;
        }
        aruAtLastVisit = myAru;
    }

    /**
     * Failed to receive: the token keeps coming but this node's aru has not moved for
     * {@code failRecvConst} milliseconds although frames above it exist: retransmissions do not
     * reach it. Time based, so a fast ring does not trip it sooner; and it also needs {@link
     * #FAIL_RECV_MISS_ROUNDS} × {@code missCountConst} fresh token visits in that time, so a
     * token that stalls (lost on every network until token_retransmit) is not taken for frames
     * that never arrive: the node had the rotations to ask for them and be served.
     */
    public boolean failedToReceive(long nowNanos) {
        return aruStuckSinceNanos >= 0 && nowNanos - aruStuckSinceNanos > config.failRecvNanos()
                && aruStuckVisits >= FAIL_RECV_MISS_ROUNDS * config.missCountConst();
    }

    private void sendToken() {
        holding = false;
        out.add(new Effect.Send(successor, lastToken));
        out.add(new Effect.SetTimer(TimerKind.TOKEN_RETRANSMIT, config.tokenRetransmitNanos()));
    }

    /**
     * A copy of a held frame to send again, naming this node as its sender; the frame's
     * originator stays as it was. A sealed ring lets a node speak only for itself, so another
     * member's frame resent under its own name was dropped by every receiver, the request came
     * back each rotation and the ring stalled until failed-to-receive; and a redundant ring
     * counts each frame for the node that put it on a network.
     */
    private byte[] retransmission(byte[] frame) {
        byte[] copy = frame.clone();
        mcast.wrap(ByteBuffer.wrap(copy), 0).sender(myId);
        return copy;
    }

    private static boolean contains(long[] values, int count, long value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    /**
     * An MCAST frame of this ring arrived (the caller checked the frame and its ring id).
     * {@code frame} is kept, so the caller hands over a buffer it will not reuse.
     */
    public void onMcast(long nowNanos, byte[] frame, Effects effects) {
        out = effects;
        McastFrame m = mcast.wrap(ByteBuffer.wrap(frame), 0);
        long seq = m.seq();
        if (seq <= sortQueue.released() || sortQueue.has(seq)) {
            stats.framesDuplicate++;
            return;
        }
        if (!sortQueue.inWindow(seq)) {
            // Ahead of what this node can hold; it is asked for again once the window moves.
            stats.framesOutOfWindow++;
            return;
        }
        stats.framesReceived++;
        sortQueue.put(seq, frame);
        if (seq > highSeqReceived) {
            highSeqReceived = seq;
        }
        advanceAru();
        deliver();
    }

    private void advanceAru() {
        while (myAru < highSeqReceived && sortQueue.has(myAru + 1)) {
            myAru++;
        }
    }

    /** Delivers in seq order up to the first hole, holding back at the first safe message not yet safe. */
    private void deliver() {
        if (mode == Mode.FROZEN) {
            return;
        }
        while (highDelivered < myAru) {
            long next = highDelivered + 1;
            byte[] frame = sortQueue.get(next);
            McastFrame m = mcast.wrap(ByteBuffer.wrap(frame), 0);
            if (m.encapsulated()) {
                // Old rings' frames are ordered here only to be handed to recovery, never delivered.
                highDelivered = next;
                if (recoveryListener != null) {
                    recoveryListener.onRecovered(frame, McastFrame.PAYLOAD_OFFSET, frame.length - McastFrame.PAYLOAD_OFFSET);
                }
                continue;
            }
            if (mode == Mode.RECOVERY) {
                // A member that finished recovery already sends in the new ring; wait until we install it.
                return;
            }
            if (m.guarantee() == Guarantee.SAFE && next > safeUpTo) {
                return;
            }
            deliverFrame(next, frame, ringId);
        }
    }

    private void deliverFrame(long seq, byte[] frame, RingId inRing) {
        McastFrame m = mcast.wrap(ByteBuffer.wrap(frame), 0);
        Guarantee g = m.guarantee();
        highDelivered = seq;
        assembler.accept(m.originator(), ByteBuffer.wrap(frame), McastFrame.PAYLOAD_OFFSET,
                frame.length - McastFrame.PAYLOAD_OFFSET, (originator, bytes, offset, length) -> {
                    stats.messagesDelivered++;
                    out.add(new Effect.Deliver(originator, bytes, offset, length, g, inRing));
                });
    }

    /**
     * A message was submitted and queued: wake a held token. The representative holding it
     * forwards it now; another node that believes it is held multicasts a token hold cancel.
     */
    public void onLocalSend(Effects effects) {
        out = effects;
        if (holding) {
            seqUnchanged = 0;
            sendToken();
        } else if (tokenHeldElsewhere && !holdCancelSent) {
            holdCancelSent = true;
            stats.holdCancelsSent++;
            out.add(new Effect.Send(Effect.MULTICAST, new TokenHoldCancel(myId, ringId).encode()));
        }
    }

    /** A token hold cancel of this ring arrived. */
    public void onHoldCancel(Effects effects) {
        out = effects;
        seqUnchanged = 0;
        tokenHeldElsewhere = false;
        if (holding) {
            sendToken();
        }
    }

    /** The token retransmit timer fired: resend the last token, unless it is held. */
    public void onTokenRetransmitTimer(Effects effects) {
        if (lastToken != null && !holding) {
            stats.tokenRetransmits++;
            out = effects;
            sendToken();
        }
    }

    /** The hold timer fired: the representative releases the token it held. */
    public void onHoldTimer(Effects effects) {
        if (holding) {
            out = effects;
            sendToken();
        }
    }

    /** Checks the invariants that hold after every input; a failure is a bug in this class. */
    public void checkInvariants() {
        if (!(sortQueue.released() <= highDelivered && highDelivered <= myAru && myAru <= highSeqReceived)) {
            throw new IllegalStateException("seq invariant broken: released=" + sortQueue.released() + " delivered="
                    + highDelivered + " aru=" + myAru + " high=" + highSeqReceived);
        }
        if (highSeqReceived > sortQueue.released() + sortQueue.capacity()) {
            throw new IllegalStateException("high seq " + highSeqReceived + " beyond sort queue window");
        }
        if (myAru < highSeqReceived && sortQueue.has(myAru + 1)) {
            throw new IllegalStateException("aru " + myAru + " not advanced over a held seq");
        }
    }
}
