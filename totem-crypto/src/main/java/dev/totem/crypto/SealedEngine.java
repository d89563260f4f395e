package dev.totem.crypto;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.protocol.wire.Frames;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A Totem engine whose every frame is sealed on the way out and opened on the way in: the one
 * place where the node runtime and the simulator put crypto between the engine and the network.
 * A frame that does not open (forged, altered, replayed, sealed with a key we do not hold) never
 * reaches the engine; it is counted by reason. The inner engine must be built with frames
 * smaller by {@link Sealer#overheadBytes()} ({@code TotemConfig.withFrameOverhead}), so a sealed
 * frame still fits the network's MTU.
 *
 * <p>It sits next to the network, below every layer that reads frames in the clear: over a
 * redundant ring it seals the ring's {@link Effect.SendOn}s (its probes included) as well as
 * plain sends, and hands each opened frame on with the index of the network it came on.
 *
 * <p>When frames are sealed is the driver's choice ({@link SealTiming}): in the answer to each
 * input, or by the driver as it writes each frame out ({@link #sealForWire}).
 */
public final class SealedEngine implements TotemEngine {
    /** When the frames of an answer are sealed. */
    public enum SealTiming {
        /** In the answer itself: every {@link Effect.Send} and {@link Effect.SendOn} carries its sealed frame. */
        IN_ANSWER,
        /**
         * By the driver, as it writes each frame ({@link #sealForWire}), in the answer's order:
         * the answer carries the frames in the clear. Why: a token visit's burst (30 frames of
         * 60 KB take 0.7 ms of AES-GCM on one core) sealed before any of it leaves keeps the other
         * nodes idle meanwhile; sealed and written one at a time, the first frames are opened
         * while the rest are sealed.
         */
        ON_WRITE
    }

    private final TotemEngine inner;
    private final Sealer sealer;
    private final Opener opener;
    private final ToIntFunction<ByteBuffer> claimedSender;
    private final SealTiming timing;
    private final Effects effects = new Effects();
    /** A datagram outside the heap is copied here to be opened; reused, as openers keep nothing of it. */
    private byte[] scratch = new byte[0];
    private long senderMismatches;

    /** Over an engine whose frames are all Totem frames (the processor itself). */
    public SealedEngine(TotemEngine inner, Sealer sealer, Opener opener) {
        this(inner, sealer, opener, Frames::claimedSender);
    }

    /**
     * @param claimedSender the node id an opened frame (position 0 to limit) says it comes from,
     *     or 0 when it names none; a frame that names another node than the one that sealed it is
     *     dropped. The layers inside decide, since they know their frames (a redundant ring's
     *     probe carries its sender elsewhere than a Totem frame).
     */
    public SealedEngine(TotemEngine inner, Sealer sealer, Opener opener, ToIntFunction<ByteBuffer> claimedSender) {
        this(inner, sealer, opener, claimedSender, SealTiming.IN_ANSWER);
    }

    /**
     * @param timing whether answers carry sealed frames, or the driver seals each with
     *     {@link #sealForWire} as it writes it
     */
    public SealedEngine(TotemEngine inner, Sealer sealer, Opener opener, ToIntFunction<ByteBuffer> claimedSender,
            SealTiming timing) {
        this.inner = inner;
        this.timing = timing;
        this.sealer = sealer;
        this.opener = opener;
        this.claimedSender = claimedSender;
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
    public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
        byte[] bytes;
        int off;
        int len = frame.remaining();
        if (frame.hasArray()) {
            bytes = frame.array();
            off = frame.arrayOffset() + frame.position();
        } else {
            if (scratch.length < len) {
                scratch = new byte[Math.max(len, 2048)];
            }
            bytes = scratch;
            frame.get(frame.position(), bytes, 0, len);
            off = 0;
        }
        OpenResult r = opener.open(bytes, off, len);
        if (!r.isAccepted()) {
            return effects.clear();
        }
        int claimed = claimedSender.applyAsInt(ByteBuffer.wrap(r.frame()));
        if (claimed != 0 && claimed != r.senderNodeId()) {
            // A member may not speak for another: the key authenticates the sealing node only.
            senderMismatches++;
            return effects.clear();
        }
        // The opened frame is a new array nobody else holds: the layers below may keep it.
        return sealed(inner.onOwnedFrame(nowNanos, network, r.frame()));
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

    @Override
    public Effects onPause(long nowNanos, long pausedNanos) {
        return sealed(inner.onPause(nowNanos, pausedNanos));
    }

    @Override
    public Effects reloadTunables(long nowNanos, TotemConfig reloaded) {
        return sealed(inner.reloadTunables(nowNanos, reloaded));
    }

    @Override
    public Effects onPauseBacklogRead(long nowNanos) {
        return sealed(inner.onPauseBacklogRead(nowNanos));
    }

    /**
     * The batch an inner layer answered to an input that is not part of {@link TotemEngine} (an
     * operator's command to a layer inside, such as a redundant ring's re-enable), with every
     * frame sealed; with {@link SealTiming#ON_WRITE}, {@code in} itself, whose frames the driver
     * seals as it writes them. The answer is reused by the next input, as every answer of this
     * engine.
     */
    public Effects seal(Effects in) {
        return sealed(in);
    }

    /**
     * The sealed form of a frame of an answer, for the wire: with {@link SealTiming#ON_WRITE},
     * the driver calls this for each frame of {@link Effect.Send} and {@link Effect.SendOn} as it
     * writes it, once per effect, in the answer's order, before the next input.
     *
     * @throws IllegalStateException when answers carry sealed frames already
     */
    public byte[] sealForWire(byte[] frame) {
        requireOnWrite();
        return sealer.seal(frame, 0, frame.length);
    }

    /**
     * As {@link #sealForWire(byte[])}, into {@code out} from {@code outOff}, which must hold
     * {@code frame.length} plus {@link Sealer#overheadBytes()} bytes: a driver whose network copies
     * what it is given seals every frame into one array instead of a new one per frame.
     *
     * @return the sealed frame's length
     */
    public int sealForWire(byte[] frame, byte[] out, int outOff) {
        requireOnWrite();
        return sealer.seal(frame, 0, frame.length, out, outOff);
    }

    private void requireOnWrite() {
        if (timing != SealTiming.ON_WRITE) {
            throw new IllegalStateException("this engine seals frames in its answers; sealing again would wrap them twice");
        }
    }

    /** The inner batch with every frame sealed (unless the driver seals them); other effects pass as they are, in order. */
    private Effects sealed(Effects in) {
        if (timing == SealTiming.ON_WRITE) {
            return in;
        }
        effects.clear();
        effects.submitStatus(in.submitStatus());
        for (Effect e : in.list()) {
            if (e instanceof Effect.Send s) {
                effects.add(new Effect.Send(s.destination(), sealer.seal(s.frame(), 0, s.frame().length)));
            } else if (e instanceof Effect.SendOn s) {
                // One frame goes out on several networks as one array: sealed once per network, so
                // each copy has its own counter and a copy on another network is not a replay.
                effects.add(new Effect.SendOn(s.network(), s.destination(), sealer.seal(s.frame(), 0, s.frame().length)));
            } else {
                effects.add(e);
            }
        }
        return effects;
    }
}
