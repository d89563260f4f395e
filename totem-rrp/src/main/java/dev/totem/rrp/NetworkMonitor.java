package dev.totem.rrp;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.TimerKind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * The health of each network: its counters, the fault detectors (corosync's passive monitor,
 * the active problem counts, the silence seen through probes), the probes themselves and the
 * re-enabling of faulty networks, by the rules of {@link RedundantRing}'s class comment. Its
 * transitions, probes and probe timer go into the ring's {@link Effects}. Single-threaded.
 */
final class NetworkMonitor {
    /**
     * Active mode: tokens that come on a network in time for each problem taken off it. Under a
     * busy ring thousands of tokens pass each second, so the timed decrement alone would let a
     * loss of 1% add up to a fault; with this one a network must miss about a tenth of the
     * tokens to become faulty.
     */
    static final int ON_TIME_TOKENS_PER_PROBLEM = 10;
    private static final String MACHINE = "rrp";
    /** One frame in the passive windows: divisible by every count of networks in use, 1 to {@link RrpConfig#MAX_NETWORKS}. */
    static final long SHARE = 840;

    private final RrpConfig config;
    private final RrpMode mode;
    private final int count;
    private final int allMask;
    private final int myId;
    private final Effects effects;
    private final RrpStats stats;
    /** Told of each network marked faulty, so a token waiting for its copies stops expecting it there. */
    private final IntConsumer markedFaulty;
    private final Network[] nets;
    /** Ordered by node id so the checks run, and name nodes, in the same order on every run. */
    private final TreeMap<Integer, Peer> peers = new TreeMap<>();

    private long probeSeq;
    /** The set of networks we send on changed: the next flush tells the others. */
    private boolean announce;
    private long nextDecrementNanos;
    /** When the passive token and multicast windows began. */
    private long tokenWindowStartNanos;
    private long mcastWindowStartNanos;

    NetworkMonitor(RrpConfig config, int myId, Effects effects, RrpStats stats, IntConsumer markedFaulty) {
        this.config = config;
        this.mode = config.mode();
        this.count = config.networks();
        this.allMask = (1 << count) - 1;
        this.myId = myId;
        this.effects = effects;
        this.stats = stats;
        this.markedFaulty = markedFaulty;
        this.nets = new Network[count];
        for (int i = 0; i < count; i++) {
            nets[i] = new Network(i);
        }
    }

    /** Network {@code network}, whose index the caller checked. */
    Network net(int network) {
        return nets[network];
    }

    /** A snapshot of every network, by index. */
    List<NetworkStatus> status() {
        List<NetworkStatus> list = new ArrayList<>(count);
        long tokenMax = 0;
        long mcastMax = 0;
        for (Network n : nets) {
            tokenMax = Math.max(tokenMax, n.tokenCount);
            mcastMax = Math.max(mcastMax, n.mcastCount);
        }
        for (Network n : nets) {
            list.add(new NetworkStatus(n.index, n.state, n.framesSent, n.tokensSent, n.framesReceived,
                    n.tokensReceived, n.probesSent, n.probesReceived, n.duplicatesDropped, n.problemCount,
                    (tokenMax - n.tokenCount) / SHARE, (mcastMax - n.mcastCount) / SHARE, n.faults, n.lastFault));
        }
        return Collections.unmodifiableList(list);
    }

    /** The first probes and the probe timer; nothing in mode none. */
    void start(long nowNanos) {
        if (mode != RrpMode.NONE) {
            nextDecrementNanos = nowNanos + config.problemDecrementNanos();
            tokenWindowStartNanos = nowNanos;
            mcastWindowStartNanos = nowNanos;
            sendProbes();
            effects.add(new Effect.SetTimer(TimerKind.RRP_PROBE, config.probeIntervalNanos()));
        }
    }

    /** The networks frames go on: the working ones, or network 0 when none works. */
    int sendMask() {
        int mask = workingMask();
        return mask != 0 ? mask : 1;
    }

    private int workingMask() {
        int mask = 0;
        for (Network n : nets) {
            if (n.state == NetworkState.ACTIVE) {
                mask |= 1 << n.index;
            }
        }
        return mask;
    }

    /** A token came on {@code network} in time: every so many take one problem off. */
    void tokenOnTime(int network) {
        Network n = nets[network];
        if (n.problemCount > 0 && ++n.onTimeTokens >= ON_TIME_TOKENS_PER_PROBLEM) {
            n.onTimeTokens = 0;
            n.problemCount--;
        }
    }

    /** Active mode: a token of {@code sender} did not come on {@code network} in time. */
    void tokenMissing(int network, int sender) {
        Network n = nets[network];
        if (n.state != NetworkState.ACTIVE) {
            return;
        }
        n.problemCount++;
        if (n.problemCount >= config.problemThreshold()) {
            markFaulty(network, "token from node " + sender + " missing on it " + n.problemCount
                    + " times (problem threshold " + config.problemThreshold() + ")");
        }
    }

