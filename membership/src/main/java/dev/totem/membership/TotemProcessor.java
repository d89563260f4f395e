package dev.totem.membership;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.RingSeqStore;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.protocol.pack.Assembler;
import dev.totem.protocol.srp.FrameGate;
import dev.totem.protocol.srp.OperationalRing;
import dev.totem.protocol.srp.Outbox;
import dev.totem.protocol.srp.SendQueue;
import dev.totem.protocol.srp.SrpStats;
import dev.totem.protocol.wire.CommitToken;
import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.protocol.wire.FrameType;
import dev.totem.protocol.wire.Frames;
import dev.totem.protocol.wire.JoinMessage;
import dev.totem.protocol.wire.MergeDetect;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The full Totem processor: membership (gather, commit, recovery) composed with the ordering
 * engine of {@link OperationalRing}, delivering with Extended Virtual Synchrony: when the ring
 * changes, the survivors of the old ring agree on its messages, deliver what they can in the old
 * regular configuration, then a transitional configuration with the rest, then the new regular
 * configuration.
 *
 * <p>Pure and single-threaded, as {@link TotemEngine} requires.
 */
public final class TotemProcessor implements TotemEngine {
    /**
     * Bugs planted on purpose, so tests can show the EVS checker catches a broken engine. Never
     * set outside tests.
     */
    public enum PlantedBug {
        NONE,
        /** Survivors do not resend old-ring messages during recovery. */
        SKIP_RECOVERY,
        /** No merge hold-off: a node shut out again and again is let in to try each time, as in corosync. */
        NO_MERGE_HOLD_OFF,
        /** No merge quiet: a shut-out node gathers again on each frame of the ring that ignores it. */
        NO_MERGE_QUIET,
        /** No flush after a pause: joins queued while the process was paused are acted on. */
        NO_PAUSE_FLUSH
    }

    /** The machine name of a hold's {@link Effect.Transition}: the node logs it as a warning. */
    public static final String HOLD_OFF_MACHINE = "merge-hold-off";
    /** The machine name of a quiet's {@link Effect.Transition} ({@link MergeQuiet}). */
    public static final String QUIET_MACHINE = "merge-quiet";

    /**
     * The longest a merge after a link's repair may take under {@code config}, unless a held node
     * restarts: the longest hold ({@link MergeHoldOff}) and two consensus timeouts. The simulator's
     * repair-merge property and jepsen's end wait read it.
     */
    public static long repairMergeBoundNanos(TotemConfig config) {
        return ShutOutNodes.repairMergeBoundNanos(config);
    }

    /** Its tunables are replaced by {@link #reloadTunables}; its sizes never change. */
    private TotemConfig config;
    private final PlantedBug plantedBug;
    private final int myId;
    private final RandomGenerator random;
    private final Effects effects = new Effects();
    private final Outbox outbox;
    private final SendQueue appQueue;
    private final Assembler assembler;
    private final SrpStats stats = new SrpStats();
    private final FrameGate gate = new FrameGate(stats);
    private final MembershipStats membershipStats = new MembershipStats();

    private MembershipState state = MembershipState.GATHER;
    /** The installed ring (operational) or the ring being left (frozen); null before the first. */
    private OperationalRing ring;
    private RingId myRingId;
    /** The ring of the last commit token and its members; kept once installed or given up: its frames are not foreign. */
    private RingId newRingId;
    private int[] newMembers;
    private final RingSeqs ringSeqs;
    private final GatherConsensus gather;
    private final ShutOutNodes shutOut;
    private final CommitTokenRelay commitRelay;
    /** The recovery under way; null outside RECOVERY. */
    private Recovery recovery;

    /** Whether gather was ever entered: the startup jitter timer then has nothing left to do. */
    private boolean gatheredOnce;
    /** The time of the input being handled. */
    private long nowNanos;
    /** The frame of the current {@link #onOwnedFrame} input: kept as it is instead of copied. */
    private byte[] ownedFrame;
    /** Set by {@link #leave}: from then on every input is ignored. */
    private boolean left;
    /** Between {@link #onPause} (a pause over half the token timeout) and {@link #onPauseBacklogRead}: joins are stale. */
    private boolean flushingJoins;

    /**
     * @param store where the highest ring seq survives restarts
     * @param random the only source of randomness (join jitter)
     */
    public TotemProcessor(TotemConfig config, int myId, RingSeqStore store, RandomGenerator random) {
        this(config, myId, store, random, PlantedBug.NONE);
    }

