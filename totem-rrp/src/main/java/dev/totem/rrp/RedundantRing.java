package dev.totem.rrp;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.protocol.wire.FrameType;
import dev.totem.protocol.wire.Frames;
import dev.totem.protocol.wire.McastFrame;
import dev.totem.protocol.wire.OrfTokenFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The redundant ring: one logical Totem network over several physical ones, as corosync 2's
 * totemrrp. It wraps the engine that speaks Totem (the processor) and is itself a {@link
 * TotemEngine}: the driver hands it frames with the network they came on, and it answers with
 * {@link Effect.SendOn} for every frame the inner engine sends. Pure: no clock, threads or
 * sockets; its timers are {@link TimerKind#RRP_TOKEN_WAIT}, {@link TimerKind#RRP_TOKEN_RESEND}
 * and {@link TimerKind#RRP_PROBE}.
 *
 * <p>Sending. {@link RrpMode#PASSIVE}: each token and each other frame goes on one working
 * network, round robin with a cursor for tokens and another for the rest. {@link
 * RrpMode#ACTIVE}: everything goes on every working network. When every network is faulty,
 * frames go on network 0 anyway. {@link RrpMode#NONE}: network 0 only, nothing watched.
 *
 * <p>Receiving. Frames of every network go to the inner engine. In active mode the copies of a
 * multicast frame are dropped (a small bounded memory of recent frames per sender), and a token
 * is handed on once it arrived on every working network its sender uses, or after {@link
 * RrpConfig#tokenWaitNanos()}; each network that missed it gets a problem count.
 *
 * <p>Faults. A network becomes {@link NetworkState#FAULTY}, with a {@link Effect.Transition} of
 * machine {@code "rrp"}, when one of these detectors fires:
 * <ul>
 *   <li>passive: it received {@link RrpConfig#tokenGapThreshold()} tokens (or {@link
 *       RrpConfig#mcastGapThreshold()} multicasts) fewer than the best network, in a window that
 *       starts afresh every 20 thresholds (corosync's passive monitor);
 *   <li>active: its problem count reached {@link RrpConfig#problemThreshold()}; every count is
 *       lowered by one each {@link RrpConfig#problemDecrementNanos()};
 *   <li>both: a node was heard on another network within {@link RrpConfig#silenceNanos()} but not
 *       on this one. Every node multicasts a probe on every network each {@link
 *       RrpConfig#probeIntervalNanos()}, so this does not depend on the load; it judges a network
 *       against the others, so a node that is gone from every network faults none.
 * </ul>
 * Counters credit a network for frames whose sender does not use it (its probes say which
 * networks it sends on), so one node's faulty network does not look faulty to the others.
 *
 * <p>Recovery. Probes keep going out on faulty networks. A faulty network is re-enabled once
 * every node heard lately was heard on it too, without a gap, for {@link
 * RrpConfig#recoveryNanos()}; at once when a node's probe says it sends on the network again and
 * every node is heard on it (this spreads a recovery around the ring quickly, as corosync's
 * ring-activate message did), or when no network works at all. {@link #reenable} forces it.
 *
 * <p>Tokens that do not come back around within {@link RrpConfig#tokenResendNanos()} are sent
 * again (passive: on the next working network; active: on all), so a network that eats tokens
 * costs the ring milliseconds rather than the processor's token retransmit period. The copies
 * are harmless: a receiver drops a token whose token seq it has seen.
 *
 * <p>Single-threaded, like every engine.
 */
public final class RedundantRing implements TotemEngine {
    /** Most peers watched (corosync's PROCESSOR_COUNT_MAX); frames of others pass unwatched. */
    public static final int MAX_PEERS = Frames.MAX_PROCESSORS;

    private static final long NEVER = Long.MIN_VALUE / 4;
    /**
     * Active mode: tokens that come on a network in time for each problem taken off it. Under a
     * busy ring thousands of tokens pass each second, so the timed decrement alone would let a
     * loss of 1% add up to a fault; with this one a network must miss about a tenth of the
     * tokens to become faulty.
     */
    static final int ON_TIME_TOKENS_PER_PROBLEM = 10;
    private static final String MACHINE = "rrp";

    private final TotemEngine inner;
    private final RrpConfig config;
    private final RrpMode mode;
    private final int count;
    private final int allMask;
    private final int myId;
    private final Effects effects = new Effects();
    /** The frame of the current {@link #onOwnedFrame} input, until handed on to the processor. */
    private byte[] ownedFrame;
    private final Net[] nets;
    /** Ordered by node id so the checks run, and name nodes, in the same order on every run. */
    private final TreeMap<Integer, Peer> peers = new TreeMap<>();
    private final Peer self;
    private final RrpStats stats = new RrpStats();
    private final OrfTokenFrame tokenView = new OrfTokenFrame();
    private final McastFrame mcastView = new McastFrame();

    private int tokenCursor;
    private int frameCursor;
    private long probeSeq;
    private boolean started;
    private boolean left;
    private boolean announce;
    private long nextDecrementNanos;
    /** Active mode: the token waiting for its copies on the other networks, or null. */
    private Waiting waiting;
    /** The last token sent, until it comes back around, or null. */
    private Resend resend;

    /**
     * @param inner the engine that speaks Totem over one logical network; this ring owns it now
     * @param config mode, networks and tunables
     */
    public RedundantRing(TotemEngine inner, RrpConfig config) {
        if (inner == null || config == null) {
            throw new IllegalArgumentException("inner engine and config are required");
        }
        this.inner = inner;
        this.config = config;
        this.mode = config.mode();
        this.count = config.networks();
        this.allMask = (1 << count) - 1;
        this.myId = inner.nodeId();
        this.nets = new Net[count];
        for (int i = 0; i < count; i++) {
            nets[i] = new Net(i);
        }
        this.self = new Peer(myId, count, allMask, config.dedupEntriesPerSender(), 0);
        // The first pick of each cursor is network 0.
        this.tokenCursor = count - 1;
        this.frameCursor = count - 1;
    }

    /** The wrapped engine. */
    public TotemEngine inner() {
        return inner;
    }

    /** The configuration. */
    public RrpConfig config() {
        return config;
    }

    /** Counters that belong to no single network. */
    public RrpStats stats() {
        return stats;
    }

    /** The state of network {@code network}. */
    public NetworkState state(int network) {
        return nets[checkIndex(network)].state;
    }

    /** A snapshot of every network, by index. */
    public List<NetworkStatus> status() {
        List<NetworkStatus> list = new ArrayList<>(count);
        long tokenMax = 0;
        long mcastMax = 0;
        for (Net n : nets) {
            tokenMax = Math.max(tokenMax, n.tokenCount);
            mcastMax = Math.max(mcastMax, n.mcastCount);
        }
        for (Net n : nets) {
            list.add(new NetworkStatus(n.index, n.state, n.framesSent, n.tokensSent, n.framesReceived,
                    n.tokensReceived, n.probesSent, n.probesReceived, n.duplicatesDropped, n.problemCount,
                    tokenMax - n.tokenCount, mcastMax - n.mcastCount, n.faults, n.lastFault));
        }
        return Collections.unmodifiableList(list);
    }

    @Override
    public int nodeId() {
        return myId;
    }

    @Override
    public Effects start(long nowNanos) {
        effects.clear();
        started = true;
        route(inner.start(nowNanos));
        if (mode != RrpMode.NONE) {
            nextDecrementNanos = nowNanos + config.problemDecrementNanos();
            sendProbes();
            effects.add(new Effect.SetTimer(TimerKind.RRP_PROBE, config.probeIntervalNanos()));
        }
        return effects;
    }

    /** A frame from a driver that does not say the network: taken as network 0. */
    @Override
    public Effects onPacket(long nowNanos, ByteBuffer frame) {
        return onPacket(nowNanos, 0, frame);
    }

    @Override
    public Effects onOwnedFrame(long nowNanos, int network, byte[] frame) {
        ownedFrame = frame;
        try {
            return onPacket(nowNanos, network, ByteBuffer.wrap(frame));
        } finally {
            ownedFrame = null;
        }
    }

    @Override
    public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
        effects.clear();
        if (!started || left) {
            return effects;
        }
        if (network < 0 || network >= count) {
            stats.framesOnUnknownNetwork++;
            return effects;
        }
        int offset = frame.position();
        int length = frame.remaining();
        if (RrpProbe.isRrpFrame(frame, offset, length)) {
            onProbe(nowNanos, network, frame, offset, length);
            return flush();
        }
        if (mode == RrpMode.NONE || Frames.check(frame, offset, length) != DecodeStatus.OK) {
            // A bad frame still goes in: the processor counts what it rejects.
            deliver(nowNanos, network, frame);
            return flush();
        }
        FrameType type = Frames.type(frame, offset);
        int sender = Frames.sender(frame, offset);
        boolean token = type == FrameType.ORF_TOKEN || type == FrameType.COMMIT_TOKEN;
        Peer peer = self;
        if (sender != myId) {
            peer = heard(sender, network, nowNanos);
            if (token) {
                nets[network].tokensReceived++;
            } else {
                nets[network].framesReceived++;
            }
        }
        if (type == FrameType.ORF_TOKEN) {
            tokenArrived(frame, offset);
        }
        if (mode == RrpMode.PASSIVE) {
            if (peer != null && peer != self && (type == FrameType.ORF_TOKEN || type == FrameType.MCAST)) {
                passiveMonitor(nowNanos, peer, network, type == FrameType.ORF_TOKEN);
            }
            deliver(nowNanos, network, frame);
        } else if (type == FrameType.ORF_TOKEN) {
            activeToken(nowNanos, network, frame, offset, length, sender, peer);
        } else if (type == FrameType.MCAST && peer != null) {
            Fingerprint fp = new Fingerprint(type.code(), Frames.ringRep(frame, offset), Frames.ringSeq(frame, offset),
                    mcastView.wrap(frame, offset).seq());
            if (isCopy(peer, fp, network)) {
                nets[network].duplicatesDropped++;
            } else {
                deliver(nowNanos, network, frame);
            }
        } else {
            // Joins, commit tokens, merge detects and hold cancels are rare and idempotent in the
            // processor: their copies pass.
            deliver(nowNanos, network, frame);
        }
        return flush();
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        effects.clear();
        if (left) {
            return effects;
        }
        switch (timer) {
            case RRP_TOKEN_WAIT -> {
                if (waiting != null) {
                    stats.tokenWaitsExpired++;
                    releaseWaiting(nowNanos, true);
                }
            }
            case RRP_TOKEN_RESEND -> resendToken();
            case RRP_PROBE -> probeRound(nowNanos);
            default -> route(inner.onTimer(nowNanos, timer));
        }
        return flush();
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        effects.clear();
        Effects in = inner.submit(nowNanos, payload, guarantee);
        route(in);
        effects.submitStatus(in.submitStatus());
        return flush();
    }

    @Override
    public Effects leave(long nowNanos) {
        effects.clear();
        if (left) {
            return effects;
        }
        route(inner.leave(nowNanos));
        left = true;
        waiting = null;
        resend = null;
        effects.add(new Effect.CancelTimer(TimerKind.RRP_TOKEN_WAIT));
        effects.add(new Effect.CancelTimer(TimerKind.RRP_TOKEN_RESEND));
        effects.add(new Effect.CancelTimer(TimerKind.RRP_PROBE));
        return effects;
    }

    /**
     * Re-enables a faulty network now, as an operator's command ({@code corosync-cfgtool -r});
     * nothing happens to a working one.
     */
    public Effects reenable(long nowNanos, int network) {
        effects.clear();
        checkIndex(network);
        if (!left && nets[network].state == NetworkState.FAULTY) {
            reenableNetwork(network, "re-enabled by the operator");
        }
        return flush();
    }

    // ---------------------------------------------------------------- sending

    /** Copies the inner engine's effects into ours, putting each frame on its networks. */
    private void route(Effects in) {
        List<Effect> list = in.list();
        for (int i = 0, n = list.size(); i < n; i++) {
            Effect e = list.get(i);
            if (e instanceof Effect.Send send) {
                send(send.destination(), send.frame());
            } else {
                if (e instanceof Effect.TokenLost) {
                    resend = null; // that ring is gone; the processor gathers
                }
                effects.add(e);
            }
        }
    }

    private void send(int destination, byte[] frame) {
        FrameType type = typeOf(frame);
        boolean token = type == FrameType.ORF_TOKEN || type == FrameType.COMMIT_TOKEN;
        if (mode == RrpMode.NONE) {
            emit(0, destination, frame, token);
            return;
        }
        int mask = sendMask();
        int used;
        if (mode == RrpMode.PASSIVE) {
            if (token) {
                used = tokenCursor = next(mask, tokenCursor);
            } else {
                used = frameCursor = next(mask, frameCursor);
            }
            emit(used, destination, frame, token);
        } else {
            used = -1;
            emitOnEach(mask, destination, frame, token);
        }
        if (type == FrameType.ORF_TOKEN && destination != Effect.MULTICAST) {
            watchToken(destination, frame, used);
        }
    }

    private void emit(int network, int destination, byte[] frame, boolean token) {
        // The same array may go out on several networks: drivers treat frames as read-only.
        effects.add(new Effect.SendOn(network, destination, frame));
        if (token) {
            nets[network].tokensSent++;
        } else {
            nets[network].framesSent++;
        }
    }

    private void emitOnEach(int mask, int destination, byte[] frame, boolean token) {
        for (int i = 0; i < count; i++) {
            if ((mask & (1 << i)) != 0) {
                emit(i, destination, frame, token);
            }
        }
    }

    /** The networks frames go on: the working ones, or network 0 when none works. */
    private int sendMask() {
        int mask = workingMask();
        return mask != 0 ? mask : 1;
    }

    private int workingMask() {
        int mask = 0;
        for (Net n : nets) {
            if (n.state == NetworkState.ACTIVE) {
                mask |= 1 << n.index;
            }
        }
        return mask;
    }

    /** The first network of {@code mask} after {@code cursor}, cyclically. */
    private int next(int mask, int cursor) {
        for (int k = 1; k <= count; k++) {
            int i = (cursor + k) % count;
            if ((mask & (1 << i)) != 0) {
                return i;
            }
        }
        return 0;
    }

    private static FrameType typeOf(byte[] frame) {
        if (frame.length < Frames.HEADER_LENGTH || (((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF)) != Frames.MAGIC) {
            return null;
        }
        return FrameType.ofCode(frame[Frames.TYPE_OFFSET] & 0xFF);
    }

    // ---------------------------------------------------------------- token resend

    private void watchToken(int destination, byte[] frame, int network) {
        OrfTokenFrame t = tokenView.wrap(ByteBuffer.wrap(frame), 0);
        if (resend != null && resend.is(t.ringRep(), t.ringSeq(), t.tokenSeq())) {
            // The processor's own retransmission of the token already watched.
            if (network >= 0) {
                resend.network = network;
            }
            return;
        }
        resend = new Resend(frame, destination, t.ringRep(), t.ringSeq(), t.tokenSeq(), network);
        effects.add(new Effect.SetTimer(TimerKind.RRP_TOKEN_RESEND, config.tokenResendNanos()));
    }

    /** A token arrived: if it is the successor of the one we sent, ours went around. */
    private void tokenArrived(ByteBuffer frame, int offset) {
        if (resend == null) {
            return;
        }
        OrfTokenFrame t = tokenView.wrap(frame, offset);
        if (t.ringRep() == resend.ringRep && t.ringSeq() == resend.ringSeq && t.tokenSeq() > resend.tokenSeq) {
            resend = null; // its timer fires later and finds nothing to do
        }
    }

    private void resendToken() {
        Resend r = resend;
        if (r == null) {
            return;
        }
        if (r.attempts >= count) {
            resend = null; // the processor's token retransmit and token loss timers take over
            return;
        }
        r.attempts++;
        stats.tokenResends++;
        int mask = sendMask();
        if (mode == RrpMode.PASSIVE) {
            r.network = next(mask, r.network < 0 ? count - 1 : r.network);
            emit(r.network, r.destination, r.frame, true);
        } else {
            emitOnEach(mask, r.destination, r.frame, true);
        }
        effects.add(new Effect.SetTimer(TimerKind.RRP_TOKEN_RESEND, config.tokenResendNanos()));
    }

    // ---------------------------------------------------------------- receiving

    private void deliver(long nowNanos, int network, ByteBuffer frame) {
        byte[] owned = ownedFrame;
        if (owned != null && frame.hasArray() && frame.array() == owned && frame.arrayOffset() == 0
                && frame.position() == 0 && frame.remaining() == owned.length) {
            ownedFrame = null; // handed on once
            route(inner.onOwnedFrame(nowNanos, network, owned));
        } else {
            route(inner.onPacket(nowNanos, network, frame));
        }
    }

    /**
     * Whether this arrival is a copy of a frame already handed on: the same frame from the same
     * sender, on a network it has not come on yet. Arriving again on a network it came on means
     * a new send (a retransmission), which passes.
     */
    private static boolean isCopy(Peer peer, Fingerprint fp, int network) {
        int bit = 1 << network;
        Integer seen = peer.recent.get(fp);
        if (seen == null) {
            peer.recent.put(fp, bit);
            return false;
        }
        if ((seen & bit) == 0) {
            peer.recent.put(fp, seen | bit);
            return true;
        }
        peer.recent.put(fp, bit);
        return false;
    }

    private void activeToken(long nowNanos, int network, ByteBuffer frame, int offset, int length, int sender,
            Peer peer) {
        int bit = 1 << network;
        OrfTokenFrame t = tokenView.wrap(frame, offset);
        Fingerprint fp = new Fingerprint(FrameType.ORF_TOKEN.code(), t.ringRep(), t.ringSeq(), t.tokenSeq());
        if (waiting != null && waiting.sender == sender && waiting.fp.equals(fp)) {
            waiting.arrived |= bit;
            if ((waiting.arrived & waiting.expected) == waiting.expected) {
                releaseWaiting(nowNanos, false);
            }
            return;
        }
        if (peer != null) {
            Integer seen = peer.recent.get(fp);
            if (seen != null) {
                if ((seen & bit) == 0) {
                    peer.recent.put(fp, seen | bit);
                    nets[network].duplicatesDropped++; // a late copy of a token handed on
                } else {
                    peer.recent.put(fp, bit);
                    deliver(nowNanos, network, frame); // a retransmission: the processor drops it if seen
                }
                return;
            }
        }
        if (waiting != null) {
            releaseWaiting(nowNanos, false); // superseded by a newer token
        }
        int expected = sendMask() & (peer != null ? peer.announcedMask : allMask);
        if ((expected & ~bit) == 0) {
            if (peer != null) {
                peer.recent.put(fp, bit);
            }
            deliver(nowNanos, network, frame);
            return;
        }
        byte[] copy = new byte[length];
        frame.get(offset, copy, 0, length);
        waiting = new Waiting(copy, network, sender, peer, fp, expected, bit);
        effects.add(new Effect.SetTimer(TimerKind.RRP_TOKEN_WAIT, config.tokenWaitNanos()));
    }

    /** Hands the waiting token on; when the wait expired, the networks it missed get a problem each. */
    private void releaseWaiting(long nowNanos, boolean expired) {
        Waiting w = waiting;
        waiting = null;
        if (w.peer != null) {
            w.peer.recent.put(w.fp, w.arrived);
        }
        for (int i = 0; i < count; i++) {
            if ((w.arrived & (1 << i)) != 0) {
                onTime(i);
            } else if (expired && (w.expected & (1 << i)) != 0) {
                problem(i, w.sender);
            }
        }
        deliver(nowNanos, w.network, ByteBuffer.wrap(w.frame));
    }

    /** A token came on {@code network} in time: every so many take one problem off. */
    private void onTime(int network) {
        Net n = nets[network];
        if (n.problemCount > 0 && ++n.onTimeTokens >= ON_TIME_TOKENS_PER_PROBLEM) {
            n.onTimeTokens = 0;
            n.problemCount--;
        }
    }

    private void problem(int network, int sender) {
        Net n = nets[network];
        if (n.state != NetworkState.ACTIVE) {
            return;
        }
        n.problemCount++;
        if (n.problemCount >= config.problemThreshold()) {
            markFaulty(network, "token from node " + sender + " missing on it " + n.problemCount
                    + " times (problem threshold " + config.problemThreshold() + ")");
        }
    }

    /** corosync's passive monitor: a network that falls behind the best one by a threshold is faulty. */
    private void passiveMonitor(long nowNanos, Peer peer, int network, boolean token) {
        long max = 0;
        for (Net n : nets) {
            // A network the sender does not use is credited as if the frame came on it too.
            if (n.index == network || (peer.announcedMask & (1 << n.index)) == 0) {
                if (token) {
                    n.tokenCount++;
                } else {
                    n.mcastCount++;
                }
            }
            max = Math.max(max, token ? n.tokenCount : n.mcastCount);
        }
        int threshold = token ? config.tokenGapThreshold() : config.mcastGapThreshold();
        for (Net n : nets) {
            long lag = max - (token ? n.tokenCount : n.mcastCount);
            if (n.state == NetworkState.ACTIVE && lag > threshold) {
                markFaulty(n.index, "received " + lag + (token ? " tokens" : " multicasts")
                        + " fewer than the best network (threshold " + threshold + ")");
            }
        }
        // A new window now and then, so rare losses on a good network never add up to a fault.
        if (max >= (long) threshold * RrpConfig.GAP_WINDOW_THRESHOLDS) {
            for (Net n : nets) {
                if (token) {
                    n.tokenCount = 0;
                } else {
                    n.mcastCount = 0;
                }
            }
        }
    }

    // ---------------------------------------------------------------- probes and health

    private void onProbe(long nowNanos, int network, ByteBuffer frame, int offset, int length) {
        if (!RrpProbe.isValidProbe(frame, offset, length)) {
            stats.badRrpFrames++;
            return;
        }
        int sender = RrpProbe.sender(frame, offset);
        if (sender == myId || mode == RrpMode.NONE) {
            return; // our own, looped back
        }
        if (RrpProbe.network(frame, offset) != network) {
            stats.probesMisrouted++;
            return;
        }
        Peer peer = heard(sender, network, nowNanos);
        nets[network].probesReceived++;
        if (peer == null) {
            return;
        }
        long seq = RrpProbe.probeSeq(frame, offset);
        if (peer.lastProbeSeq >= 0 && (int) (seq - peer.lastProbeSeq) <= 0) {
            return; // an older round than one already seen, overtaken on another network
        }
        peer.lastProbeSeq = seq;
        int before = peer.announcedMask;
        peer.announcedMask = RrpProbe.workingMask(frame, offset) & allMask;
        int recovered = peer.announcedMask & ~before;
        for (Net n : nets) {
            if (n.state == NetworkState.FAULTY && (recovered & (1 << n.index)) != 0 && silentPeer(n.index, nowNanos) == 0) {
                reenableNetwork(n.index, "node " + sender + " sends on it again and every node is heard on it");
            }
        }
    }

    private void probeRound(long nowNanos) {
        if (mode == RrpMode.NONE) {
            return;
        }
        judge(nowNanos);
        while (nowNanos >= nextDecrementNanos) {
            nextDecrementNanos += config.problemDecrementNanos();
            for (Net n : nets) {
                n.problemCount = Math.max(0, n.problemCount - 1);
            }
        }
        sendProbes(); // after judging, so they announce what this round decided
        announce = false;
        effects.add(new Effect.SetTimer(TimerKind.RRP_PROBE, config.probeIntervalNanos()));
    }

    /** The silence detector, and the recovery of faulty networks. */
    private void judge(long nowNanos) {
        for (Net n : nets) {
            int silent = silentPeer(n.index, nowNanos);
            if (n.state == NetworkState.ACTIVE) {
                if (silent != 0) {
                    markFaulty(n.index, "node " + silent + " heard on another network but not on this one for "
                            + config.silenceNanos() / 1_000_000 + " ms");
                }
            } else if (silent != 0) {
                n.healthySinceNanos = -1;
            } else {
                if (n.healthySinceNanos < 0) {
                    n.healthySinceNanos = nowNanos;
                }
                if (nowNanos - n.healthySinceNanos >= config.recoveryNanos()) {
                    reenableNetwork(n.index, "every node heard on it for " + config.recoveryNanos() / 1_000_000 + " ms");
                } else if (workingMask() == 0) {
                    reenableNetwork(n.index, "no network works and every node is heard on this one");
                }
            }
        }
    }

    /**
     * A node heard on another network within the silence time but not on {@code network}, or 0.
     * Nodes heard for less than the silence time are not judged yet.
     */
    private int silentPeer(int network, long nowNanos) {
        long since = nowNanos - config.silenceNanos();
        for (Peer p : peers.values()) {
            if (p.firstHeardNanos > since || p.lastHeard[network] >= since) {
                continue;
            }
            for (int j = 0; j < count; j++) {
                if (j != network && p.lastHeard[j] >= since) {
                    return p.id;
                }
            }
        }
        return 0;
    }

    private Peer heard(int sender, int network, long nowNanos) {
        Peer p = peers.get(sender);
        if (p == null) {
            if (peers.size() >= MAX_PEERS) {
                stats.peersIgnored++;
                return null;
            }
            p = new Peer(sender, count, allMask, config.dedupEntriesPerSender(), nowNanos);
            peers.put(sender, p);
        }
        p.lastHeard[network] = nowNanos;
        return p;
    }

    private void sendProbes() {
        probeSeq++;
        int mask = workingMask();
        for (Net n : nets) {
            effects.add(new Effect.SendOn(n.index, Effect.MULTICAST, RrpProbe.encode(myId, n.index, mask, probeSeq)));
            n.probesSent++;
        }
    }

    private void markFaulty(int network, String reason) {
        Net n = nets[network];
        if (n.state == NetworkState.FAULTY) {
            return;
        }
        n.state = NetworkState.FAULTY;
        n.faults++;
        n.lastFault = reason;
        n.healthySinceNanos = -1;
        effects.add(new Effect.Transition(MACHINE, NetworkState.ACTIVE.name(), NetworkState.FAULTY.name(),
                "network " + network + ": " + reason));
        announce = true;
        if (waiting != null) {
            waiting.expected &= ~(1 << network);
        }
    }

    private void reenableNetwork(int network, String reason) {
        Net n = nets[network];
        n.state = NetworkState.ACTIVE;
        n.problemCount = 0;
        n.healthySinceNanos = -1;
        // A fresh window for every network: the faulty one fell behind while it was unused.
        for (Net other : nets) {
            other.tokenCount = 0;
            other.mcastCount = 0;
        }
        effects.add(new Effect.Transition(MACHINE, NetworkState.FAULTY.name(), NetworkState.ACTIVE.name(),
                "network " + network + ": " + reason));
        announce = true;
    }

    /** Ends an input: tells the others at once when the set of networks we send on changed. */
    private Effects flush() {
        if (announce && mode != RrpMode.NONE) {
            announce = false;
            sendProbes();
        }
        return effects;
    }

    private int checkIndex(int network) {
        if (network < 0 || network >= count) {
            throw new IllegalArgumentException("network " + network + " is not one of the " + count + " networks");
        }
        return network;
    }

    @Override
    public String toString() {
        return "RedundantRing[node " + myId + ", " + mode + ", " + Arrays.toString(nets) + "]";
    }

    // ---------------------------------------------------------------- state

    /** What tells one frame from another of the same sender: type, ring and seq (or token seq). */
    private record Fingerprint(int type, int ringRep, long ringSeq, long seq) {}

    private static final class Net {
        final int index;
        NetworkState state = NetworkState.ACTIVE;
        long framesSent;
        long tokensSent;
        long framesReceived;
        long tokensReceived;
        long probesSent;
        long probesReceived;
        long duplicatesDropped;
        long faults;
        int problemCount;
        /** Active mode: tokens that came on it in time since the last problem taken off. */
        int onTimeTokens;
        /** Passive windows: tokens and multicasts received (or credited). */
        long tokenCount;
        long mcastCount;
        /** Faulty network: since when every node is heard on it, or -1. */
        long healthySinceNanos = -1;
        String lastFault = "";

        Net(int index) {
            this.index = index;
        }

        @Override
        public String toString() {
            return index + ":" + state;
        }
    }

    private static final class Peer {
        final int id;
        final long[] lastHeard;
        final long firstHeardNanos;
        /** The networks it sends on, from its latest probe; all until its first probe. */
        int announcedMask;
        long lastProbeSeq = -1;
        /** Active mode: recent frames and the networks each came on, oldest first, bounded. */
        final Map<Fingerprint, Integer> recent;

        Peer(int id, int networks, int allMask, int recentMax, long firstHeardNanos) {
            this.id = id;
            this.lastHeard = new long[networks];
            Arrays.fill(lastHeard, NEVER);
            this.firstHeardNanos = firstHeardNanos;
            this.announcedMask = allMask;
            this.recent = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Fingerprint, Integer> eldest) {
                    return size() > recentMax;
                }
            };
        }
    }

    private static final class Waiting {
        final byte[] frame;
        final int network;
        final int sender;
        final Peer peer;
        final Fingerprint fp;
        int expected;
        int arrived;

        Waiting(byte[] frame, int network, int sender, Peer peer, Fingerprint fp, int expected, int arrived) {
            this.frame = frame;
            this.network = network;
            this.sender = sender;
            this.peer = peer;
            this.fp = fp;
            this.expected = expected;
            this.arrived = arrived;
        }
    }

    private static final class Resend {
        final byte[] frame;
        final int destination;
        final int ringRep;
        final long ringSeq;
        final long tokenSeq;
        /** The network it last went on (passive), or -1 (active). */
        int network;
        int attempts;

        Resend(byte[] frame, int destination, int ringRep, long ringSeq, long tokenSeq, int network) {
            this.frame = frame;
            this.destination = destination;
            this.ringRep = ringRep;
            this.ringSeq = ringSeq;
            this.tokenSeq = tokenSeq;
            this.network = network;
        }

        boolean is(int rep, long seq, long tokenSeqOther) {
            return ringRep == rep && ringSeq == seq && tokenSeq == tokenSeqOther;
        }
    }
}