    /**
     * corosync's passive monitor: a network that falls behind the best one by a threshold is
     * faulty. Counts are in shares of a frame: {@link #SHARE} on the network a frame came on, and
     * {@code SHARE / k} on each network its sender does not use, k being how many it does use:
     * round-robin gives each of those one frame in k, so every network of a sound ring gains
     * alike. (Crediting a whole frame to the unused ones made them lead the used ones by (k - 1)
     * / k of every frame: with three networks and one down, the two in use fell behind by
     * the threshold within a few dozen tokens and were marked faulty in turn, round the ring.)
     */
    void passiveMonitor(Peer peer, int network, boolean token, long nowNanos) {
        peer.seenMask |= 1 << network;
        int usedMask = (peer.announcedMask | peer.seenMask) & allMask;
        long credit = SHARE / Integer.bitCount(usedMask);
        long max = 0;
        for (Network n : nets) {
            long add = n.index == network ? SHARE : (usedMask & (1 << n.index)) == 0 ? credit : 0;
            if (token) {
                n.tokenCount += add;
            } else {
                n.mcastCount += add;
            }
            max = Math.max(max, token ? n.tokenCount : n.mcastCount);
        }
        int threshold = token ? config.tokenGapThreshold() : config.mcastGapThreshold();
        for (Network n : nets) {
            long lag = (max - (token ? n.tokenCount : n.mcastCount)) / SHARE;
            // Only a network the sender uses can have lost its frame: the others' credit is an estimate.
            if (n.state == NetworkState.ACTIVE && (usedMask & (1 << n.index)) != 0 && lag > threshold) {
                markFaulty(n.index, "received " + lag + (token ? " tokens" : " multicasts")
                        + " fewer than the best network (threshold " + threshold + ")");
            }
        }
        // A new window now and then, so rare losses on a good network never add up to a fault.
        if (max >= (long) threshold * RrpConfig.GAP_WINDOW_THRESHOLDS * SHARE) {
            newWindow(token, nowNanos);
        }
    }

    /** Starts a new window of the passive token or multicast counters. */
    private void newWindow(boolean token, long nowNanos) {
        for (Network n : nets) {
            if (token) {
                n.tokenCount = 0;
            } else {
                n.mcastCount = 0;
            }
        }
        if (token) {
            tokenWindowStartNanos = nowNanos;
        } else {
            mcastWindowStartNanos = nowNanos;
        }
    }

    void onProbe(long nowNanos, int network, ByteBuffer frame, int offset, int length) {
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
        peer.seenMask = 0;
        int recovered = peer.announcedMask & ~before;
        int dropped = before & ~peer.announcedMask;
        for (Network n : nets) {
            if (n.state == NetworkState.FAULTY && (recovered & (1 << n.index)) != 0 && silentPeer(n.index, nowNanos) == 0
                    && !stillFaultedBy(n, nowNanos)) {
                reenable(n.index, "node " + sender + " sends on it again and every node is heard on it");
            } else if (mode == RrpMode.PASSIVE && n.state == NetworkState.ACTIVE && (dropped & (1 << n.index)) != 0) {
                // A node that cannot receive on a network tells only by leaving it: its frames
                // still reach us there, and so do its probes. Multicasts on it miss that node,
                // so the ring must leave it too (corosync's counters spread this round the ring).
                markFaulty(n.index, "node " + sender + " stopped sending on it", sender);
            }
        }
    }

    void probeRound(long nowNanos) {
        if (mode == RrpMode.NONE) {
            return;
        }
        judge(nowNanos);
        if (mode == RrpMode.PASSIVE) {
            if (nowNanos - tokenWindowStartNanos >= RrpConfig.GAP_WINDOW_NANOS) {
                newWindow(true, nowNanos);
            }
            if (nowNanos - mcastWindowStartNanos >= RrpConfig.GAP_WINDOW_NANOS) {
                newWindow(false, nowNanos);
            }
        }
        while (nowNanos >= nextDecrementNanos) {
            nextDecrementNanos += config.problemDecrementNanos();
            for (Network n : nets) {
                n.problemCount = Math.max(0, n.problemCount - 1);
            }
        }
        sendProbes(); // after judging, so they announce what this round decided
        announce = false;
        effects.add(new Effect.SetTimer(TimerKind.RRP_PROBE, config.probeIntervalNanos()));
    }

