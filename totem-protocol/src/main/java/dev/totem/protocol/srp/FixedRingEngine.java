package dev.totem.protocol.srp;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.protocol.pack.Assembler;
import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.protocol.wire.FrameType;
import dev.totem.protocol.wire.Frames;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The ordering engine on a fixed ring, without membership: every node is a member from the
 * start and stays one. A lost token is reported ({@link Effect.TokenLost}) and then recovered by
 * token retransmission, which goes on until the token comes back. It is how the SRP layer is
 * proven on its own in the simulator; the membership module composes {@link OperationalRing}
 * into the full processor.
 */
public final class FixedRingEngine implements TotemEngine {
    private final int myId;
    private final int[] members;
    private final Effects effects = new Effects();
    private final Outbox outbox;
    private final Assembler assembler;
    private final SrpStats stats = new SrpStats();
    private final FrameGate gate = new FrameGate(stats);
    private final OperationalRing ring;

    public FixedRingEngine(TotemConfig config, int myId, int[] members) {
        this.myId = myId;
        this.members = members.clone();
        java.util.Arrays.sort(this.members);
        this.outbox = new Outbox(config);
        this.assembler = new Assembler(config.messageBytesMax());
        this.ring = new OperationalRing(config, myId, new RingId(this.members[0], 1), this.members, 0, outbox.queue(),
                assembler, stats);
    }

    @Override
    public int nodeId() {
        return myId;
    }

    public SrpStats stats() {
        return stats;
    }

    /** Frames dropped by the decoder, by kind. */
    public Map<DecodeStatus, Long> rejected() {
        return gate.rejected();
    }

    public OperationalRing ring() {
        return ring;
    }

    /** Frames waiting to be broadcast, the open packed frame included. */
    public int queuedFrames() {
        return outbox.queuedFrames();
    }

    @Override
    public Effects reloadTunables(long nowNanos, TotemConfig reloaded) {
        effects.clear();
        ring.reloadTunables(reloaded);
        return checked();
    }

    @Override
    public Effects start(long nowNanos) {
        effects.clear();
        ring.armTokenLoss(effects);
        if (members[0] == myId) {
            ring.originateToken(nowNanos, effects);
        }
        return checked();
    }

    @Override
    public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
        effects.clear();
        if (!gate.admit(frame)) {
            return effects;
        }
        int offset = frame.position();
        int length = frame.remaining();
        FrameType type = Frames.type(frame, offset);
        switch (type) {
            case ORF_TOKEN -> {
                if (sameRing(frame, offset)) {
                    outbox.flush();
                    ring.onToken(nowNanos, frame, offset, effects);
                } else {
                    stats.tokensForeign++;
                }
            }
            case MCAST -> {
                if (sameRing(frame, offset)) {
                    byte[] copy = new byte[length];
                    frame.get(offset, copy, 0, length);
                    ring.onMcast(nowNanos, copy, effects);
                } else {
                    stats.framesForeign++;
                }
            }
            case TOKEN_HOLD_CANCEL -> {
                if (sameRing(frame, offset)) {
                    ring.onHoldCancel(effects);
                }
            }
            case JOIN, COMMIT_TOKEN, MERGE_DETECT -> {
                // A fixed ring has no membership; these belong to the full processor.
            }
        }
        return checked();
    }

    private boolean sameRing(ByteBuffer frame, int offset) {
        RingId r = ring.ringId();
        // Every ring-carrying frame has ring rep at 12 and ring seq at 16.
        return frame.getInt(offset + 12) == r.rep() && frame.getLong(offset + 16) == r.seq();
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        effects.clear();
        switch (timer) {
            case TOKEN_RETRANSMIT -> ring.onTokenRetransmitTimer(effects);
            case HOLD -> ring.onHoldTimer(effects);
            case TOKEN_LOSS -> {
                stats.tokensLost++;
                effects.add(new Effect.TokenLost(ring.ringId()));
                ring.armTokenLoss(effects);
            }
            case JOIN, CONSENSUS, MERGE_DETECT, JOIN_JITTER -> {
                // Not used on a fixed ring.
            }
            case RRP_TOKEN_WAIT, RRP_TOKEN_RESEND, RRP_PROBE -> {
                // The redundant ring's timers; its layer handles them before an engine sees any.
            }
        }
        return checked();
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        effects.clear();
        SubmitStatus status = outbox.offer(payload, guarantee);
        effects.submitStatus(status);
        if (status == SubmitStatus.ACCEPTED) {
            ring.onLocalSend(effects);
        }
        return checked();
    }

    @Override
    public Effects leave(long nowNanos) {
        // A fixed ring has no membership to leave.
        return effects.clear();
    }

    private Effects checked() {
        ring.checkInvariants();
        if (outbox.queue().size() > outbox.queue().capacity()) {
            throw new IllegalStateException("send queue over capacity");
        }
        return effects;
    }
}
