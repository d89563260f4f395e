package dev.totem.rrp;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.protocol.wire.FrameType;
import dev.totem.protocol.wire.Frames;
import dev.totem.protocol.wire.McastFrame;
import dev.totem.protocol.wire.OrfTokenFrame;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;

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
 * networks it sends on), so one node's faulty network does not look faulty to the others. A
 * network left only because a peer left it is still announced: that peer's probes tell every
 * node, and a mirrored fault announced came back as new evidence from every node, without end.
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

    /**
     * The node a frame passing through the ring names as its sender (position 0 to limit): a
     * probe's, or a Totem frame's header's; 0 for anything else. A sealing layer below the ring
     * drops an opened frame that names another node than the one that sealed it.
     */
    public static int claimedSender(ByteBuffer frame) {
        int probeSender = RrpProbe.claimedSender(frame);
        return probeSender != 0 ? probeSender : Frames.claimedSender(frame);
    }

    private final TotemEngine inner;
    /** Its token timings are re-derived by {@link #reloadTunables}. */
    private RrpConfig config;
    private final RrpMode mode;
    private final int count;
    private final int allMask;
    private final int myId;
    private final Effects effects = new Effects();
    /** The frame of the current {@link #onOwnedFrame} input, until handed on to the processor. */
    private byte[] ownedFrame;
    private final RrpStats stats = new RrpStats();
    private final NetworkMonitor monitor;
    private final NetworkSender networkSender;
    private final Peer self;
    private final OrfTokenFrame tokenView = new OrfTokenFrame();
    private final McastFrame mcastView = new McastFrame();

    private boolean started;
    private boolean left;
    /** Active mode: the token waiting for its copies on the other networks, or null. */
    private Waiting waiting;

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
        this.monitor = new NetworkMonitor(config, myId, effects, stats, this::stopExpecting);
        this.networkSender = new NetworkSender(config, monitor, effects, stats);
        this.self = new Peer(myId, count, allMask, config.dedupEntriesPerSender(), 0);
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
        return monitor.net(checkIndex(network)).state;
    }

    /** A snapshot of every network, by index. */
    public List<NetworkStatus> status() {
        return monitor.status();
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
        monitor.start(nowNanos);
        return effects;
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
            monitor.onProbe(nowNanos, network, frame, offset, length);
            return flush();
        }
        if (mode == RrpMode.NONE) {
            // One network: only the token resend's watch needs a look at the frame, and only at a
            // token's (the type byte first: the multicasts in between are not checked twice).
            if (networkSender.watching() && length >= Frames.HEADER_LENGTH
                    && Frames.type(frame, offset) == FrameType.ORF_TOKEN
                    && Frames.check(frame, offset, length) == DecodeStatus.OK) {
                networkSender.tokenArrived(frame, offset);
            }
            deliver(nowNanos, network, frame);
            return flush();
        }
        if (Frames.check(frame, offset, length) != DecodeStatus.OK) {
            // A bad frame still goes in: the processor counts what it rejects.
            deliver(nowNanos, network, frame);
            return flush();
        }
        FrameType type = Frames.type(frame, offset);
        int sender = Frames.sender(frame, offset);
        boolean token = type == FrameType.ORF_TOKEN || type == FrameType.COMMIT_TOKEN;
        Peer peer = self;
        if (sender != myId) {
            peer = monitor.heard(sender, network, nowNanos);
            if (token) {
                monitor.net(network).tokensReceived++;
            } else {
                monitor.net(network).framesReceived++;
            }
        }
        if (type == FrameType.ORF_TOKEN) {
            networkSender.tokenArrived(frame, offset);
        }
        if (mode == RrpMode.PASSIVE) {
            // Every frame, counted as its sender's cursor sent it: tokens (orf and commit) on one,
            // the rest on the other. Counting multicasts only let the joins, merge detects and
            // token-hold cancels that share their cursor skew them onto one network.
            if (peer != null && peer != self) {
                monitor.passiveMonitor(peer, network, token, nowNanos);
            }
            deliver(nowNanos, network, frame);
        } else if (type == FrameType.ORF_TOKEN) {
            activeToken(nowNanos, network, frame, offset, length, sender, peer);
        } else if (type == FrameType.MCAST && peer != null) {
            Fingerprint fp = new Fingerprint(type.code(), Frames.ringRep(frame, offset), Frames.ringSeq(frame, offset),
                    mcastView.wrap(frame, offset).seq());
            if (isCopy(peer, fp, network)) {
                monitor.net(network).duplicatesDropped++;
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
            case RRP_TOKEN_RESEND -> networkSender.resendToken();
            case RRP_PROBE -> monitor.probeRound(nowNanos);
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
        networkSender.forgetToken();
        effects.add(new Effect.CancelTimer(TimerKind.RRP_TOKEN_WAIT));
        effects.add(new Effect.CancelTimer(TimerKind.RRP_TOKEN_RESEND));
        effects.add(new Effect.CancelTimer(TimerKind.RRP_PROBE));
        return effects;
    }

    @Override
    public Effects onPause(long nowNanos, long pausedNanos) {
        return passDown(() -> inner.onPause(nowNanos, pausedNanos));
    }

    @Override
    public Effects onPauseBacklogRead(long nowNanos) {
        return passDown(() -> inner.onPauseBacklogRead(nowNanos));
    }

    /**
     * Passes the reload down, then derives this ring's token timings from the reloaded ones as
     * {@link RrpConfig#defaults} does ({@link RrpConfig#withTokenTimingsOf}); its fault detection
     * stays as configured.
     */
    @Override
    public Effects reloadTunables(long nowNanos, TotemConfig reloaded) {
        Effects out = passDown(() -> inner.reloadTunables(nowNanos, reloaded)); // throws before anything changed
        config = config.withTokenTimingsOf(reloaded);
        networkSender.reloadConfig(config);
        return out;
    }

    /** An input only the processor below acts on: its effects routed, nothing once left. */
    private Effects passDown(Supplier<Effects> input) {
        effects.clear();
        if (left) {
            return effects;
        }
        route(input.get());
        return flush();
    }

    /**
     * Re-enables a faulty network now, as an operator's command ({@code corosync-cfgtool -r});
     * nothing happens to a working one.
     */
    public Effects reenable(long nowNanos, int network) {
        effects.clear();
        checkIndex(network);
        if (!left && monitor.net(network).state == NetworkState.FAULTY) {
            monitor.reenable(network, "re-enabled by the operator");
        }
        return flush();
    }

    // ---------------------------------------------------------------- routing

    /** Copies the inner engine's effects into ours, putting each frame on its networks. */
    private void route(Effects in) {
        List<Effect> list = in.list();
        for (int i = 0, n = list.size(); i < n; i++) {
            Effect e = list.get(i);
            if (e instanceof Effect.Send send) {
                networkSender.send(send.destination(), send.frame());
            } else {
                if (e instanceof Effect.TokenLost
                        || (e instanceof Effect.CancelTimer c && c.kind() == TimerKind.TOKEN_RETRANSMIT)) {
                    // That ring is gone (the processor gathers), or its token needs no resend (held):
                    // a copy resent later would reach nodes of the next ring as a foreign token of
                    // this one, from a node maybe not in the next, and start a gather there.
                    networkSender.forgetToken();
                }
                effects.add(e);
            }
        }
    }

    /** Ends an input: tells the others at once when the set of networks we send on changed. */
    private Effects flush() {
        monitor.announceChange();
        return effects;
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
                    monitor.net(network).duplicatesDropped++; // a late copy of a token handed on
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
        int expected = monitor.sendMask() & (peer != null ? peer.announcedMask : allMask);
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
                monitor.tokenOnTime(i);
            } else if (expired && (w.expected & (1 << i)) != 0) {
                monitor.tokenMissing(i, w.sender);
            }
        }
        deliver(nowNanos, w.network, ByteBuffer.wrap(w.frame));
    }

    /** A network just marked faulty: the waiting token no longer waits for its copy there. */
    private void stopExpecting(int network) {
        if (waiting != null) {
            waiting.expected &= ~(1 << network);
        }
    }

    private int checkIndex(int network) {
        if (network < 0 || network >= count) {
            throw new IllegalArgumentException("network " + network + " is not one of the " + count + " networks");
        }
        return network;
    }

    @Override
    public String toString() {
        return "RedundantRing[node " + myId + ", " + mode + ", " + monitor + "]";
    }

    // ---------------------------------------------------------------- state

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
}