    /** The silence detector, and the recovery of faulty networks. */
    private void judge(long nowNanos) {
        for (Network n : nets) {
            int silent = silentPeer(n.index, nowNanos);
            if (n.state == NetworkState.ACTIVE) {
                if (silent != 0) {
                    markFaulty(n.index, "node " + silent + " heard on another network but not on this one for "
                            + config.silenceNanos() / 1_000_000 + " ms");
                }
            } else if (silent != 0 || stillFaultedBy(n, nowNanos)) {
                n.healthySinceNanos = -1;
                // Our own evidence now, which our probes tell; faultedBy still keeps it down after.
                n.ownEvidence |= silent != 0;
            } else {
                if (n.healthySinceNanos < 0) {
                    n.healthySinceNanos = nowNanos;
                }
                if (nowNanos - n.healthySinceNanos >= config.recoveryNanos()) {
                    reenable(n.index, "every node heard on it for " + config.recoveryNanos() / 1_000_000 + " ms");
                } else if (workingMask() == 0) {
                    reenable(n.index, "no network works and every node is heard on this one");
                }
            }
        }
    }

    /**
     * Whether the node whose leaving made {@code n} faulty here still leaves it, and is still
     * around to say so: then hearing every node on it is not enough, as that node may hear nothing
     * there. Its probe taking the network back re-enables it ({@link #onProbe}).
     */
    private boolean stillFaultedBy(Network n, long nowNanos) {
        Peer p = n.faultedBy == 0 ? null : peers.get(n.faultedBy);
        if (p == null || (p.announcedMask & (1 << n.index)) != 0) {
            return false;
        }
        long since = nowNanos - config.silenceNanos();
        for (long heard : p.lastHeard) {
            if (heard >= since) {
                return true;
            }
        }
        return false;
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

    /** {@code sender} was heard on {@code network}: its peer, or null when the table is full. */
    Peer heard(int sender, int network, long nowNanos) {
        Peer p = peers.get(sender);
        if (p == null) {
            if (peers.size() >= RedundantRing.MAX_PEERS) {
                stats.peersIgnored++;
                return null;
            }
            p = new Peer(sender, count, allMask, config.dedupEntriesPerSender(), nowNanos);
            peers.put(sender, p);
        }
        p.lastHeard[network] = nowNanos;
        return p;
    }

    /**
     * What our probes announce: the networks we use, and those we left only because a peer left
     * them. Such a fault mirrors that peer's, whose own probes reach every node: announced, it was
     * mirrored back as new evidence, and a node that left a network and took it back in one
     * instant (a backlog replayed after a pause) set every node flipping it, each flip announced at
     * once, without end.
     */
    private int announcedMask() {
        int mask = 0;
        for (Network n : nets) {
            if (n.state == NetworkState.ACTIVE || !n.ownEvidence) {
                mask |= 1 << n.index;
            }
        }
        return mask;
    }

    private void sendProbes() {
        probeSeq++;
        int mask = announcedMask();
        for (Network n : nets) {
            effects.add(new Effect.SendOn(n.index, Effect.MULTICAST, RrpProbe.encode(myId, n.index, mask, probeSeq)));
            n.probesSent++;
        }
    }

    /** Ends an input: tells the others at once when the set of networks we send on changed. */
    void announceChange() {
        if (announce && mode != RrpMode.NONE) {
            announce = false;
            sendProbes();
        }
    }

    private void markFaulty(int network, String reason) {
        markFaulty(network, reason, 0);
    }

    /**
     * @param faultedBy the node whose leaving the network made it faulty here (0 when none): while
     *     it stays away, hearing every node there does not bring the network back
     */
    private void markFaulty(int network, String reason, int faultedBy) {
        Network n = nets[network];
        if (n.state == NetworkState.FAULTY) {
            return;
        }
        n.state = NetworkState.FAULTY;
        n.faultedBy = faultedBy;
        n.ownEvidence = faultedBy == 0;
        n.faults++;
        n.lastFault = reason;
        n.healthySinceNanos = -1;
        effects.add(new Effect.Transition(MACHINE, NetworkState.ACTIVE.name(), NetworkState.FAULTY.name(),
                "network " + network + ": " + reason));
        announce = true;
        markedFaulty.accept(network);
    }

    /** Puts {@code network} back in use and starts a fresh window for every network. */
    void reenable(int network, String reason) {
        Network n = nets[network];
        n.state = NetworkState.ACTIVE;
        n.faultedBy = 0;
        n.ownEvidence = false;
        n.problemCount = 0;
        n.healthySinceNanos = -1;
        // A fresh window for every network: the faulty one fell behind while it was unused.
        for (Network other : nets) {
            other.tokenCount = 0;
            other.mcastCount = 0;
        }
        effects.add(new Effect.Transition(MACHINE, NetworkState.FAULTY.name(), NetworkState.ACTIVE.name(),
                "network " + network + ": " + reason));
        announce = true;
    }

    @Override
    public String toString() {
        return Arrays.toString(nets);
    }
}
