package dev.totem.simulator;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.RingSeqStore;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemEngine;
import java.nio.ByteBuffer;

/**
 * A test engine with no ordering at all: each submitted payload is multicast once and delivered
 * by every node that receives it, including the sender (through multicast loopback). At start it
 * bumps its ring seq in the store and reports a regular configuration of all members, so a
 * restart shows up as a new ring.
 */
final class FloodEngine implements TotemEngine {
    private static final int HEADER_BYTES = 5;

    private final int nodeId;
    private final int[] members;
    private final RingSeqStore ringSeqStore;
    private final Effects effects = new Effects();
    private RingId ring = RingId.NONE;

    FloodEngine(int nodeId, int[] members, RingSeqStore ringSeqStore) {
        this.nodeId = nodeId;
        this.members = members.clone();
        this.ringSeqStore = ringSeqStore;
    }

    /** A factory of flood engines for a cluster of {@code members}. */
    static EngineFactory factory(int... members) {
        return (nodeId, store, random) -> new FloodEngine(nodeId, members, store);
    }

    @Override
    public int nodeId() {
        return nodeId;
    }

    @Override
    public Effects start(long nowNanos) {
        long seq = ringSeqStore.load() + 1;
        ringSeqStore.store(seq);
        ring = new RingId(nodeId, seq);
        effects.clear().add(new Effect.ConfigurationChange(Effect.ConfigurationKind.REGULAR, ring, members.clone(),
                new int[0], new int[0]));
        return effects;
    }

    @Override
    public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
        int sender = frame.getInt();
        Guarantee guarantee = Guarantee.ofCode(frame.get());
        byte[] payload = new byte[frame.remaining()];
        frame.get(payload);
        effects.clear().add(new Effect.Deliver(sender, payload, guarantee, ring));
        return effects;
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        return effects.clear();
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        byte[] frame = ByteBuffer.allocate(HEADER_BYTES + payload.length)
                .putInt(nodeId).put((byte) guarantee.code()).put(payload).array();
        effects.clear().add(new Effect.Send(Effect.MULTICAST, frame));
        effects.submitStatus(SubmitStatus.ACCEPTED);
        return effects;
    }
}
