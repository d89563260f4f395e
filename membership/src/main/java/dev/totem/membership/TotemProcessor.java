package dev.totem.membership;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effect.ConfigurationKind;
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
import dev.totem.protocol.wire.CommitEntry;
import dev.totem.protocol.wire.CommitToken;
import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.protocol.wire.FrameType;
import dev.totem.protocol.wire.Frames;
import dev.totem.protocol.wire.JoinMessage;
import dev.totem.protocol.wire.MergeDetect;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
        SKIP_RECOVERY
    }

    private final TotemConfig config;
    private final PlantedBug plantedBug;
    private final int myId;
    private final RingSeqStore store;
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
    private final TreeSet<Integer> proc = new TreeSet<>();
    private final TreeSet<Integer> failed = new TreeSet<>();
    private final TreeSet<Integer> consensus = new TreeSet<>();
    private long highestRingSeq;
    private long committedRingSeq;

    /** Whether gather was ever entered: the startup jitter timer then has nothing left to do. */
    private boolean gatheredOnce;
    /** Whether this node ever committed to a ring (created or received a commit token). */
    private boolean committedOnce;
    /**
     * Before the first commit: when a join from another node first arrived, or -1. The first
     * commit waits one join period after it, so that the joins of nodes booting together all
     * arrive: without the wait two of them could agree on a ring of two within milliseconds,
     * before the others' joins reached them, and merge with the rest a join period later.
     */
    private long firstJoinHeardNanos = -1;
    /** The time of the input being handled. */
    private long nowNanos;
    /** The frame of the current {@link #onOwnedFrame} input: kept as it is instead of copied. */
    private byte[] ownedFrame;
    /** Set by {@link #leave}: from then on every input is ignored. */
    private boolean left;
    private RingId newRingId;
    private int[] newMembers;
    private int[] committedProc;
    private int[] committedFailed;
    private byte[] lastCommitToken;
    private int lastCommitTarget;
    private long commitTokenSeqSeen = -1;
    private boolean originatedOrfToken;
    private OperationalRing recoveryRing;
    private int[] transMembers;
    private long regularUpTo;

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
        this.store = store;
        this.random = random;
        this.outbox = new Outbox(config);
        this.appQueue = outbox.queue();
        this.assembler = new Assembler(config.messageBytesMax());
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
        // A restarted node never reuses a ring id: its boot ring seq is above all it stored.
        long bootSeq = store.load() + 1;
        store.store(bootSeq);
        myRingId = new RingId(myId, bootSeq);
        highestRingSeq = bootSeq;
        committedRingSeq = bootSeq;
        proc.add(myId);
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
    public Effects onPacket(long nowNanos, ByteBuffer frame) {
        effects.clear();
        this.nowNanos = nowNanos;
        if (left) {
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
            case JOIN -> onJoin(JoinMessage.decode(frame, offset));
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
                gatherEnter("failed to receive: aru stuck at " + ring.myAru() + " for " + config.failRecvConst() + " ms");
            }
        } else if (state == MembershipState.RECOVERY && r.equals(newRingId)) {
            recoveryRing.onToken(nowNanos, frame, offset, effects);
            if (recoveryRing.failedToReceive(nowNanos)) {
                membershipStats.failedToReceive++;
                gatherEnter("failed to receive in recovery");
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
            recoveryRing.onMcast(nowNanos, copy(frame, offset, length), effects);
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
        highestRingSeq = Math.max(highestRingSeq, r.seq());
        if (r.equals(myRingId) || (newRingId != null && r.equals(newRingId))) {
            return;
        }
        boolean memberOfMine = ring != null && NodeSet.contains(ring.members(), sender);
        if (memberOfMine && r.seq() <= myRingId.seq()) {
            return; // a late frame of a ring we already left
        }
        switch (state) {
            case OPERATIONAL -> {
                proc.add(sender);
                gatherEnter("foreign " + what + " from node " + sender + " of ring " + r);
            }
            case GATHER -> {
                if (!proc.contains(sender) && !failed.contains(sender)) {
                    proc.add(sender);
                    gatherEnter("foreign " + what + " from node " + sender + " of ring " + r);
                }
            }
            case COMMIT, RECOVERY -> {
                // Merged after this ring is installed, by the merge detect that follows.
            }
        }
    }

    private void onJoin(JoinMessage j) {
        highestRingSeq = Math.max(highestRingSeq, j.ring().seq());
        membershipStats.joinsReceived++;
        if (firstJoinHeardNanos < 0) {
            firstJoinHeardNanos = nowNanos;
        }
        switch (state) {
            case OPERATIONAL -> {
                if (NodeSet.contains(j.failedList(), myId)) {
                    return; // it wants us out: it forms its ring, we notice its foreign frames
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
                if (Arrays.equals(j.procList(), committedProc) && Arrays.equals(j.failedList(), committedFailed)) {
                    return; // the consensus we committed to, sent before it saw the commit token
                }
                mergeJoin(j, true);
            }
        }
    }

    /** corosync's memb_join_process: consensus, or a merge of the join's sets into ours. */
    private void mergeJoin(JoinMessage j, boolean forceGather) {
        TreeSet<Integer> jp = NodeSet.of(j.procList());
        TreeSet<Integer> jf = NodeSet.of(j.failedList());
        if (!forceGather && jp.equals(proc) && jf.equals(failed)) {
            if (!j.leave()) {
                consensus.add(j.sender());
            }
            checkConsensus();
            return;
        }
        boolean subset = proc.containsAll(jp) && failed.containsAll(jf);
        if (!forceGather && (subset || failed.contains(j.sender()))) {
            return;
        }
        if (!failed.contains(j.sender())) {
            proc.addAll(jp);
            if (jf.contains(myId)) {
                failed.add(j.sender()); // it cannot hear us: exclude it as it excludes us
            } else {
                failed.addAll(jf);
            }
        }
        gatherEnter("join from node " + j.sender());
        if (!j.leave() && NodeSet.of(j.procList()).equals(proc) && NodeSet.of(j.failedList()).equals(failed)) {
            consensus.add(j.sender());
            checkConsensus();
        }
    }

    private void onCommitToken(long nowNanos, CommitToken t) {
        highestRingSeq = Math.max(highestRingSeq, t.ring().seq());
        int n = t.members().length;
        boolean sameRing = t.ring().equals(newRingId);
        if (sameRing && t.tokenSeq() <= commitTokenSeqSeen) {
            return; // a retransmitted copy
        }
        switch (state) {
            case GATHER -> {
                if (t.membIndex() < n && t.members()[t.membIndex()] == myId && t.ring().seq() > committedRingSeq
                        && Arrays.equals(t.members(), NodeSet.toArray(membersProposed()))) {
                    commitTokenSeqSeen = t.tokenSeq();
                    commitEnter(t);
                }
            }
            case COMMIT -> {
                if (sameRing && t.membIndex() == n) {
                    commitTokenSeqSeen = t.tokenSeq();
                    recoveryEnter(t);
                    CommitToken next = new CommitToken(myId, t.ring(), t.tokenSeq() + 1, n, t.members(), t.entries());
                    sendCommitToken(next, successorIn(t.members()));
                    if (n == 1) {
                        onCommitToken(nowNanos, next);
                    }
                }
            }
            case RECOVERY -> {
                if (sameRing && t.members()[0] == myId && !originatedOrfToken) {
                    commitTokenSeqSeen = t.tokenSeq();
                    originatedOrfToken = true;
                    recoveryRing.originateToken(nowNanos, effects);
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
        effects.clear();
        this.nowNanos = nowNanos;
        if (left) {
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
                    effects.add(new Effect.SetTimer(TimerKind.JOIN, millis(config.joinMs())));
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
                        if (recoveryRing.hasSentToken()) {
                            recoveryRing.onTokenRetransmitTimer(effects);
                        } else {
                            resendCommitToken();
                        }
                    }
                    case COMMIT -> resendCommitToken();
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
                    effects.add(new Effect.SetTimer(TimerKind.MERGE_DETECT, millis(config.mergeMs())));
                }
            }
            case RRP_TOKEN_WAIT, RRP_TOKEN_RESEND, RRP_PROBE -> {
                // The redundant ring's timers; its layer handles them before the processor sees any.
            }
        }
        return checked();
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        effects.clear();
        this.nowNanos = nowNanos;
        if (left) {
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
        effects.clear();
        this.nowNanos = nowNanos;
        if (left) {
            return effects;
        }
        TreeSet<Integer> others = new TreeSet<>(ring != null ? NodeSet.of(ring.members()) : proc);
        others.addAll(proc);
        others.remove(myId);
        TreeSet<Integer> leaving = new TreeSet<>(failed);
        leaving.add(myId);
        if (!others.isEmpty()) {
            JoinMessage leave = new JoinMessage(myId, true, myRingId, NodeSet.toArray(others), NodeSet.toArray(leaving));
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

    private TreeSet<Integer> membersProposed() {
        TreeSet<Integer> m = new TreeSet<>(proc);
        m.removeAll(failed);
        return m;
    }

    private void gatherEnter(String reason) {
        gatheredOnce = true;
        if (state == MembershipState.OPERATIONAL) {
            ring.freeze();
        }
        recoveryRing = null;
        originatedOrfToken = false;
        transition(MembershipState.GATHER, reason);
        membershipStats.gathers++;
        proc.add(myId);
        failed.remove(myId);
        consensus.clear();
        consensus.add(myId);
        sendJoin();
        effects.add(new Effect.SetTimer(TimerKind.JOIN, millis(config.joinMs())));
        effects.add(new Effect.SetTimer(TimerKind.CONSENSUS, millis(config.consensusMs())));
        effects.add(new Effect.CancelTimer(TimerKind.TOKEN_LOSS));
        effects.add(new Effect.CancelTimer(TimerKind.TOKEN_RETRANSMIT));
        effects.add(new Effect.CancelTimer(TimerKind.HOLD));
        effects.add(new Effect.CancelTimer(TimerKind.MERGE_DETECT));
        effects.add(new Effect.CancelTimer(TimerKind.JOIN_JITTER));
        checkConsensus();
    }

    private void sendJoin() {
        JoinMessage j = new JoinMessage(myId, false, myRingId, NodeSet.toArray(proc), NodeSet.toArray(failed));
        membershipStats.joinsSent++;
        effects.add(new Effect.Send(Effect.MULTICAST, j.encode()));
    }

    /** The lowest member commits once every proposed member sent a join equal to ours. */
    private void checkConsensus() {
        if (state != MembershipState.GATHER) {
            return;
        }
        TreeSet<Integer> members = membersProposed();
        if (members.size() > 1 && consensus.containsAll(members) && members.first() == myId) {
            if (!committedOnce && nowNanos - firstJoinHeardNanos < millis(config.joinMs())) {
                return; // the first ring: the JOIN timer checks again once the others had time to join
            }
            createCommitToken(members);
        }
    }

    private void onConsensusTimeout() {
        if (state != MembershipState.GATHER) {
            return;
        }
        membershipStats.consensusTimeouts++;
        TreeSet<Integer> members = membersProposed();
        if (!consensus.containsAll(members)) {
            for (int m : members) {
                if (!consensus.contains(m)) {
                    failed.add(m);
                }
            }
        } else if (members.size() > 1) {
            gatherEnter("consensus reached but no commit token came");
            return;
        }
        if (membersProposed().size() == 1) {
            createCommitToken(membersProposed());
        } else {
            gatherEnter("consensus timeout");
        }
    }

    // ---------------------------------------------------------------- commit

    private void createCommitToken(TreeSet<Integer> members) {
        long seq = Math.max(Math.max(highestRingSeq, myRingId.seq()), committedRingSeq) + 4;
        int[] ids = NodeSet.toArray(members);
        CommitEntry[] entries = new CommitEntry[ids.length];
        Arrays.fill(entries, CommitEntry.UNFILLED);
        commitEnter(new CommitToken(myId, new RingId(myId, seq), 0, 0, ids, entries));
        if (ids.length == 1) {
            // A ring of one: both laps end here at once.
            onCommitToken(0, new CommitToken(myId, newRingId, 1, 1, ids, lastCommitEntries));
        }
    }

    private CommitEntry[] lastCommitEntries;

    private void commitEnter(CommitToken t) {
        committedOnce = true;
        int index = t.membIndex();
        CommitEntry[] entries = t.entries().clone();
        entries[index] = ring == null
                ? new CommitEntry(myRingId, 0, 0, true)
                : new CommitEntry(myRingId, ring.myAru(), ring.highDelivered(), ring.myAru() == ring.highSeqReceived());
        newRingId = t.ring();
        newMembers = t.members().clone();
        commitTokenSeqSeen = t.tokenSeq();
        committedProc = NodeSet.toArray(proc);
        committedFailed = NodeSet.toArray(failed);
        committedRingSeq = newRingId.seq();
        highestRingSeq = Math.max(highestRingSeq, committedRingSeq);
        if (store.load() < committedRingSeq) {
            store.store(committedRingSeq);
        }
        transition(MembershipState.COMMIT, "commit token for ring " + newRingId);
        effects.add(new Effect.CancelTimer(TimerKind.JOIN));
        effects.add(new Effect.CancelTimer(TimerKind.CONSENSUS));
        effects.add(new Effect.SetTimer(TimerKind.TOKEN_LOSS, millis(config.tokenTimeoutMs())));
        lastCommitEntries = entries;
        if (newMembers.length > 1) {
            CommitToken next = new CommitToken(myId, newRingId, t.tokenSeq() + 1, index + 1, newMembers, entries);
            sendCommitToken(next, successorIn(newMembers));
        }
    }

    private int successorIn(int[] members) {
        int i = Arrays.binarySearch(members, myId);
        return members[(i + 1) % members.length];
    }

    private void sendCommitToken(CommitToken t, int target) {
        lastCommitToken = t.encode();
        lastCommitTarget = target;
        if (t.members().length > 1) {
            effects.add(new Effect.Send(target, lastCommitToken));
            effects.add(new Effect.SetTimer(TimerKind.TOKEN_RETRANSMIT, millis(config.tokenRetransmitMs())));
        }
    }

    private void resendCommitToken() {
        if (lastCommitToken != null && newMembers != null && newMembers.length > 1) {
            effects.add(new Effect.Send(lastCommitTarget, lastCommitToken));
            effects.add(new Effect.SetTimer(TimerKind.TOKEN_RETRANSMIT, millis(config.tokenRetransmitMs())));
        }
    }

    // ---------------------------------------------------------------- recovery

    private void recoveryEnter(CommitToken t) {
        transition(MembershipState.RECOVERY, "commit token completed its first lap");
        RecoveryPlan plan = RecoveryPlan.of(myId, myRingId, t, ring, config.sortQueueFramesMax(),
                plantedBug != PlantedBug.SKIP_RECOVERY);
        transMembers = plan.transMembers;
        regularUpTo = plan.regularUpTo;
        membershipStats.recoveryFramesOriginated += plan.originated;
        recoveryRing = new OperationalRing(config, myId, newRingId, newMembers, 0, appQueue, assembler, stats);
        recoveryRing.startRecovery(plan.queue, this::onRecovered);
        effects.add(new Effect.SetTimer(TimerKind.TOKEN_LOSS, millis(config.tokenTimeoutMs())));
    }

    private void onRecovered(byte[] frame, int innerOffset, int innerLength) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        if (ring == null || Frames.check(b, innerOffset, innerLength) != DecodeStatus.OK
                || Frames.type(b, innerOffset) != FrameType.MCAST || !Frames.ringId(b, innerOffset).equals(myRingId)) {
            return; // another old ring's message, or nothing we can use
        }
        if (ring.acceptRecovered(Arrays.copyOfRange(frame, innerOffset, innerOffset + innerLength))) {
            membershipStats.recoveryFramesRecovered++;
        }
    }

    private void installIfRecovered() {
        if (state != MembershipState.RECOVERY || recoveryRing == null || !recoveryRing.recoveryComplete()) {
            return;
        }
        if (ring != null) {
            ring.deliverRegularForInstall(regularUpTo, effects);
            int[] left = NodeSet.minus(ring.members(), transMembers);
            effects.add(new Effect.ConfigurationChange(ConfigurationKind.TRANSITIONAL, newRingId, transMembers.clone(),
                    left, new int[0]));
            ring.deliverTransitionalForInstall(transMembers, newRingId, effects);
        }
        // Every partial message is dropped everywhere at once; senders restart theirs whole in the
        // new ring, so no message is delivered from pieces broadcast in two configurations.
        assembler.clear();
        appQueue.restartUnfinishedMessage();
        int[] joined = NodeSet.minus(newMembers, ring == null ? new int[] {myId} : transMembers);
        effects.add(new Effect.ConfigurationChange(ConfigurationKind.REGULAR, newRingId, newMembers.clone(), new int[0],
                joined));
        membershipStats.ringsInstalled++;
        ring = recoveryRing;
        recoveryRing = null;
        myRingId = newRingId;
        proc.clear();
        for (int m : newMembers) {
            proc.add(m);
        }
        failed.clear();
        transition(MembershipState.OPERATIONAL, "ring " + newRingId + " installed");
        ring.switchToOperational(appQueue, effects);
        if (newMembers[0] == myId) {
            effects.add(new Effect.SetTimer(TimerKind.MERGE_DETECT, millis(config.mergeMs())));
        }
    }

    // ---------------------------------------------------------------- helpers

    private void transition(MembershipState to, String reason) {
        MembershipState from = state;
        state = to;
        effects.add(new Effect.Transition("membership", from.name(), to.name(), reason));
    }

    private static long millis(int ms) {
        return ms * 1_000_000L;
    }

    private Effects checked() {
        if (ring != null) {
            ring.checkInvariants();
        }
        if (recoveryRing != null) {
            recoveryRing.checkInvariants();
        }
        if (state == MembershipState.OPERATIONAL && (ring == null || !ring.ringId().equals(myRingId))) {
            throw new IllegalStateException("operational without the installed ring");
        }
        if (state == MembershipState.RECOVERY && recoveryRing == null) {
            throw new IllegalStateException("recovery without a recovering ring");
        }
        return effects;
    }
}