    /** A processor with a bug planted on purpose; for the checker's own tests only. */
    public TotemProcessor(TotemConfig config, int myId, RingSeqStore store, RandomGenerator random, PlantedBug plantedBug) {
        this.plantedBug = plantedBug;
        if (myId == 0) {
            throw new IllegalArgumentException("node id 0 is reserved");
        }
        this.config = config;
        this.myId = myId;
        this.ringSeqs = new RingSeqs(store);
        this.random = random;
        this.outbox = new Outbox(config);
        this.appQueue = outbox.queue();
        this.assembler = new Assembler(config.messageBytesMax());
        this.shutOut = new ShutOutNodes(myId, config, membershipStats, plantedBug != PlantedBug.NO_MERGE_HOLD_OFF,
                plantedBug != PlantedBug.NO_MERGE_QUIET);
        this.gather = new GatherConsensus(myId, node -> shutOut.holds(node, this.nowNanos));
        this.commitRelay = new CommitTokenRelay(myId, config.tokenRetransmitNanos());
    }

    @Override
    public int nodeId() {
        return myId;
    }

    public MembershipState state() {
        return state;
    }

    /** The installed ring's id, or this node's boot ring id before it joined any ring. */
    public RingId ringId() {
        return myRingId;
    }

    public SrpStats stats() {
        return stats;
    }

    public MembershipStats membershipStats() {
        return membershipStats;
    }

    /**
     * The nodes this node holds off merging with at {@code nowNanos} (shut out of its ring again
     * and again while alive; membership/README.md), ascending, each with the milliseconds left.
     */
    public Map<Integer, Long> heldOffMillis(long nowNanos) {
        return shutOut.heldOffMillis(nowNanos);
    }

    public Map<DecodeStatus, Long> rejected() {
        return gate.rejected();
    }

    /** Frames waiting to be broadcast, the open packed frame included. */
    public int queuedFrames() {
        return outbox.queuedFrames();
    }

    @Override
    public Effects start(long nowNanos) {
        effects.clear();
        this.nowNanos = nowNanos;
        myRingId = new RingId(myId, ringSeqs.boot());
        gather.propose(myId);
        effects.add(new Effect.SetTimer(TimerKind.JOIN_JITTER, (long) (random.nextDouble() * config.joinMs() * 1_000_000L)));
        return checked();
    }

    // ---------------------------------------------------------------- inputs

    @Override
    public Effects onOwnedFrame(long nowNanos, int network, byte[] frame) {
        ownedFrame = frame;
        try {
            return onPacket(nowNanos, ByteBuffer.wrap(frame));
        } finally {
            ownedFrame = null;
        }
    }

