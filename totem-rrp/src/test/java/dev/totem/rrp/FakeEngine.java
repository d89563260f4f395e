package dev.totem.rrp;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.protocol.wire.FrameType;
import dev.totem.protocol.wire.Frames;
import dev.totem.protocol.wire.McastFrame;
import dev.totem.protocol.wire.OrfTokenFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the Totem processor: it logs every frame it is handed ("MCAST 7 from 2 on 1")
 * and every timer, and a submit sends whatever frames the test queued in {@link #toSend}.
 */
final class FakeEngine implements TotemEngine {
    static final RingId RING = new RingId(1, 8);

    final List<String> received = new ArrayList<>();
    final List<TimerKind> timers = new ArrayList<>();
    final List<Effect> toSend = new ArrayList<>();
    /** The tunables of each reload passed down to it. */
    final List<TotemConfig> reloads = new ArrayList<>();
    private final int id;
    private final Effects effects = new Effects();

    FakeEngine(int id) {
        this.id = id;
    }

    static byte[] mcast(int sender, long seq) {
        return McastFrame.encode(sender, RING, seq, sender, Guarantee.AGREED, false, new byte[] {1, 2, 3}, 0, 3);
    }

    static byte[] token(int sender, long tokenSeq) {
        return token(sender, tokenSeq, 0, 0);
    }

    static byte[] token(int sender, long tokenSeq, long seq, long aru) {
        byte[] b = new byte[OrfTokenFrame.length(0)];
        new OrfTokenFrame().wrap(ByteBuffer.wrap(b), 0).init(sender, 0).ringId(RING).tokenSeq(tokenSeq).seq(seq).aru(aru)
                .aruAddr(0).backlog(0).fcc(0).retransFlag(false);
        if (Frames.check(ByteBuffer.wrap(b), 0, b.length) != DecodeStatus.OK) {
            throw new AssertionError("bad test token");
        }
        return b;
    }

    @Override
    public int nodeId() {
        return id;
    }

    @Override
    public Effects start(long nowNanos) {
        return effects.clear();
    }

    @Override
    public Effects onPacket(long nowNanos, ByteBuffer frame) {
        throw new AssertionError("the redundant ring passes the network index");
    }

    @Override
    public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
        int offset = frame.position();
        FrameType type = Frames.type(frame, offset);
        long seq = type == FrameType.ORF_TOKEN ? new OrfTokenFrame().wrap(frame, offset).tokenSeq()
                : type == FrameType.MCAST ? new McastFrame().wrap(frame, offset).seq() : 0;
        received.add(type + " " + seq + " from " + Frames.sender(frame, offset) + " on " + network);
        return effects.clear();
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        timers.add(timer);
        return effects.clear();
    }

    @Override
    public Effects reloadTunables(long nowNanos, TotemConfig reloaded) {
        reloads.add(reloaded);
        return effects.clear();
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        effects.clear();
        effects.list().addAll(toSend);
        toSend.clear();
        effects.submitStatus(SubmitStatus.ACCEPTED);
        return effects;
    }
}
