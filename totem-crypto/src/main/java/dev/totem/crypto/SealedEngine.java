package dev.totem.crypto;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.protocol.wire.Frames;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;

/**
 * A Totem engine whose every frame is sealed on the way out and opened on the way in: the one
 * place where the node runtime and the simulator put crypto between the engine and the network.
 * A frame that does not open (forged, altered, replayed, sealed with a key we do not hold) never
 * reaches the engine; it is counted by reason. The inner engine must be built with frames
 * smaller by {@link Sealer#overheadBytes()} ({@code TotemConfig.withFrameOverhead}), so a sealed
 * frame still fits the network's MTU.
 */
public final class SealedEngine implements TotemEngine {
    private final TotemEngine inner;
    private final Sealer sealer;
    private final Opener opener;
    private final Effects effects = new Effects();
    private long senderMismatches;

    public SealedEngine(TotemEngine inner, Sealer sealer, Opener opener) {
        this.inner = inner;
        this.sealer = sealer;
        this.opener = opener;
    }

    /** The engine inside. */
    public TotemEngine inner() {
        return inner;
    }

    public Sealer sealer() {
        return sealer;
    }

    public Opener opener() {
        return opener;
    }

    /** Frames that opened but whose Totem sender differs from the sealing sender: dropped. */
    public long senderMismatches() {
        return senderMismatches;
    }

    /** Frames rejected so far, by reason. */
    public Map<Rejection, Long> rejected() {
        Map<Rejection, Long> m = new EnumMap<>(Rejection.class);
        for (Rejection r : Rejection.values()) {
            m.put(r, opener.rejectedFrames(r));
        }
        return m;
    }

    @Override
    public int nodeId() {
        return inner.nodeId();
    }

    @Override
    public Effects start(long nowNanos) {
        return sealed(inner.start(nowNanos));
    }

    @Override
    public Effects onPacket(long nowNanos, ByteBuffer frame) {
        byte[] bytes;
        int off;
        int len = frame.remaining();
        if (frame.hasArray()) {
            bytes = frame.array();
            off = frame.arrayOffset() + frame.position();
        } else {
            bytes = new byte[len];
            frame.duplicate().get(bytes);
            off = 0;
        }
        OpenResult r = opener.open(bytes, off, len);
        if (!r.isAccepted()) {
            return effects.clear();
        }
        ByteBuffer plain = ByteBuffer.wrap(r.frame());
        if (plain.remaining() >= Frames.HEADER_LENGTH && Frames.sender(plain, 0) != r.senderNodeId()) {
            // A member may not speak for another: the key authenticates the sealing node only.
            senderMismatches++;
            return effects.clear();
        }
        return sealed(inner.onPacket(nowNanos, plain));
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        return sealed(inner.onTimer(nowNanos, timer));
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        return sealed(inner.submit(nowNanos, payload, guarantee));
    }

    @Override
    public Effects leave(long nowNanos) {
        return sealed(inner.leave(nowNanos));
    }

    /** The inner batch with every frame sealed; other effects pass as they are, in order. */
    private Effects sealed(Effects in) {
        effects.clear();
        effects.submitStatus(in.submitStatus());
        for (Effect e : in.list()) {
            if (e instanceof Effect.Send s) {
                effects.add(new Effect.Send(s.destination(), sealer.seal(s.frame(), 0, s.frame().length)));
            } else {
                effects.add(e);
            }
        }
        return effects;
    }
}
