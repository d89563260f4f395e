package dev.totem.protocol.srp;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A test driver: fixed-ring engines wired in memory, packets in FIFO order, optional seeded loss.
 * Timers are kept per node and fired on demand ({@link #fireEarliestTimers}), with no clock.
 */
final class LoopbackRing {
    record Delivered(int node, int sender, byte[] payload, Guarantee guarantee) {}

    private record Packet(int from, int to, byte[] frame) {}

    final FixedRingEngine[] engines;
    final List<List<Delivered>> deliveries = new ArrayList<>();
    final List<Map<TimerKind, Long>> timers = new ArrayList<>();
    private final ArrayDeque<Packet> network = new ArrayDeque<>();
    private final SplittableRandom random;
    private final double loss;
    long packets;

    LoopbackRing(TotemConfig config, int nodes, double loss, long seed) {
        this.random = new SplittableRandom(seed);
        this.loss = loss;
        int[] ids = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            ids[i] = i + 1;
        }
        engines = new FixedRingEngine[nodes];
        for (int i = 0; i < nodes; i++) {
            engines[i] = new FixedRingEngine(config, ids[i], ids);
            deliveries.add(new ArrayList<>());
            timers.add(new EnumMap<>(TimerKind.class));
        }
    }

    void start() {
        for (FixedRingEngine e : engines) {
            apply(e.nodeId(), e.start(0));
        }
    }

    SubmitStatus submit(int node, byte[] payload, Guarantee g) {
        Effects fx = engines[node - 1].submit(0, payload, g);
        SubmitStatus s = fx.submitStatus();
        apply(node, fx);
        return s;
    }

    /** Runs until the network is empty or {@code maxPackets} were handled; returns packets handled. */
    int run(int maxPackets) {
        int n = 0;
        while (!network.isEmpty() && n < maxPackets) {
            Packet p = network.poll();
            n++;
            packets++;
            apply(p.to, engines[p.to - 1].onPacket(0, ByteBuffer.wrap(p.frame)));
        }
        return n;
    }

    /** Packets sent and not yet handled. */
    int inFlight() {
        return network.size();
    }

    /** Reloads node {@code node}'s tunables, as an operator's configuration reload. */
    void reloadTunables(int node, TotemConfig reloaded) {
        apply(node, engines[node - 1].reloadTunables(0, reloaded));
    }

    /** Fires every armed timer of the kinds given, on every node. */
    void fire(TimerKind kind) {
        for (FixedRingEngine e : engines) {
            if (timers.get(e.nodeId() - 1).remove(kind) != null) {
                apply(e.nodeId(), e.onTimer(0, kind));
            }
        }
    }

    private void apply(int node, Effects fx) {
        for (Effect effect : fx.list()) {
            if (effect instanceof Effect.Send s) {
                for (FixedRingEngine e : engines) {
                    boolean to = s.multicast() ? e.nodeId() != node : e.nodeId() == s.destination();
                    if (to && (loss == 0 || random.nextDouble() >= loss)) {
                        network.add(new Packet(node, e.nodeId(), s.frame()));
                    }
                }
            } else if (effect instanceof Effect.SetTimer t) {
                timers.get(node - 1).put(t.kind(), t.delayNanos());
            } else if (effect instanceof Effect.CancelTimer c) {
                timers.get(node - 1).remove(c.kind());
            } else if (effect instanceof Effect.Deliver d) {
                deliveries.get(node - 1).add(new Delivered(node, d.sender(), d.payload(), d.guarantee()));
            }
        }
    }
}