    @Override
    public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
        if (!beginInput(nowNanos)) {
            return effects;
        }
        if (!gate.admit(frame)) {
            return effects;
        }
        int offset = frame.position();
        int length = frame.remaining();
        FrameType type = Frames.type(frame, offset);
        int sender = Frames.sender(frame, offset);
        if (sender == myId && type != FrameType.ORF_TOKEN && type != FrameType.COMMIT_TOKEN) {
            return effects; // our own multicast, looped back
        }
        switch (type) {
            case ORF_TOKEN -> onOrfToken(nowNanos, frame, offset, sender);
            case MCAST -> onMcast(nowNanos, frame, offset, length, sender);
            case JOIN -> {
                JoinMessage j = JoinMessage.decode(frame, offset);
                if (flushingJoins) {
                    ringSeqs.saw(j.ring());
                    membershipStats.joinsFlushedAfterPause++;
                } else {
                    onJoin(j);
                }
            }
            case COMMIT_TOKEN -> onCommitToken(nowNanos, CommitToken.decode(frame, offset));
            case MERGE_DETECT -> {
                MergeDetect m = MergeDetect.decode(frame, offset);
                if (!m.ring().equals(myRingId)) {
                    onForeign(m.sender(), m.ring(), "merge detect");
                }
            }
            case TOKEN_HOLD_CANCEL -> {
                if (state == MembershipState.OPERATIONAL && Frames.ringId(frame, offset).equals(myRingId)) {
                    ring.onHoldCancel(effects);
                }
            }
        }
        return checked();
    }

    private void onOrfToken(long nowNanos, ByteBuffer frame, int offset, int sender) {
        RingId r = Frames.ringId(frame, offset);
        if (state == MembershipState.OPERATIONAL && r.equals(myRingId)) {
            outbox.flush();
            ring.onToken(nowNanos, frame, offset, effects);
            if (ring.failedToReceive(nowNanos)) {
                membershipStats.failedToReceive++;
                gather.excludeSelf();
                gatherEnter("failed to receive: aru stuck at " + ring.myAru() + " for " + config.failRecvConst()
                        + " ms; leaving the ring to the others and forming one alone");
            }
        } else if (state == MembershipState.RECOVERY && r.equals(newRingId)) {
            recovery.ring.onToken(nowNanos, frame, offset, effects);
            if (recovery.ring.failedToReceive(nowNanos)) {
                membershipStats.failedToReceive++;
                gather.excludeSelf();
                gatherEnter("failed to receive in recovery; leaving the ring to the others and forming one alone");
                return;
            }
            installIfRecovered();
        } else {
            onForeign(sender, r, "token");
        }
    }

    private void onMcast(long nowNanos, ByteBuffer frame, int offset, int length, int sender) {
        RingId r = Frames.ringId(frame, offset);
        if (ring != null && r.equals(myRingId)) {
            if (state == MembershipState.RECOVERY) {
                // Our recovery queue was built from what we held at commit; a late frame of the old
                // ring reaching only us now would make our old-ring set differ from the others'.
                membershipStats.lateOldRingFramesDropped++;
            } else {
                ring.onMcast(nowNanos, copy(frame, offset, length), effects);
            }
        } else if (state == MembershipState.RECOVERY && r.equals(newRingId)) {
            recovery.ring.onMcast(nowNanos, copy(frame, offset, length), effects);
            installIfRecovered();
        } else if (!r.equals(newRingId)) {
            onForeign(sender, r, "mcast");
        }
    }

    /** The frame itself when it is the whole of the array an {@link #onOwnedFrame} input gave up, else a copy. */
    private byte[] copy(ByteBuffer frame, int offset, int length) {
        byte[] owned = ownedFrame;
        if (owned != null && frame.hasArray() && frame.array() == owned && frame.arrayOffset() == 0 && offset == 0
                && length == owned.length) {
            ownedFrame = null; // kept once
            return owned;
        }
        byte[] bytes = new byte[length];
        frame.get(offset, bytes, 0, length);
        return bytes;
    }

    /** A frame of another ring: a partition to merge with, unless it is stale traffic of ours. */
    private void onForeign(int sender, RingId r, String what) {
        ringSeqs.saw(r);
        if (r.equals(myRingId) || (newRingId != null && r.equals(newRingId))) {
            return;
        }
        boolean memberOfMine = ring != null && NodeSet.contains(ring.members(), sender);
        if (memberOfMine && r.seq() <= myRingId.seq()) {
            return; // a late frame of a ring we already left
        }
        if (!shutOut.admitForeign(sender, nowNanos)) {
            return;
        }
        switch (state) {
            case OPERATIONAL -> {
                shutOut.prompted(sender);
                gather.propose(sender);
                gatherEnter("foreign " + what + " from node " + sender + " of ring " + r);
            }
            case GATHER -> {
                if (!gather.knows(sender)) {
                    shutOut.prompted(sender);
                    gather.propose(sender);
                    gatherEnter("foreign " + what + " from node " + sender + " of ring " + r);
                }
            }
            case COMMIT, RECOVERY -> {
                // Merged after this ring is installed, by the merge detect that follows.
            }
        }
    }

    private void onJoin(JoinMessage j) {
        ringSeqs.saw(j.ring());
        membershipStats.joinsReceived++;
        if (!shutOut.admitJoin(j, ring != null && j.ring().equals(myRingId) ? ring.members() : null, nowNanos, effects)) {
            return;
        }
        gather.heardJoin(nowNanos);
        switch (state) {
            case OPERATIONAL -> {
                if (NodeSet.containsUnsorted(j.failedList(), myId)) {
                    return; // it wants us out: it forms its ring, we notice its foreign frames
                }
                if (!NodeSet.contains(ring.members(), j.sender()) && NodeSet.containsUnsorted(j.failedList(), j.sender())) {
                    return; // not ours, and it names itself failed (it failed to receive): it forms a ring alone
                }
                if (NodeSet.contains(ring.members(), j.sender()) && j.ring().seq() < myRingId.seq()) {
                    return; // stale join from before our ring formed
                }
                mergeJoin(j, true);
            }
            case GATHER -> mergeJoin(j, false);
            case COMMIT, RECOVERY -> {
                if (!NodeSet.contains(newMembers, j.sender()) || j.ring().seq() < myRingId.seq()) {
                    return;
                }
                if (gather.repeatsCommitted(j)) {
                    return; // the consensus we committed to, sent before it saw the commit token
                }
                mergeJoin(j, true);
            }
        }
    }

    /** corosync's memb_join_process: consensus, or a merge of the join's sets into ours. */
    private void mergeJoin(JoinMessage j, boolean forceGather) {
        if (!forceGather && gather.matches(j)) {
            gather.agree(j);
            checkConsensus();
            return;
        }
        if (!forceGather && (gather.covers(j) || gather.isFailed(j.sender()))) {
            return;
        }
        gather.merge(j);
        gatherEnter("join from node " + j.sender());
        if (gather.agree(j)) {
            checkConsensus();
        }
    }

    private void onCommitToken(long nowNanos, CommitToken t) {
        ringSeqs.saw(t.ring());
        int n = t.members().length;
        boolean sameRing = t.ring().equals(newRingId);
        if (sameRing && commitRelay.isCopy(t)) {
            return; // a retransmitted copy
        }
        switch (state) {
            case GATHER -> {
                if (t.membIndex() < n && t.members()[t.membIndex()] == myId && ringSeqs.isAboveCommitted(t.ring())
                        && gather.proposes(t.members())) {
                    commitEnter(t);
                }
            }
            case COMMIT -> {
                if (sameRing && t.membIndex() == n) {
                    recoveryEnter(t);
                    CommitToken next = commitRelay.sendSecondLap(t, effects);
                    if (n == 1) {
                        onCommitToken(nowNanos, next);
                    }
                }
            }
            case RECOVERY -> {
                if (sameRing && t.members()[0] == myId && !recovery.tokenOriginated()) {
                    commitRelay.take(t);
                    recovery.originateToken(nowNanos, effects);
                    installIfRecovered();
                }
            }
            case OPERATIONAL -> {
                // Commit tokens of a ring we are not forming; its members will reach us by merge.
            }
        }
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        if (!beginInput(nowNanos)) {
            return effects;
        }
        switch (timer) {
            case JOIN_JITTER -> {
                // Only the first gather waits for the jitter; a join from another node may have
                // started it already, and a late jitter timer must not tear down what formed since.
                if (!gatheredOnce) {
                    gatherEnter("startup");
                }
            }
            case JOIN -> {
                if (state == MembershipState.GATHER) {
                    sendJoin();
                    effects.add(new Effect.SetTimer(TimerKind.JOIN, config.joinNanos()));
                    checkConsensus(); // a first commit that waited for the join period
                }
            }
            case CONSENSUS -> onConsensusTimeout();
            case TOKEN_LOSS -> {
                if (state != MembershipState.GATHER) {
                    stats.tokensLost++;
                    effects.add(new Effect.TokenLost(state == MembershipState.OPERATIONAL ? myRingId : newRingId));
                    gatherEnter("token lost in " + state);
                }
            }
            case TOKEN_RETRANSMIT -> {
                switch (state) {
                    case OPERATIONAL -> ring.onTokenRetransmitTimer(effects);
                    case RECOVERY -> {
                        if (recovery.ring.hasSentToken()) {
                            recovery.ring.onTokenRetransmitTimer(effects);
                        } else {
                            commitRelay.resend(effects);
                        }
                    }
                    case COMMIT -> commitRelay.resend(effects);
                    case GATHER -> { }
                }
            }
            case HOLD -> {
                if (state == MembershipState.OPERATIONAL) {
                    ring.onHoldTimer(effects);
                }
            }
            case MERGE_DETECT -> {
                if (state == MembershipState.OPERATIONAL && ring.members()[0] == myId) {
                    effects.add(new Effect.Send(Effect.MULTICAST, new MergeDetect(myId, myRingId).encode()));
                    effects.add(new Effect.SetTimer(TimerKind.MERGE_DETECT, config.mergeNanos()));
                }
            }
            case RRP_TOKEN_WAIT, RRP_TOKEN_RESEND, RRP_PROBE -> {
                // The redundant ring's timers; its layer handles them before the processor sees any.
            }
        }
        return checked();
    }

    @Override
    public Effects onPause(long nowNanos, long pausedNanos) {
        if (!beginInput(nowNanos)) {
            return effects;
        }
        // corosync's threshold: a shorter pause is within what the token timeout absorbs anyway.
        if (pausedNanos > config.tokenTimeoutNanos() / 2 && plantedBug != PlantedBug.NO_PAUSE_FLUSH) {
            membershipStats.pauseFlushes++;
            flushingJoins = true;
        }
        return checked();
    }

    @Override
    public Effects onPauseBacklogRead(long nowNanos) {
        effects.clear();
        this.nowNanos = nowNanos;
        flushingJoins = false;
        return checked();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The holds and quiets of shut-out nodes ({@link #heldOffMillis}) keep the consensus
     * timeout the processor started with: their bound is what a merge after a repair is judged by.
     */
    @Override
    public Effects reloadTunables(long nowNanos, TotemConfig reloaded) {
        if (!beginInput(nowNanos)) {
            return effects;
        }
        config = config.withTunablesOf(reloaded); // throws before anything changed
        if (ring != null) {
            ring.reloadTunables(reloaded);
        }
        if (recovery != null) {
            recovery.ring.reloadTunables(reloaded);
        }
        commitRelay.retransmitNanos(config.tokenRetransmitNanos());
        return checked();
    }

    /** The config this processor runs with now: the one it started with, or its tunables reloaded. */
    public TotemConfig config() {
        return config;
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        if (!beginInput(nowNanos)) {
            effects.submitStatus(SubmitStatus.NOT_READY);
            return effects;
        }
        SubmitStatus status = outbox.offer(payload, guarantee);
        effects.submitStatus(status);
        if (status == SubmitStatus.ACCEPTED && state == MembershipState.OPERATIONAL) {
            ring.onLocalSend(effects);
        }
        return checked();
    }

    @Override
    public Effects leave(long nowNanos) {
        if (!beginInput(nowNanos)) {
            return effects;
        }
        JoinMessage leave = gather.leaveJoin(myRingId, ring != null ? ring.members() : new int[0]);
        if (leave != null) {
            byte[] frame = leave.encode();
            // Sent twice: one lost datagram should not cost the others a token timeout.
            effects.add(new Effect.Send(Effect.MULTICAST, frame));
            effects.add(new Effect.Send(Effect.MULTICAST, frame));
        }
        for (TimerKind k : TimerKind.values()) {
            effects.add(new Effect.CancelTimer(k));
        }
        effects.add(new Effect.Transition("membership", state.name(), "LEFT", "leaving the ring cleanly"));
        left = true;
        return effects;
    }

    /** Whether {@link #leave} was called. */
    public boolean hasLeft() {
        return left;
    }

    // ---------------------------------------------------------------- gather

    private void gatherEnter(String reason) {
        gatheredOnce = true;
        if (state == MembershipState.OPERATIONAL) {
            ring.freeze();
        }
        recovery = null;
        transition(MembershipState.GATHER, reason);
        membershipStats.gathers++;
        gather.restart();
        sendJoin();
        effects.add(new Effect.SetTimer(TimerKind.JOIN, config.joinNanos()));
        effects.add(new Effect.SetTimer(TimerKind.CONSENSUS, config.consensusNanos()));
        effects.add(new Effect.CancelTimer(TimerKind.TOKEN_LOSS));
        effects.add(new Effect.CancelTimer(TimerKind.TOKEN_RETRANSMIT));
        effects.add(new Effect.CancelTimer(TimerKind.HOLD));
        effects.add(new Effect.CancelTimer(TimerKind.MERGE_DETECT));
        effects.add(new Effect.CancelTimer(TimerKind.JOIN_JITTER));
        checkConsensus();
    }

    private void sendJoin() {
        membershipStats.joinsSent++;
        effects.add(new Effect.Send(Effect.MULTICAST, shutOut.join(gather, myRingId, ring == null, nowNanos).encode()));
    }

    /** The lowest member commits once every proposed member sent a join equal to ours. */
    private void checkConsensus() {
        if (state == MembershipState.GATHER && gather.selfExcluded() && gather.agreed()) {
            createCommitToken(alone()); // the others agreed to go on without us
        } else if (state == MembershipState.GATHER && gather.mayCommit(nowNanos, config.joinNanos())) {
            createCommitToken(gather.proposed());
        }
    }

    private void onConsensusTimeout() {
        if (state != MembershipState.GATHER) {
            return;
        }
        membershipStats.consensusTimeouts++;
        if (gather.selfExcluded()) {
            createCommitToken(alone());
            return;
        }
        if (!gather.agreed()) {
            gather.failUnanswered();
        } else if (gather.proposed().size() > 1) {
            gatherEnter("consensus reached but no commit token came");
            return;
        }
        TreeSet<Integer> members = gather.proposed();
        if (members.size() == 1) {
            createCommitToken(members);
        } else {
            gatherEnter("consensus timeout");
        }
    }

    // ---------------------------------------------------------------- commit

    /** The members of a ring of this node alone. */
    private TreeSet<Integer> alone() {
        TreeSet<Integer> me = new TreeSet<>();
        me.add(myId);
        return me;
    }

    private void createCommitToken(TreeSet<Integer> members) {
        RingId ringId = new RingId(myId, ringSeqs.next(myRingId));
        CommitToken next = commitEnter(CommitTokenRelay.create(myId, ringId, NodeSet.toArray(members)));
        if (next.members().length == 1) {
            // A ring of one: both laps end here at once.
            onCommitToken(nowNanos, next); // the time of the input that formed it
        }
    }

    /** Returns the token as this node passes it on. */
    private CommitToken commitEnter(CommitToken t) {
        gather.committed();
        CommitToken next = commitRelay.fillIn(t, CommitTokenRelay.entry(myRingId, ring));
        newRingId = t.ring();
        newMembers = t.members().clone();
        ringSeqs.commit(newRingId);
        transition(MembershipState.COMMIT, "commit token for ring " + newRingId);
        effects.add(new Effect.CancelTimer(TimerKind.JOIN));
        effects.add(new Effect.CancelTimer(TimerKind.CONSENSUS));
        effects.add(new Effect.SetTimer(TimerKind.TOKEN_LOSS, config.tokenTimeoutNanos()));
        if (newMembers.length > 1) {
            commitRelay.send(next, effects);
        }
        return next;
    }

    // ---------------------------------------------------------------- recovery

    private void recoveryEnter(CommitToken t) {
        transition(MembershipState.RECOVERY, "commit token completed its first lap");
        recovery = new Recovery(config, myId, myRingId, ring, t, newRingId, newMembers, appQueue, assembler, stats,
                membershipStats, plantedBug != PlantedBug.SKIP_RECOVERY);
        effects.add(new Effect.SetTimer(TimerKind.TOKEN_LOSS, config.tokenTimeoutNanos()));
    }

    private void installIfRecovered() {
        if (state != MembershipState.RECOVERY || recovery == null || !recovery.ring.recoveryComplete()) {
            return;
        }
        recovery.deliverInstall(newRingId, newMembers, effects);
        membershipStats.ringsInstalled++;
        ring = recovery.ring;
        recovery = null;
        myRingId = newRingId;
        gather.installed(newMembers);
        shutOut.installed(newMembers, nowNanos, effects);
        transition(MembershipState.OPERATIONAL, "ring " + newRingId + " installed");
        ring.switchToOperational(appQueue, effects);
        if (newMembers[0] == myId) {
            effects.add(new Effect.SetTimer(TimerKind.MERGE_DETECT, config.mergeNanos()));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Starts an input at {@code nowNanos}: an empty batch; false once {@link #leave} was called. */
    private boolean beginInput(long nowNanos) {
        effects.clear();
        this.nowNanos = nowNanos;
        return !left;
    }

    private void transition(MembershipState to, String reason) {
        MembershipState from = state;
        state = to;
        effects.add(new Effect.Transition("membership", from.name(), to.name(), reason));
    }

    private Effects checked() {
        if (ring != null) {
            ring.checkInvariants();
        }
        if (recovery != null) {
            recovery.ring.checkInvariants();
        }
        if (state == MembershipState.OPERATIONAL && (ring == null || !ring.ringId().equals(myRingId))) {
            throw new IllegalStateException("operational without the installed ring");
        }
        if (state == MembershipState.RECOVERY && recovery == null) {
            throw new IllegalStateException("recovery without a recovering ring");
        }
        return effects;
    }
}
